import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initials, placeholderColor, textColorOn } from './cover-colors.ts';

test("AniList's colour is used when it is a plain hex colour", () => {
  assert.equal(placeholderColor(16498, '#E4A15D'), '#e4a15d');
});

test('a missing or odd colour becomes a stable colour of the id', () => {
  const a = placeholderColor(16498, null);
  assert.match(a, /^#[0-9a-f]{6}$/);
  assert.equal(placeholderColor(16498, 'red;background:url(x)'), a, 'anything but #rrggbb is ignored');
  assert.notEqual(placeholderColor(16499, null), a);
});

test('text on a placeholder is black on light colours and white on dark ones', () => {
  assert.equal(textColorOn('#e4a15d'), '#000000');
  assert.equal(textColorOn('#1a1a2e'), '#ffffff');
  assert.equal(textColorOn('#ffffff'), '#000000');
});

test('initials come from the first two words, or two letters of one', () => {
  assert.equal(initials('Attack on Titan'), 'AO');
  assert.equal(initials('Shingeki'), 'SH');
  assert.equal(initials('進撃の巨人'), '進撃');
  assert.equal(initials('Re:Zero − Starting Life'), 'RZ');
  assert.equal(initials('!!!'), '?');
});
