/**
 * The seed's strategy (seed/parallel-anime-ingestion.md), run over the same simulator as
 * Tsunagu so the two can be compared on the same work.
 *
 * As the seed did it: one AniList query for the root's relations, then each related entry
 * ingested on its own (AniList `Media(id)`, then Jikan `/anime/{malId}/full`), three at a
 * time (`buffer_unordered(3)`), every row saved with its own INSERT, plain HTTP with no
 * rate gate. Extended to the whole franchise so both strategies do the same work: the root
 * is ingested like any other entry, and each entry's followed relations (same franchise
 * policy, same walk) queue its neighbours as soon as its AniList answer is stored. The
 * three slots take queued entries as they free up instead of level by level, which only
 * helps the seed.
 *
 * The seed had no retry: a 429 or a 5xx lost that entry. Here the failed request is
 * retried after its Retry-After (AniList) or 1 s (Jikan sends none), still holding its
 * slot, so the comparison is about time to complete; every 429 it causes is counted.
 */
import { defaultPolicy, type FranchisePolicy } from '../src/domain/franchise-policy.ts';
import { createFranchiseWalk } from '../src/domain/franchise-walk.ts';
import type { MalInfo } from '../src/domain/anime.ts';
import type { Relation } from '../src/domain/relation-type.ts';
import type { Store } from '../src/store/store.ts';
import { toAniListEntry, type AniListEntry } from '../src/upstream/anilist/anilist-mapping.ts';
import { MEDIA_FIELDS } from '../src/upstream/anilist/anilist-queries.ts';
import { anilistMediaSchema, anilistSingleSchema } from '../src/upstream/anilist/anilist-schema.ts';
import type { Fetch } from '../src/upstream/http/fetch.ts';
import { toJikanFull, type JikanFull } from '../src/upstream/jikan/jikan-mapping.ts';
import { jikanFullSchema } from '../src/upstream/jikan/jikan-schema.ts';

/** The seed's per-entry AniList query: one Media by id, with the same fields Tsunagu stores. */
const MEDIA_BY_ID = `query MediaById($id: Int) { Media(id: $id, type: ANIME) { ...media } }
${MEDIA_FIELDS}`;

type Upstream = 'anilist' | 'jikan';

export interface SeedStrategyOptions {
  anilistUrl: string;
  /** Base URL ending in /v4. */
  jikanUrl: string;
  /** A fresh store; the seed wrote to its own database. */
  store: Store;
  rootId: number;
  /** Default: Tsunagu's default policy, so both strategies walk to the same member set. */
  policy?: FranchisePolicy;
  /** Entries ingested at once. Default 3 (the seed's buffer_unordered(3)), range 1-64. */
  concurrency?: number;
  /**
   * Attempts per request before its entry is given up, 1-1000. Default 100: with waits of
   * a Retry-After each, that outlasts any rate window, so only a broken upstream ends it.
   */
  maxAttempts?: number;
  /** Wait before retrying a 5xx, a network error or a Jikan 429, ms. Default 1000. */
  retryWaitMs?: number;
  /** Per-attempt timeout, ms. Default 30,000 (the seed's HTTP client had no documented one). */
  timeoutMs?: number;
  /** Called once an entry's AniList data is stored. */
  onStored?(id: number): void;
  fetch?: Fetch;
}

export interface SeedStrategyResult {
  requests: Record<Upstream, number>;
  rateLimited: Record<Upstream, number>;
  /** Durations of successful requests, ms. */
  roundTrips: Record<Upstream, number[]>;
  /** Entries that could not be ingested, each with why. */
  failures: string[];
}

class SeedRequestFailed extends Error {
  override name = 'SeedRequestFailed';
}

export async function runSeedStrategy(options: SeedStrategyOptions): Promise<SeedStrategyResult> {
  const concurrency = checkedInt('concurrency', options.concurrency ?? 3, 1, 64);
  const maxAttempts = checkedInt('maxAttempts', options.maxAttempts ?? 100, 1, 1000);
  const retryWaitMs = options.retryWaitMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch: Fetch = options.fetch ?? fetch;
  const { store } = options;
  const walk = createFranchiseWalk(options.rootId, options.policy ?? defaultPolicy);
  const result: SeedStrategyResult = {
    requests: { anilist: 0, jikan: 0 },
    rateLimited: { anilist: 0, jikan: 0 },
    roundTrips: { anilist: [], jikan: [] },
    failures: [],
  };

  /** One HTTP request, retried as described above; resolves with a final status and body. */
  async function request(upstream: Upstream, url: string, init: { method: 'GET' | 'POST'; body?: string }): Promise<{ status: number; text: string }> {
    for (let attempt = 1; ; attempt++) {
      result.requests[upstream]++;
      const started = performance.now();
      let wait = retryWaitMs;
      let why: string;
      try {
        const response = await doFetch(url, {
          method: init.method,
          headers: init.body ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
          body: init.body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        if (response.status !== 429 && response.status < 500) {
          if (response.status === 200) result.roundTrips[upstream].push(performance.now() - started);
          return { status: response.status, text };
        }
        why = `HTTP ${response.status}`;
        if (response.status === 429) {
          result.rateLimited[upstream]++;
          const retryAfter = Number(response.headers.get('retry-after'));
          if (Number.isFinite(retryAfter) && retryAfter > 0) wait = retryAfter * 1000;
        }
      } catch (error) {
        why = (error as Error).message;
      }
      if (attempt >= maxAttempts) throw new SeedRequestFailed(`${init.method} ${url}: ${why} after ${attempt} attempts`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  async function fetchAniList(id: number): Promise<AniListEntry | null> {
    const { status, text } = await request('anilist', options.anilistUrl, {
      method: 'POST',
      body: JSON.stringify({ query: MEDIA_BY_ID, variables: { id } }),
    });
    if (status === 404) return null;
    if (status !== 200) throw new SeedRequestFailed(`AniList ${id}: HTTP ${status}`);
    const media = anilistSingleSchema.parse(JSON.parse(text)).data.Media;
    return media === null ? null : toAniListEntry(anilistMediaSchema.parse(media), Date.now());
  }

  async function fetchJikan(malId: number): Promise<JikanFull | null> {
    const { status, text } = await request('jikan', `${options.jikanUrl.replace(/\/+$/, '')}/anime/${malId}/full`, { method: 'GET' });
    if (status === 404) return null;
    if (status !== 200) throw new SeedRequestFailed(`Jikan ${malId}: HTTP ${status}`);
    return toJikanFull(jikanFullSchema.parse(JSON.parse(text)).data, Date.now());
  }

  /** The seed's ingest_anime for one entry; returns the neighbours to queue. */
  async function ingest(id: number, queue: (ids: number[]) => void): Promise<void> {
    const entry = await fetchAniList(id);
    if (!entry) {
      queue(walk.visit(id, undefined));
      result.failures.push(`${id}: AniList has no such anime`);
      return;
    }
    // Single-row INSERTs, as the seed saved them (its batch INSERT was a "future optimisation").
    await store.anime.upsertMany([entry.anime]);
    for (const relation of entry.relations) await store.relations.upsertMany([relation]);
    options.onStored?.(id);
    queue(walk.visit(id, { edges: entry.relations, titles: entry.anime.title, format: entry.anime.format }));

    const malId = entry.anime.idMal;
    if (malId === null) return;
    let full: JikanFull | null;
    try {
      full = await fetchJikan(malId);
    } catch (error) {
      // Its AniList data is stored and walked: only the enrichment of this entry is lost.
      result.failures.push(`${id}: ${(error as Error).message}`);
      return;
    }
    const missing: MalInfo = { score: null, rank: null, members: null, rating: null, status: 'missing', fetchedAt: Date.now() };
    await store.anime.setMal(id, full ? full.info : missing);
    for (const relation of full?.relations ?? []) {
      const to = await store.anime.findByMalId(relation.toMal);
      if (!to || to.id === id) continue;
      const edge: Relation = { from: id, to: to.id, type: relation.type, source: 'mal' };
      await store.relations.upsertMany([edge]);
    }
  }

  await new Promise<void>((resolve) => {
    const waiting: number[] = [];
    let running = 0;
    const queue = (ids: number[]) => {
      waiting.push(...ids);
    };
    const pump = () => {
      while (running < concurrency && waiting.length > 0) {
        const id = waiting.shift()!;
        running++;
        ingest(id, queue)
          .catch((error: unknown) => {
            // The seed's filter_map: a failed entry is dropped, the rest go on.
            result.failures.push(`${id}: ${(error as Error).message}`);
            queue(walk.visit(id, undefined));
          })
          .finally(() => {
            running--;
            pump();
          });
      }
      if (running === 0 && waiting.length === 0) resolve();
    };
    queue(walk.pending());
    pump();
  });
  return result;
}

function checkedInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`Expected \`${name}\` to be an integer from ${min} to ${max}, got \`${value}\` (${typeof value})`);
  }
  return value;
}
