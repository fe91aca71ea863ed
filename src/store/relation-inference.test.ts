import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Relation } from '../domain/relation-type.ts';
import { answers, inferredEdgesFor, normaliseRelationType, sourceRank } from './relation-inference.ts';

const up = (from: number, to: number, type: string): Relation => ({ from, to, type, source: 'anilist' });
const inf = (from: number, to: number, type: string): Relation => ({ from, to, type, source: 'inferred' });

test('answers: the strict inverse, or a type whose own inverse is the forward type', () => {
  const yes: [string, string][] = [
    ['SEQUEL', 'PREQUEL'],
    ['PREQUEL', 'SEQUEL'],
    ['PARENT', 'SIDE_STORY'],
    ['PARENT', 'SPIN_OFF'],
    ['PARENT', 'SUMMARY'],
    ['SPIN_OFF', 'PARENT'],
    ['ALTERNATIVE', 'ALTERNATIVE'],
    ['COMPILATION', 'CONTAINS'],
    ['ADAPTATION', 'SOURCE'],
    ['CROSSOVER', 'OTHER'],
    ['OTHER', 'CROSSOVER'],
  ];
  const no: [string, string][] = [
    ['SEQUEL', 'SEQUEL'],
    ['SEQUEL', 'SIDE_STORY'],
    ['SIDE_STORY', 'SPIN_OFF'],
    ['CHARACTER', 'OTHER'],
  ];
  for (const [a, b] of yes) assert.equal(answers(a, b), true, `${a} answered by ${b}`);
  for (const [a, b] of no) assert.equal(answers(a, b), false, `${a} not answered by ${b}`);
});

test('inferredEdgesFor: one inverse per unanswered upstream edge, none when upstream already gives the other side', () => {
  assert.deepEqual(inferredEdgesFor([up(1, 2, 'SEQUEL')]), [inf(2, 1, 'PREQUEL')]);
  assert.deepEqual(inferredEdgesFor([up(1, 2, 'SEQUEL'), up(2, 1, 'PREQUEL')]), []);
  assert.deepEqual(inferredEdgesFor([up(5, 6, 'PARENT'), up(6, 5, 'SPIN_OFF')]), []);
  // Upstream inconsistency (both call the other their sequel): each gets its PREQUEL.
  assert.deepEqual(inferredEdgesFor([up(1, 2, 'SEQUEL'), up(2, 1, 'SEQUEL')]), [inf(2, 1, 'PREQUEL'), inf(1, 2, 'PREQUEL')]);
  // Two upstream types one way needing the same inverse give one inferred edge.
  assert.deepEqual(inferredEdgesFor([up(1, 2, 'SPIN_OFF'), up(1, 2, 'SUMMARY')]), [inf(2, 1, 'PARENT')]);
  assert.deepEqual(inferredEdgesFor([up(7, 8, 'CROSSOVER')]), [inf(8, 7, 'OTHER')]);
  assert.deepEqual(inferredEdgesFor([]), []);
});

test('types fold to upper case; sources rank AniList over MAL over inferred', () => {
  assert.equal(normaliseRelationType(' side_story '), 'SIDE_STORY');
  assert.ok(sourceRank('anilist') > sourceRank('mal'));
  assert.ok(sourceRank('mal') > sourceRank('inferred'));
});
