import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortTitle } from './short-title.ts';

test("drops the franchise's name in front of a member's title", () => {
  assert.equal(shortTitle('Attack on Titan Season 2', 'Attack on Titan'), 'Season 2');
  assert.equal(shortTitle('Attack on Titan: No Regrets', 'Attack on Titan'), 'No Regrets');
  assert.equal(shortTitle('Attack on Titan: Final Season - The Final Chapters', 'Attack on Titan'), 'Final Season - The Final Chapters');
  assert.equal(shortTitle('attack on titan: junior high', 'Attack on Titan'), 'junior high');
});

test('keeps titles that only look alike or are the name itself', () => {
  assert.equal(shortTitle('Attack on Titan', 'Attack on Titan'), 'Attack on Titan');
  assert.equal(shortTitle('Fate/Zero', 'Fate'), 'Fate/Zero');
  assert.equal(shortTitle('Attack on Titanic', 'Attack on Titan'), 'Attack on Titanic');
  assert.equal(shortTitle('Attack on Titan:', 'Attack on Titan'), 'Attack on Titan:');
  assert.equal(shortTitle('Monogatari Series: Second Season', undefined), 'Monogatari Series: Second Season');
});
