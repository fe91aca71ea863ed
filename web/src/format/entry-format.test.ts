import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  anilistScoreLabel,
  durationLabel,
  entrySummary,
  episodesLabel,
  formatLabel,
  malScoreLabel,
  statusLabel,
  whenLabel,
} from './entry-format.ts';

const date = (year: number | null, month: number | null = null) => ({ year, month, day: null });

test('labels known and unknown upstream enums', () => {
  assert.equal(formatLabel('TV_SHORT'), 'TV short');
  assert.equal(formatLabel('MOVIE'), 'Movie');
  assert.equal(formatLabel('SOMETHING_NEW'), 'Something new');
  assert.equal(formatLabel(null), 'Unknown format');
  assert.equal(statusLabel('NOT_YET_RELEASED'), 'Not yet aired');
  assert.equal(statusLabel('RELEASING'), 'Airing');
});

test('dates fall back from season to month to year to TBA', () => {
  const base = { format: 'TV', episodes: 25, status: 'FINISHED' };
  assert.equal(whenLabel({ ...base, season: 'SPRING', seasonYear: 2013, startDate: date(2013, 4) }), 'Spring 2013');
  assert.equal(whenLabel({ ...base, season: null, seasonYear: null, startDate: date(2013, 12) }), 'Dec 2013');
  assert.equal(whenLabel({ ...base, season: null, seasonYear: null, startDate: date(2013) }), '2013');
  assert.equal(whenLabel({ ...base, season: null, seasonYear: null, startDate: date(null) }), 'TBA');
});

test('episodes: singular, unknown, and hidden for a one-part movie', () => {
  assert.equal(episodesLabel(1, 'OVA'), '1 episode');
  assert.equal(episodesLabel(null, 'TV'), '? episodes');
  assert.equal(episodesLabel(1, 'MOVIE'), '');
  assert.equal(episodesLabel(3, 'MOVIE'), '3 episodes');
  assert.equal(
    entrySummary({ format: 'MOVIE', season: null, seasonYear: null, startDate: date(2015, 7), episodes: 1, status: 'FINISHED' }),
    'Movie · Jul 2015',
  );
});

test('scores say why they are missing', () => {
  assert.equal(anilistScoreLabel(84.6), '85%');
  assert.equal(anilistScoreLabel(null), '–');
  assert.equal(malScoreLabel({ malScore: 8.5, malStatus: 'ok', idMal: 1 }), '8.50');
  assert.equal(malScoreLabel({ malScore: null, malStatus: 'missing', idMal: 1 }), 'not on MAL');
  assert.equal(malScoreLabel({ malScore: null, malStatus: null, idMal: null }), 'not on MAL', 'no MAL id: nothing to wait for');
  assert.equal(malScoreLabel({ malScore: null, malStatus: 'failed', idMal: 1 }), 'fetch failed');
  assert.equal(malScoreLabel({ malScore: null, malStatus: null, idMal: 1 }), 'pending');
  assert.equal(malScoreLabel({ malScore: null, malStatus: 'ok', idMal: 1 }), '–', 'on MAL but unscored');
});

test('durations read in the unit that fits', () => {
  assert.equal(durationLabel(420), '420 ms');
  assert.equal(durationLabel(2340), '2.3 s');
  assert.equal(durationLabel(42_000), '42 s');
  assert.equal(durationLabel(125_000), '2 min 5 s');
});
