import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../catalog/catalog.ts';
import { shareTitleStem, titleStems } from './title-stem.ts';

const catalog = await loadCatalog({ anilistOnly: true });
const titles = (id: number) => catalog.media.get(id)!.title;
const named = (romaji: string, english: string | null = null) => ({ romaji, english, native: null });

test('a stem is the title up to its subtitle, folded, from the romaji and the English title', () => {
  assert.deepEqual(titleStems(titles(8888)), ['code geass']); // Code Geass: Boukoku no Akito 1 - ...
  assert.deepEqual(titleStems(titles(9332)), ['hack']); // .hack//Quantum
  assert.deepEqual(titleStems(titles(127149)), ['fate']); // Fate/Grand Carnival
  assert.deepEqual(titleStems(titles(20756)).sort(), ['kidou senshi gundam san', 'mobile suit gundam san']);
  assert.deepEqual(titleStems(titles(5680)), [], 'K-ON! folds to "k on": three letters are no evidence');
  assert.deepEqual(titleStems(named('Gekijouban: Something Else')), [], 'a kind of release, not a franchise');
});

test('real OTHER and CHARACTER pairs of one franchise share a stem', () => {
  const pairs: [number, number, string][] = [
    [1575, 8888, 'Code Geass: Lelouch of the Rebellion / Akito the Exiled'],
    [48, 9332, '.hack//SIGN / .hack//Quantum'],
    [80, 20756, 'Mobile Suit Gundam / Gundam-san'],
    [20962, 99883, 'Hetalia: The World Twinkle / its OVA'],
    [6336, 20707, 'Gundam Unicorn / One of Seventy Two'],
    [356, 127149, 'Fate/stay night / Fate/Grand Carnival'],
  ];
  for (const [a, b, what] of pairs) {
    assert.ok(shareTitleStem(titles(a), titles(b)), what);
    assert.ok(shareTitleStem(titles(b), titles(a)), `${what}, the other way`);
  }
});

test('different franchises linked by OTHER or CHARACTER do not', () => {
  const pairs: [number, number, string][] = [
    [849, 1887, 'Haruhi / Lucky Star (CHARACTER)'],
    [21, 10033, 'One Piece / Toriko (CHARACTER)'],
    [1575, 139044, 'Code Geass / Jongtama PV (CHARACTER)'],
    [5081, 106495, 'Bakemonogatari / Nisekoimonogatari (one word, not a stem)'],
    [80, 110419, 'Mobile Suit Gundam / Gundam vs Hello Kitty'],
    [21355, 104454, 'Re:Zero / Isekai Quartet'],
    [9253, 4975, 'Steins;Gate / Chaos;Head'],
  ];
  for (const [a, b, what] of pairs) assert.ok(!shareTitleStem(titles(a), titles(b)), what);
  // A crossover named after both sides shares a stem with the side its title starts with only.
  const crossover = named('Lupin Sansei vs Meitantei Conan', 'Lupin the 3rd vs. Detective Conan');
  assert.ok(shareTitleStem(named('Lupin Sansei', 'Lupin the 3rd Part I'), crossover));
  assert.ok(!shareTitleStem(named('Meitantei Conan', 'Case Closed'), crossover));
});

test('the false positives found in the catalog: brand families of separate works', () => {
  const pairs: [number, number, string][] = [
    [150, 10490, 'Blood+ / Blood-C'],
    [695, 694, 'Canvas / Canvas 2'],
    [552, 11385, 'Digimon Adventure ("Digimon: Digital Monsters") / Digimon Xros Wars'],
  ];
  for (const [a, b, what] of pairs) assert.ok(shareTitleStem(titles(a), titles(b)), what);
});
