import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogMalSchema, catalogMediaSchema } from './catalog-schema.ts';
import { animeFromCatalog, malInfoFromCatalog, relationsFromCatalog } from './catalog-to-domain.ts';

// Cowboy Bebop as the catalog has it (synonyms trimmed), plus a made-up entry with unknown dates.
const bebop = catalogMediaSchema.parse({
  id: 1, idMal: 1, title: { romaji: 'Cowboy Bebop', english: 'Cowboy Bebop', native: 'カウボーイビバップ' },
  synonyms: ['קאובוי ביבופ'], format: 'TV', status: 'FINISHED',
  startDate: { year: 1998, month: 4, day: 3 }, endDate: { year: 1999, month: 4, day: 24 },
  season: 'SPRING', seasonYear: 1998, episodes: 26, duration: 25, source: 'ORIGINAL',
  genres: ['Action', 'Sci-Fi'], tags: ['Space'], averageScore: 86, studios: ['Sunrise'],
  coverImage: { large: 'https://cdn.myanimelist.net/images/anime/4/19644l.jpg', color: '#f16b50' },
  bannerImage: null, description: null, isAdult: false,
  relations: [{ id: 4037, relationType: 'SUMMARY' }, { id: 5, relationType: 'SIDE_STORY' }, { id: 1, relationType: 'OTHER' }],
});

test('a catalog entry becomes the Anime an AniList fetch would give, at the given fetch time', () => {
  assert.deepEqual(animeFromCatalog(bebop, 1234), {
    id: 1,
    idMal: 1,
    title: { romaji: 'Cowboy Bebop', english: 'Cowboy Bebop', native: 'カウボーイビバップ' },
    synonyms: ['קאובוי ביבופ'],
    format: 'TV',
    status: 'FINISHED',
    startDate: { year: 1998, month: 4, day: 3 },
    endDate: { year: 1999, month: 4, day: 24 },
    season: 'SPRING',
    seasonYear: 1998,
    episodes: 26,
    duration: 25,
    source: 'ORIGINAL',
    genres: ['Action', 'Sci-Fi'],
    tags: ['Space'],
    studios: ['Sunrise'],
    averageScore: 86,
    popularity: null,
    coverImage: 'https://cdn.myanimelist.net/images/anime/4/19644l.jpg',
    coverImages: { extraLarge: null, large: 'https://cdn.myanimelist.net/images/anime/4/19644l.jpg', medium: null },
    coverColor: '#f16b50',
    bannerImage: null,
    description: null,
    isAdult: false,
    updatedAt: null,
    fetchedAt: 1234,
  });
  const undated = animeFromCatalog({ ...bebop, startDate: null, endDate: null }, 0);
  assert.deepEqual(undated.startDate, { year: null, month: null, day: null });
  assert.deepEqual(undated.endDate, { year: null, month: null, day: null });
});

test('relations are AniList edges from the entry, exactly as listed (the store drops the self-loop)', () => {
  assert.deepEqual(relationsFromCatalog(bebop), [
    { from: 1, to: 4037, type: 'SUMMARY', source: 'anilist' },
    { from: 1, to: 5, type: 'SIDE_STORY', source: 'anilist' },
    { from: 1, to: 1, type: 'OTHER', source: 'anilist' },
  ]);
});

test('a MAL catalog entry gives score and rating; rank and members are unknown', () => {
  const mal = catalogMalSchema.parse({
    mal_id: 1, title: 'Cowboy Bebop', title_english: null, title_japanese: null, title_synonyms: [], type: 'TV',
    source: 'Original', episodes: 26, status: 'Finished Airing', airing: false, aired: { from: null, to: null },
    duration_minutes: 25, rating: 'R - 17+ (violence & profanity)', score: 8.75, season: 'spring', year: 1998,
    broadcast: null, producers: [], studios: [], genres: [], image: null, synopsis: null, relations: [],
  });
  assert.deepEqual(malInfoFromCatalog(mal, 99), { score: 8.75, rank: null, members: null, rating: 'R - 17+ (violence & profanity)', status: 'ok', fetchedAt: 99 });
});
