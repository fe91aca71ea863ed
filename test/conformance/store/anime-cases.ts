import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Anime, MalInfo } from '../../../src/domain/anime.ts';
import { anime, DAY, T0 } from '../../fixtures/store-fixtures.ts';
import type { SuiteContext } from './store-conformance.ts';

export function animeCases(ctx: SuiteContext): void {
  test('anime: every field round-trips, with unicode, quotes, partial dates and ids at and above 2^31', async () => {
    const { store } = await ctx.open();
    const entries: Anime[] = [
      anime(2_147_483_647, {
        idMal: 2_147_483_646,
        title: { romaji: `Kimi no "Na" wa'; drop table anime; --`, english: 'Your Name. 🌠', native: '君の名は。' },
        synonyms: ['שם שלך', 'اسمك', 'Tên cậu là gì?', 'Ке́ми', 'e\u0301 composed', '👨‍👩‍👧 family'],
        format: 'MOVIE',
        startDate: { year: 2016, month: 8, day: null },
        endDate: { year: null, month: null, day: null },
        season: null,
        seasonYear: null,
        episodes: null,
        duration: null,
        source: null,
        genres: [],
        tags: ['Body Swapping', 'Time Skip'],
        studios: ['CoMix Wave Films'],
        averageScore: 85.5,
        popularity: Number.MAX_SAFE_INTEGER,
        coverImage: null,
        coverImages: { extraLarge: null, large: 'https://s4.anilist.co/file/anilistcdn/media/anime/cover/medium/b1-x.jpg', medium: null },
        coverColor: null,
        bannerImage: null,
        description: 'Line one\nLine two: “quoted” \\ back\\slash, 100% _like_ chars',
        isAdult: true,
        updatedAt: 4_102_444_800,
        fetchedAt: T0 + 123,
      }),
      anime(2_147_483_655, { idMal: null, startDate: { year: null, month: null, day: null }, averageScore: null, popularity: null, updatedAt: null }),
      anime(1),
    ];
    const result = await store.anime.upsertMany(entries);
    assert.deepEqual(result, { written: 3, unchanged: 0, dropped: [], malIdMoved: [] });
    for (const entry of entries) assert.deepEqual(await store.anime.get(entry.id), { ...entry, mal: null }, `entry ${entry.id}`);
    assert.equal((await store.anime.findByMalId(2_147_483_646))?.id, 2_147_483_647);
    assert.equal(await store.anime.get(2), undefined);
    assert.deepEqual((await store.anime.getMany([1, 999, 2_147_483_655, 1])).map((a) => a.id), [1, 2_147_483_655]);
    assert.equal(await store.anime.count(), 3);
  });

  test('anime: NUL and lone surrogates are cleaned the same way on both dialects, and re-upserting stays a no-op', async () => {
    const { store } = await ctx.open();
    const dirty = anime(5, { title: { romaji: 'x\uD800y', english: null, native: null }, description: 'a\u0000b', synonyms: ['s\u0000t'] });
    await store.anime.upsertMany([dirty]);
    const stored = await store.anime.get(5);
    assert.equal(stored?.title.romaji, 'x\uFFFDy');
    assert.equal(stored?.description, 'ab');
    assert.deepEqual(stored?.synonyms, ['s\u0000t'], 'JSON columns escape NUL, so lists keep it');
    assert.equal((await store.anime.upsertMany([dirty])).written, 0);
  });

  test('anime: removing NUL never joins a description into markup, on the way in or out', async () => {
    const { store } = await ctx.open();
    const hostile = ['<\u0000img src=x onerror=alert(1)>', '<\u0000script>alert(1)<\u0000/script>', '<<\u0000!--x-->', 'I <3 this'];
    await store.anime.upsertMany(hostile.map((description, i) => anime(10 + i, { description })));
    const stored = await store.anime.getMany([10, 11, 12, 13]);
    assert.deepEqual(
      stored.map((a) => a.description),
      ['img src=x onerror=alert(1)>', 'script>alert(1)/script>', '!--x-->', 'I <3 this'],
    );
    // A row an older version stored with a tag in it comes out inert too.
    await store.db.updateTable('anime').set({ description: '<svg onload=alert(1)>' }).where('id', '=', 13).execute();
    assert.equal((await store.anime.get(13))?.description, 'svg onload=alert(1)>');
  });

  test('anime: re-upserting identical data writes nothing; an older fetch never overwrites a newer one', async () => {
    const { store } = await ctx.open();
    await store.anime.upsertMany([anime(40), anime(41)]);
    assert.deepEqual(await store.anime.upsertMany([anime(40), anime(41)]), { written: 0, unchanged: 2, dropped: [], malIdMoved: [] });
    assert.equal((await store.anime.upsertMany([anime(40, { fetchedAt: T0 - 1, episodes: 99 })])).written, 0);
    assert.equal((await store.anime.get(40))?.episodes, 12);
    assert.equal((await store.anime.upsertMany([anime(40, { fetchedAt: T0 + 1, episodes: 13 })])).written, 1);
    assert.equal((await store.anime.get(40))?.episodes, 13);
    // Same data fetched again later: only fetchedAt moves, which is what freshness needs.
    assert.equal((await store.anime.upsertMany([anime(41, { fetchedAt: T0 + DAY })])).written, 1);
    assert.equal((await store.anime.get(41))?.fetchedAt, T0 + DAY);
  });

  test('anime: bad entries are refused with a reason and the rest of the batch is stored', async () => {
    const { store } = await ctx.open();
    const result = await store.anime.upsertMany([
      anime(-1),
      anime(1.5),
      anime(30, { episodes: 2.5 }),
      anime(31, { startDate: { year: 2020, month: Number.NaN, day: null } }),
      anime(33, { duration: 2 ** 40 }),
      anime(34, { idMal: 0 }),
      anime(32, { title: { romaji: 'first', english: null, native: null } }),
      anime(32, { title: { romaji: 'second', english: null, native: null } }),
    ]);
    assert.equal(result.written, 1);
    assert.deepEqual(
      result.dropped.map((d) => [d.id, d.reason.split(' ')[0]]),
      [[-1, 'id'], [1.5, 'id'], [30, 'episodes'], [31, 'startDate.month'], [33, 'duration'], [34, 'idMal'], [32, 'duplicate']],
    );
    assert.equal((await store.anime.get(32))?.title.romaji, 'second');
    assert.equal(await store.anime.count(), 1);
  });

  test('anime: MAL data round-trips, survives re-ingest, and goes when the MAL link changes', async () => {
    const { store } = await ctx.open();
    const info: MalInfo = { score: 8.75, rank: 1, members: 3_000_000, rating: 'PG-13 - Teens 13 or older', status: 'ok', fetchedAt: T0 };
    await store.anime.upsertMany([anime(7, { idMal: 70 })]);
    assert.equal(await store.anime.setMal(7, info), true);
    assert.equal(await store.anime.setMal(8, info), false);
    assert.deepEqual((await store.anime.get(7))?.mal, info);
    await store.anime.upsertMany([anime(7, { idMal: 70, episodes: 13, fetchedAt: T0 + 1 })]);
    assert.deepEqual((await store.anime.get(7))?.mal, info);
    await store.anime.upsertMany([anime(7, { idMal: 71, fetchedAt: T0 + 2 })]);
    assert.equal((await store.anime.get(7))?.mal, null);
  });

  test('anime: a MAL id taken by a newer entry moves to it; the old holder keeps its row without the link', async () => {
    const { store } = await ctx.open();
    await store.anime.upsertMany([anime(50, { idMal: 500 })]);
    await store.anime.setMal(50, { score: 7, rank: null, members: null, rating: null, status: 'ok', fetchedAt: T0 });
    const moved = await store.anime.upsertMany([anime(51, { idMal: 500 })]);
    assert.deepEqual(moved.malIdMoved, [{ malId: 500, from: 50, to: 51 }]);
    assert.equal((await store.anime.findByMalId(500))?.id, 51);
    const old = await store.anime.get(50);
    assert.equal(old?.idMal, null);
    assert.equal(old?.mal, null);

    const inBatch = await store.anime.upsertMany([anime(52, { idMal: 600 }), anime(53, { idMal: 600 })]);
    assert.deepEqual(inBatch.malIdMoved, [{ malId: 600, from: 52, to: 53 }]);
    assert.equal((await store.anime.findByMalId(600))?.id, 53);
    assert.deepEqual(await store.checkInvariants(), { ok: true, problems: [] });
  });

  test('anime: search ranks exact > prefix > contains, ignores case, diacritics and punctuation, covers every title and synonym', async () => {
    const { store } = await ctx.open();
    const t = (romaji: string, english: string | null = null, native: string | null = null) => ({ romaji, english, native });
    await store.anime.upsertMany([
      anime(1, { title: t('Naruto'), popularity: 500 }),
      anime(2, { title: t('Naruto: Shippuuden'), popularity: 900 }),
      anime(3, { title: t('Boruto: Naruto Next Generations'), popularity: 800 }),
      anime(4, { title: t('Pocket Monsters', 'Pokémon', 'ポケットモンスター') }),
      anime(5, { title: t('Shingeki no Kyojin', null, '進撃の巨人'), synonyms: ['Attack on Titan', "L'Attaque des Titans"] }),
      anime(6, { title: t('NARUTO'), popularity: null }),
      anime(7, { title: t('Naruto'), popularity: 700 }),
    ]);
    const ids = async (q: string, limit = 10) => (await store.anime.search(q, limit)).map((a) => a.id);
    assert.deepEqual(await ids('naruto'), [7, 1, 6, 2, 3]);
    assert.deepEqual(await ids('  NARUTO!! '), [7, 1, 6, 2, 3]);
    assert.deepEqual(await ids('naruto', 2), [7, 1]);
    assert.deepEqual(await ids('POKEMON'), [4]);
    assert.deepEqual(await ids('ポケット'), [4]);
    assert.deepEqual(await ids('進撃'), [5]);
    assert.deepEqual(await ids('attack on titan'), [5]);
    assert.deepEqual(await ids("l'attaque"), [5]);
    assert.deepEqual(await ids('titan'), [5]);
    assert.deepEqual(await ids('kyōjin'), [5]);
    assert.deepEqual(await ids(''), []);
    assert.deepEqual(await ids('%'), []);
    assert.deepEqual(await ids('naruto', 0), []);
    assert.deepEqual(await ids('nothing like this'), []);
  });

  test('anime: staleIds follows the freshness TTLs and names ids never stored; malStaleIds only entries with a MAL id', async () => {
    const { store } = await ctx.open();
    await store.anime.upsertMany([
      anime(10, { status: 'RELEASING', fetchedAt: T0 - 2 * DAY }),
      anime(11, { status: 'RELEASING', fetchedAt: T0 - DAY / 2 }),
      anime(12, { status: 'NOT_YET_RELEASED', fetchedAt: T0 - 8 * DAY }),
      anime(13, { status: 'NOT_YET_RELEASED', fetchedAt: T0 - 6 * DAY }),
      anime(14, { status: 'FINISHED', fetchedAt: T0 - 29 * DAY }),
      anime(15, { status: 'FINISHED', fetchedAt: T0 - 31 * DAY }),
      anime(16, { status: null, fetchedAt: T0 - 31 * DAY }),
    ]);
    assert.deepEqual(await store.anime.staleIds([10, 11, 12, 13, 14, 15, 16, 99, 10], T0), [10, 12, 15, 16, 99]);
    assert.deepEqual(await store.anime.staleIds([11, 13, 14], T0 + 30 * DAY), [11, 13, 14]);

    await store.anime.upsertMany([
      anime(20, { idMal: 200 }),
      anime(21, { idMal: 201 }),
      anime(22, { idMal: 202 }),
      anime(23, { idMal: 203 }),
      anime(24, { idMal: null }),
      anime(25, { idMal: 205 }),
      anime(26, { idMal: 206, status: 'RELEASING' }),
    ]);
    const mal = (status: MalInfo['status'], fetchedAt: number): MalInfo => ({ score: 7, rank: 10, members: 10, rating: null, status, fetchedAt });
    await store.anime.setMal(21, mal('ok', T0 - DAY));
    await store.anime.setMal(22, mal('failed', T0));
    await store.anime.setMal(23, mal('ok', T0 - 31 * DAY));
    await store.anime.setMal(24, mal('failed', T0));
    await store.anime.setMal(25, mal('missing', T0 - DAY));
    await store.anime.setMal(26, mal('ok', T0 - 2 * DAY));
    assert.deepEqual(await store.anime.malStaleIds([20, 21, 22, 23, 24, 25, 26, 99], T0), [20, 22, 23, 26]);
  });
}
