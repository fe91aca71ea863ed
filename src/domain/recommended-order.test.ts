import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../catalog/catalog.ts';
import { AOT, catalogFranchise } from '../../test/support/catalog-franchise.ts';
import { recommendedOrder, WATCH_ROLES, type OrderEntry, type RecommendedEntry } from './recommended-order.ts';
import type { Relation } from './relation-type.ts';

const catalog = await loadCatalog({ anilistOnly: true });

function orderEntry(id: number): OrderEntry {
  const m = catalog.media.get(id)!;
  return {
    id,
    format: m.format,
    startDate: m.startDate,
    title: m.title.english ?? m.title.romaji ?? `#${id}`,
    titles: m.title,
    episodes: m.episodes,
    duration: m.duration,
    // The catalog has no popularity: the lead continuity falls to the score.
    popularity: null,
    averageScore: m.averageScore,
    malScore: null,
    tags: m.tags,
    genres: m.genres,
  };
}

/** A franchise as the reader hands it to the order: its members and AniList's edges among them. */
function franchise(root: number): { members: OrderEntry[]; relations: Relation[] } {
  const { ids, relations } = catalogFranchise(catalog, root);
  return { members: ids.map(orderEntry), relations };
}

function recommended(root: number): RecommendedEntry[] {
  const { members, relations } = franchise(root);
  return recommendedOrder(members, relations);
}

const ids = (order: RecommendedEntry[]) => order.map((e) => e.id);
const roleOf = (order: RecommendedEntry[], id: number) => order.find((e) => e.id === id)?.role;
const before = (order: RecommendedEntry[], a: number, b: number) => ids(order).indexOf(a) < ids(order).indexOf(b);

test('Attack on Titan: release order with the story first, compilations optional, extras after it all', () => {
  const order = recommended(AOT.S1);
  const { S1, CRIMSON_BOW, WINGS_OF_FREEDOM, NO_REGRETS, S3, LOST_GIRLS, FINAL_CHAPTERS_SPECIAL_2: FINAL_CHAPTERS_2 } = AOT;
  assert.equal(order[0].id, S1, 'a prequel made later (No Regrets) does not come first');
  assert.deepEqual(order[0], { id: S1, role: 'main', reason: 'main story, where it aired' });
  assert.ok(before(order, CRIMSON_BOW, NO_REGRETS) && before(order, WINGS_OF_FREEDOM, NO_REGRETS), 'the two compilation films together, where the first came out');
  assert.equal(roleOf(order, CRIMSON_BOW), 'optional');
  assert.match(order.find((e) => e.id === CRIMSON_BOW)!.reason, /^compilation film of Attack on Titan/);
  assert.ok(before(order, S3, LOST_GIRLS), 'Lost Girls, a side story of season 3 released before it, waits for it');
  assert.match(order.find((e) => e.id === LOST_GIRLS)!.reason, /side story of Attack on Titan Season 3, after it \(it aired first\)/);
  // Chibi theatres, Junior High and the music video come after the last of the story.
  const extras = order.filter((e) => e.role === 'extra').map((e) => e.id);
  assert.deepEqual([...extras].sort((a, b) => a - b), [19391, 21281, 108942, 139754, 150005, 900390]);
  assert.ok(ids(order).indexOf(FINAL_CHAPTERS_2) < ids(order).indexOf(extras[0]));
  assert.ok(order.slice(-extras.length).every((e) => e.role === 'extra'));
});

test('several continuities: the one people start with leads, the others follow as blocks', () => {
  // From the 2003 Fullmetal Alchemist: Brotherhood (scored 90 against 79) leads.
  const fma = recommended(121);
  assert.deepEqual(ids(fma).slice(0, 3), [5114, 6421, 9135]);
  assert.deepEqual(ids(fma).slice(3, 7), [121, 664, 430, 908], 'the 2003 series with its film and specials, as one block');
  assert.equal(roleOf(fma, 121), 'alternative');
  assert.match(fma.find((e) => e.id === 121)!.reason, /another continuity: its own block after Fullmetal Alchemist: Brotherhood/);
  assert.equal(roleOf(fma, 664), 'optional', 'Reflections recaps the 2003 series');
  assert.deepEqual(ids(fma).slice(7), [7902, 10842], 'the 4-koma theatre and a PV last');
  // Hunter x Hunter: the 2011 series and its films, then the 1999 series with its pilot and OVAs.
  const hxh = recommended(136);
  assert.deepEqual(ids(hxh).slice(0, 3), [11061, 13271, 19951]);
  assert.ok(hxh.slice(3, 8).every((e) => e.role === 'alternative'));
  assert.equal(hxh.at(-1)!.role, 'extra');
  // JoJo: the 2012 series and its parts, then the 1993 and 2000 OVAs and the 2007 film, an
  // older retelling in film, as a block after it.
  const jojo = recommended(14719);
  assert.deepEqual(ids(jojo), [14719, 20474, 20799, 21450, 21778, 102883, 131942, 146722, 900611, 666, 665, 3603]);
  assert.equal(roleOf(jojo, 21778), 'side', 'Thus Spoke Kishibe Rohan');
});

test('a retelling in films that came after the series stays where it came out, with its film series together', () => {
  const eva = recommended(30);
  const REBUILD = [2759, 3784, 3785];
  assert.deepEqual(ids(eva).slice(0, 3), [30, 32, 31], 'the series, End of Evangelion, Death & Rebirth (a recap)');
  assert.equal(roleOf(eva, 31), 'optional');
  assert.deepEqual(ids(eva).slice(3, 6), REBUILD);
  assert.equal(roleOf(eva, 4130), 'extra', 'Petit Eva');
  // Kizumonogatari I-III stand together, where the first came out, before Koyomimonogatari.
  const monogatari = recommended(5081);
  const at = (id: number) => ids(monogatari).indexOf(id);
  assert.deepEqual([at(21399), at(21400)], [at(9260) + 1, at(9260) + 2]);
  assert.ok(at(21400) < at(21520));
});

test('Parody is judged against the main line: Haruhi is tagged Parody itself, Haruhi-chan is chibi', () => {
  const order = recommended(849);
  assert.deepEqual(ids(order).slice(0, 3), [849, 4382, 7311]);
  assert.ok(order.slice(0, 5).every((e) => e.role !== 'extra'));
  assert.deepEqual(order.slice(-2).map((e) => [e.id, e.role]), [[5957, 'extra'], [5118, 'extra']]);
});

const entry = (id: number, date: string, format: string | null = 'TV', extra: Partial<OrderEntry> = {}): OrderEntry => {
  const [year, month, day] = date.split('-').map((part) => (part === '?' ? null : Number(part)));
  return {
    id,
    format,
    startDate: { year, month, day },
    title: `#${id}`,
    titles: { romaji: `Title ${id}`, english: null },
    episodes: 12,
    duration: 24,
    popularity: null,
    averageScore: 70,
    malScore: null,
    tags: [],
    genres: [],
    ...extra,
  };
};
const rel = (from: number, to: number, type: string): Relation => ({ from, to, type, source: 'anilist' });

test('a remake that overtook the original leads; the original follows as its own block', () => {
  const members = [
    entry(1, '1990-01-01', 'TV', { popularity: 1000 }),
    entry(2, '1991-01-01', 'TV', { popularity: 900 }),
    entry(3, '1992-01-01', 'MOVIE'),
    entry(10, '2020-01-01', 'TV', { popularity: 5000 }),
    entry(11, '2021-01-01', 'TV', { popularity: 4000 }),
    entry(20, '2005-01-01', 'MUSIC'),
  ];
  const relations = [rel(1, 2, 'SEQUEL'), rel(3, 2, 'PARENT'), rel(10, 11, 'SEQUEL'), rel(10, 1, 'ALTERNATIVE'), rel(20, 1, 'PARENT')];
  const order = recommendedOrder(members, relations);
  assert.deepEqual(ids(order), [10, 11, 1, 2, 3, 20]);
  assert.deepEqual(order.map((e) => e.role), ['main', 'main', 'alternative', 'alternative', 'alternative', 'extra']);
  assert.equal(order[2].reason, 'another continuity: its own block after #10, where it aired');
  assert.equal(order[5].reason, 'music video: after the main story');
});

test('a continuity is judged by its own story: a popular side story does not make it lead', () => {
  // Tenchi Universe (1995) holds the franchise's most popular entry, its side story Isekai no
  // Seikishi Monogatari (2009, scored 73); the 1992 OVAs (73) beat Tenchi Universe itself (71).
  const tenchi = recommended(696);
  assert.deepEqual(ids(tenchi).slice(0, 3), [539, 177457, 1146], 'the 1992 OVAs first');
  assert.equal(roleOf(tenchi, 696), 'alternative');
  // Urusei Yatsura: Beautiful Dreamer (78), a side story of the 1981 series (74), no longer
  // outweighs the 2022 remake's second season (78).
  const urusei = recommended(1293);
  assert.deepEqual(ids(urusei).slice(0, 3), [143277, 155645, 1293]);
  // A small graph: the old continuity's side story is the most popular entry of all.
  const members = [
    entry(1, '1990-01-01', 'TV', { popularity: 1000 }),
    entry(2, '1992-01-01', 'MOVIE', { popularity: 9000 }),
    entry(10, '2020-01-01', 'TV', { popularity: 3000 }),
  ];
  const relations = [rel(2, 1, 'PARENT'), rel(10, 1, 'ALTERNATIVE')];
  assert.deepEqual(ids(recommendedOrder(members, relations)), [10, 1, 2]);
});

test('a chibi or comedy spin-off continued by short sequels: the sequels are extras too', () => {
  // Re:Zero's Break Time: the 2016 and 2020 seasons are tagged Parody; the 2021 one (an ONA) carries no tag, only its PREQUEL edge.
  const rezero = recommended(21355);
  assert.equal(roleOf(rezero, 900437), 'extra');
  // Motto Marutto Railgun: the first is comedy only, its S and T sequels add Sci-Fi.
  const toaru = recommended(4654);
  for (const id of [8023, 19697, 122041]) assert.equal(roleOf(toaru, id), 'extra', `${id}`);
  // Sword Art Offline's Ordinal Scale episode (Comedy, Fantasy) follows Sword Art Offline II.
  const sao = recommended(11757);
  assert.equal(roleOf(sao, 101965), 'extra');
  // Sequels on the main line are never pulled along: Sword Art Online II stays main.
  assert.equal(roleOf(sao, 20594), 'main');
});

test('promotional films are extras whatever the format; picture dramas stand where they aired', () => {
  const sao = recommended(11757);
  // FULLDIVE's opening film, two minutes long, filed as a MOVIE.
  assert.deepEqual(sao.find((e) => e.id === 157058), { id: 157058, role: 'extra', reason: 'promotional film: after the main story' });
  // Code Geass' picture dramas are comedy only, yet side stories told in stills.
  const geass = recommended(1575);
  for (const id of [125783, 117408]) assert.equal(roleOf(geass, id), 'side', `${id}`);
  assert.ok(before(geass, 117408, 9591), 'before the BABA theatre, a chibi extra');
});

test('every member once with a role and a reason, whatever the input order (loops: see watch-order.test.ts)', () => {
  assert.deepEqual(recommendedOrder([], []), []);
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const shuffle = <T>(items: T[]) => items.map((item) => [random(), item] as const).sort(([a], [b]) => a - b).map(([, item]) => item);
  for (const root of [16498, 5081, 356, 80, 21, 1575, 121, 539, 3898, 20596, 9533]) {
    const { members: all, relations: edges } = franchise(root);
    const expected = recommendedOrder(all, edges);
    assert.deepEqual(ids(expected).sort((a, b) => a - b), all.map((m) => m.id).sort((a, b) => a - b), `every member once, ${root}`);
    for (const e of expected) assert.ok(WATCH_ROLES.includes(e.role) && e.reason.length > 0, `${root}: ${JSON.stringify(e)}`);
    assert.deepEqual(recommendedOrder(shuffle([...all, ...all.slice(0, 2)]), shuffle([...edges])), expected, `shuffled ${root}`);
  }
});
