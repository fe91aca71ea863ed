import { systemClock, type Clock } from '../clock.ts';
import type { Anime } from '../domain/anime.ts';
import { normaliseTitle } from '../domain/title.ts';
import type { AniListClient } from '../upstream/anilist/anilist-client.ts';
import type { RemoteSearch } from './app-deps.ts';

/**
 * AniList's title search as `GET /api/search?remote=true` wants it. It runs at background
 * priority in the AniList gate: below every ingest's requests, so searches can never
 * starve a running discovery.
 */
export function anilistRemoteSearch(anilist: Pick<AniListClient, 'search'>): RemoteSearch {
  return async (query, signal, charge) => {
    await charge?.();
    return (await anilist.search(query, { signal, priority: 'background' })).map(({ anime }) => anime);
  };
}

export interface SharedRemoteSearchOptions {
  /** How long an answer is reused for the same query, ms. Default 60,000. */
  reuseMs?: number;
  /** Limit of the one upstream search that identical requests share, ms. Default 5,000. */
  timeoutMs?: number;
  /** Answers kept for reuse, at most (the oldest go first). Default 500. */
  maxEntries?: number;
  clock?: Clock;
}

interface Entry {
  answer: Promise<Anime[]>;
  /** When the answer arrived, ms; null while the request is out. */
  at: number | null;
}

/**
 * Makes identical remote searches share one upstream request: a query already being asked
 * waits for that answer, and an answer is reused for a short while. Queries are the same
 * when they fold to the same title (case, diacritics, punctuation). The shared request has
 * its own timeout; a caller that gives up stops waiting without cancelling it for the others.
 * Only the caller whose search sends the request is charged; if its charge is refused, the
 * callers that joined it start over (one of them sends, charged in turn).
 */
export function shareRemoteSearch(search: RemoteSearch, options: SharedRemoteSearchOptions = {}): RemoteSearch {
  const reuseMs = options.reuseMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 500;
  const clock = options.clock ?? systemClock;
  const entries = new Map<string, Entry>();

  const current = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.at !== null && clock.now() - entry.at > reuseMs) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const start = (query: string, key: string, charge: (() => Promise<void>) | undefined): Entry => {
    const chargeFirst = async () => {
      try {
        await charge?.();
      } catch (error) {
        throw new ChargeRefused(error);
      }
    };
    const entry: Entry = { answer: chargeFirst().then(() => search(query, AbortSignal.timeout(timeoutMs))), at: null };
    entries.set(key, entry);
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    entry.answer.then(
      () => {
        entry.at = clock.now();
      },
      // A failure is not reused: the next search asks again. Its callers see it.
      () => {
        if (entries.get(key) === entry) entries.delete(key);
      },
    );
    return entry;
  };

  return async (query, signal, charge) => {
    const key = normaliseTitle(query);
    for (;;) {
      let entry = current(key);
      const mine = !entry;
      entry ??= start(query, key, charge);
      try {
        return await untilAborted(entry.answer, signal);
      } catch (error) {
        if (!(error instanceof ChargeRefused)) throw error;
        if (mine) throw error.reason;
      }
    }
  };
}

/** The charge of the caller that would have sent the request was refused; nothing was sent. */
class ChargeRefused extends Error {
  constructor(readonly reason: unknown) {
    super('remote search not charged');
  }
}

/** `work`, or a rejection as soon as `signal` aborts (the work itself goes on). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
