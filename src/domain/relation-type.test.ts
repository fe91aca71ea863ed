import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inverseOf, relationTypeFromMalLabel, RELATION_TYPES } from './relation-type.ts';

test('every known type has an inverse, and symmetric pairs map back', () => {
  for (const type of RELATION_TYPES) assert.ok(RELATION_TYPES.includes(inverseOf(type)));
  for (const [a, b] of [['SEQUEL', 'PREQUEL'], ['SIDE_STORY', 'PARENT'], ['COMPILATION', 'CONTAINS'], ['ADAPTATION', 'SOURCE']]) {
    assert.equal(inverseOf(a), b);
    assert.equal(inverseOf(b), a);
  }
  assert.equal(inverseOf('SPIN_OFF'), 'PARENT');
  assert.equal(inverseOf('SUMMARY'), 'PARENT');
  assert.equal(inverseOf('ALTERNATIVE'), 'ALTERNATIVE');
});

test('MAL labels map case-insensitively and unknown labels are kept', () => {
  assert.equal(relationTypeFromMalLabel('Side story'), 'SIDE_STORY');
  assert.equal(relationTypeFromMalLabel('Side Story'), 'SIDE_STORY');
  assert.equal(relationTypeFromMalLabel('Parent story'), 'PARENT');
  assert.equal(relationTypeFromMalLabel('Alternative setting'), 'ALTERNATIVE');
  assert.equal(relationTypeFromMalLabel('Spin-off'), 'SPIN_OFF');
  assert.equal(relationTypeFromMalLabel('Music video tie-in'), 'MUSIC_VIDEO_TIE_IN');
  assert.equal(inverseOf('MUSIC_VIDEO_TIE_IN'), 'OTHER');
});
