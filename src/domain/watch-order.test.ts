import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../catalog/catalog.ts';
import { AOT, catalogFranchise } from '../../test/support/catalog-franchise.ts';
import type { Relation } from './relation-type.ts';
import { recommendedOrder } from './recommended-order.ts';
import { releaseOrder, storyOrder, type WatchEntry } from './watch-order.ts';

const catalog = await loadCatalog({ anilistOnly: true });

/** A franchise as the store would hand it to the orders: members and their relations. */
function franchise(root: number): { members: WatchEntry[]; relations: Relation[] } {
  const { ids, relations } = catalogFranchise(catalog, root);
  return { members: ids.map((id) => catalog.media.get(id)!), relations };
}

const entry = (id: number, date: string, format: string | null = 'TV'): WatchEntry => {
  const [year, month, day] = date.split('-').map((part) => (part === '?' ? null : Number(part)));
  return { id, format, startDate: { year, month, day } };
};
const rel = (from: number, to: number, type: string): Relation => ({ from, to, type, source: 'anilist' });

test('Attack on Titan in release order', () => {
  const { members } = franchise(AOT.S1);
  assert.deepEqual(releaseOrder(members), [
    AOT.S1, // 2013-04-07
    AOT.CHIBI_1, // 2013-07-17
    AOT.OAD, // 2013-12-09
    AOT.CRIMSON_BOW, // 2014-11-22
    AOT.NO_REGRETS, // 2014-12-09
    AOT.WINGS_OF_FREEDOM, // 2015-06-27
    AOT.JUNIOR_HIGH, // 2015-10-04
    AOT.S2, // 2017-04-01
    AOT.SKYTREE, // 2017-04-10
    AOT.LOST_GIRLS, // 2017-12-08
    AOT.ROAR_OF_AWAKENING, // 2018-01-13
    AOT.S3, // 2018-07-23
    AOT.REQUIEM_MV, // 2018-09-19
    AOT.CHIBI_LEVI, // 2018-10-17
    AOT.S3_PART_2, // 2019-04-29
    AOT.CHIBI_LEVI_2, // 2019-?-?
    AOT.CHRONICLE, // 2020-07-17
    AOT.FINAL_SEASON, // 2020-12-07
    AOT.CHIBI_FINAL, // 2021-07-07
    AOT.FINAL_SEASON_PART_2, // 2022-01-10
    AOT.FINAL_CHAPTERS, // 2023-03-04
    AOT.FINAL_CHAPTERS_SPECIAL_2, // 2023-?-?
  ]);
});

test('Attack on Titan in story order', () => {
  const { members, relations } = franchise(AOT.S1);
  assert.deepEqual(storyOrder(members, relations), [
    AOT.NO_REGRETS, // AniList: the PREQUEL of season 1
    AOT.S1,
    AOT.CHIBI_1, // side story of S1
    AOT.OAD, // side story of S1
    AOT.CRIMSON_BOW, // alternative version of S1 (the recap films), with its sequel
    AOT.WINGS_OF_FREEDOM,
    AOT.JUNIOR_HIGH, // spin-off of S1
    AOT.S2,
    AOT.SKYTREE, // side story of S2
    AOT.ROAR_OF_AWAKENING, // summary of S2, sequel of Wings of Freedom
    AOT.S3,
    AOT.LOST_GIRLS, // side story of S1 and S3: after the later parent, though released before S3
    AOT.REQUIEM_MV,
    AOT.CHIBI_LEVI,
    AOT.CHIBI_LEVI_2,
    AOT.S3_PART_2,
    AOT.CHRONICLE, // summary of S1 to S3 Part 2
    AOT.FINAL_SEASON,
    AOT.CHIBI_FINAL,
    AOT.FINAL_SEASON_PART_2,
    AOT.FINAL_CHAPTERS,
    AOT.FINAL_CHAPTERS_SPECIAL_2,
  ]);
});

test('Monogatari in story order follows AniList chronology, not release', () => {
  const { members, relations } = franchise(5081);
  const story = storyOrder(members, relations);
  const at = (id: number) => story.indexOf(id);
  // Kizumonogatari I-III (2016-17), Nekomonogatari Black (2012), Bakemonogatari (2009), Nisemonogatari (2012), Second Season (2013).
  const chain = [9260, 21399, 21400, 15689, 5081, 11597, 17074, 21262, 20918, 21745, 100815];
  for (let i = 1; i < chain.length; i++) assert.ok(at(chain[i - 1]) < at(chain[i]), `${chain[i - 1]} before ${chain[i]}`);
  // Koyomimonogatari names Bakemonogatari, Nisemonogatari, Second Season and Tsukimonogatari as PARENTs.
  assert.equal(at(21520), at(20918) + 1);
});

test('unknown date parts sort after the known ones of their prefix; no date comes last', () => {
  const members = [
    entry(1, '?-?-?'),
    entry(2, '2013-?-?'),
    entry(3, '2013-04-?'),
    entry(4, '2013-04-07'),
    entry(5, '2013-12-31'),
    entry(6, '2012-?-?'),
    { id: 7, format: 'TV', startDate: null },
    entry(8, '?-05-01'), // a month without a year is no date
    entry(9, '2013-04-30'),
  ];
  assert.deepEqual(releaseOrder(members), [6, 4, 9, 3, 5, 2, 1, 7, 8]);
});

test('one start date: TV, TV_SHORT, ONA, MOVIE, OVA, SPECIAL, MUSIC, then other formats, then id', () => {
  const day = '2020-01-01';
  const members = [
    entry(10, day, 'MUSIC'),
    entry(11, day, 'SPECIAL'),
    entry(12, day, null),
    entry(13, day, 'OVA'),
    entry(14, day, 'MOVIE'),
    entry(15, day, 'ONA'),
    entry(16, day, 'TV_SHORT'),
    entry(17, day, 'TV'),
    entry(9, day, 'TV'),
    entry(18, day, 'CM'),
  ];
  assert.deepEqual(releaseOrder(members), [9, 17, 16, 15, 14, 13, 11, 10, 12, 18]);
});

test('a side story comes right after its parent, with its own sequels, before the parent\'s sequel', () => {
  const members = [entry(1, '2010-01-01'), entry(2, '2012-01-01'), entry(3, '2013-01-01', 'OVA'), entry(4, '2014-01-01', 'OVA'), entry(5, '2011-01-01', 'MOVIE')];
  const relations = [
    rel(1, 2, 'SEQUEL'),
    rel(3, 1, 'PARENT'),
    rel(3, 4, 'SEQUEL'),
    rel(1, 5, 'SUMMARY'),
  ];
  assert.deepEqual(storyOrder(members, relations), [1, 5, 3, 4, 2]);
  assert.deepEqual(releaseOrder(members), [1, 5, 2, 3, 4]);
});

test('cycles and self-loops are broken by release order', () => {
  // Real data: Blue Spring Ride and its OVA are each other's SEQUEL; two Shizuku-chan
  // series are each other's PREQUEL.
  for (const [root, expected] of [
    [20596, [20596, 20900]],
    [9533, [9426, 9533, 15897]],
  ] as const) {
    const { members, relations } = franchise(root);
    assert.deepEqual(storyOrder(members, relations), expected);
  }
  // A three-step loop (a -> b -> c -> a), a self-loop and a PARENT loop, all at once.
  const members = [entry(1, '2001-01-01'), entry(2, '2002-01-01'), entry(3, '2003-01-01'), entry(4, '2004-01-01', 'OVA'), entry(5, '2000-01-01')];
  const relations = [
    rel(2, 3, 'SEQUEL'),
    rel(3, 1, 'SEQUEL'),
    rel(1, 2, 'SEQUEL'),
    rel(2, 2, 'SEQUEL'),
    rel(4, 3, 'PARENT'),
    rel(3, 4, 'PARENT'),
    rel(5, 99, 'SEQUEL'), // not a member
  ];
  assert.deepEqual(storyOrder(members, relations), [5, 1, 2, 3, 4]);
  // The recommended order breaks them the same way.
  const recommended = recommendedOrder(members.map((m) => ({ ...m, title: `#${m.id}`, titles: { romaji: null, english: null }, episodes: 12, duration: 24, popularity: null, averageScore: null, malScore: null, tags: [], genres: [] })), relations);
  assert.deepEqual(recommended.map((e) => e.id), [5, 1, 2, 3, 4]);
});

test('every member exactly once in both orders, whatever order the input comes in', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const shuffle = <T>(items: T[]) => items.map((item) => [random(), item] as const).sort(([a], [b]) => a - b).map(([, item]) => item);
  // Reference franchises, a crossover's union, and the self-loop and cycle cases.
  for (const root of [16498, 5081, 356, 80, 21, 20, 9253, 1535, 3898, 106896, 20596, 9533]) {
    const { members, relations } = franchise(root);
    const ids = members.map((m) => m.id).sort((a, b) => a - b);
    const release = releaseOrder(members);
    const story = storyOrder(members, relations);
    assert.deepEqual([...release].sort((a, b) => a - b), ids, `release ${root}`);
    assert.deepEqual([...story].sort((a, b) => a - b), ids, `story ${root}`);
    for (let i = 0; i < 3; i++) {
      const again = shuffle([...members, ...members.slice(0, 2)]);
      assert.deepEqual(releaseOrder(again), release, `release ${root} shuffled`);
      assert.deepEqual(storyOrder(again, shuffle([...relations])), story, `story ${root} shuffled`);
    }
  }
});
