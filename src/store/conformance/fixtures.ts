import type { Clock } from '../../clock.ts';
import type { Anime } from '../../domain/anime.ts';
import type { Relation } from '../../domain/relation-type.ts';
import type { Store } from '../store.ts';

/** 2026-07-01T00:00:00Z: every test starts its clock here. */
export const T0 = Date.UTC(2026, 6, 1);
export const DAY = 86_400_000;

export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = T0): ManualClock {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** A plain entry with every field set; override what the test is about. */
export function anime(id: number, overrides: Partial<Anime> = {}): Anime {
  return {
    id,
    idMal: null,
    title: { romaji: `Entry ${id}`, english: null, native: null },
    synonyms: [],
    format: 'TV',
    status: 'FINISHED',
    startDate: { year: 2020, month: 1, day: 1 },
    endDate: { year: 2020, month: 3, day: 31 },
    season: 'WINTER',
    seasonYear: 2020,
    episodes: 12,
    duration: 24,
    source: 'MANGA',
    genres: ['Action'],
    tags: ['Shounen'],
    studios: ['Studio A'],
    averageScore: 70,
    popularity: 1000,
    coverImage: `https://img.example/${id}.jpg`,
    coverImages: { extraLarge: `https://img.example/${id}.jpg`, large: null, medium: null },
    coverColor: '#aabbcc',
    bannerImage: null,
    description: 'A story.',
    isAdult: false,
    updatedAt: 1_700_000_000,
    fetchedAt: T0,
    ...overrides,
  };
}

export function edge(from: number, to: number, type: string, source: Relation['source'] = 'anilist'): Relation {
  return { from, to, type, source };
}

/** Edges sorted the way the repositories return them, for order-free comparisons. */
export function sorted(edges: readonly Relation[]): Relation[] {
  return [...edges].sort((a, b) => a.from - b.from || a.to - b.to || a.type.localeCompare(b.type));
}

/** Every row of every data table, in key order: two equal dumps mean two equal stores. */
export async function dumpTables(store: Store): Promise<Record<string, unknown[]>> {
  const db = store.db;
  return {
    anime: await db.selectFrom('anime').selectAll().orderBy('id').execute(),
    relation: await db.selectFrom('relation').selectAll().orderBy('from_id').orderBy('to_id').orderBy('type').execute(),
    pending_relation: await db.selectFrom('pending_relation').selectAll().orderBy('from_id').orderBy('to_id').orderBy('type').execute(),
  };
}

/** Opens stores on fresh databases and closes them all at the end of a test. */
export class StoreKeeper {
  private readonly open: Store[] = [];
  track(store: Store): Store {
    this.open.push(store);
    return store;
  }
  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((s) => s.close()));
  }
}
