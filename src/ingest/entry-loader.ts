import { runAfter, type Clock } from '../clock.ts';
import type { Store } from '../store/store.ts';
import type { AniListClient } from '../upstream/anilist/anilist-client.ts';

interface Caller {
  resolve(found: boolean): void;
  reject(error: unknown): void;
}

export interface EntryLoaderDeps {
  store: Pick<Store, 'saveBatch'>;
  anilist: Pick<AniListClient, 'fetchMedia'>;
  clock: Clock;
  /** Aborted when the process shuts down: every load still waiting or in flight rejects with its reason at once. */
  signal?: AbortSignal;
}

/**
 * Fetches and stores entries asked for one by one, coalescing the ids asked for within a
 * few ms into one AniList batch. Fifty clients asking for fifty members of one franchise
 * at once cost one request, and, once stored, their stored edges show they belong to one
 * franchise, which is what lets them join one job.
 */
export class EntryLoader {
  /** Ids waiting for the next batch, with their callers. */
  private waiting = new Map<number, Caller[]>();
  /** Callers whose batch is at AniList or being stored; settled early when the signal aborts. */
  private readonly inFlight = new Set<Caller>();
  private scheduled = false;

  constructor(
    private readonly deps: EntryLoaderDeps,
    /** How long ids gather before a batch goes, ms: long enough for a burst of HTTP requests to meet. Default 5. */
    private readonly gatherMs = 5,
  ) {
    deps.signal?.addEventListener('abort', () => this.stop(deps.signal!.reason), { once: true });
  }

  /** Fetches and stores `id`: true when AniList has it, false when not; rejects with the UpstreamError when it failed. */
  load(id: number): Promise<boolean> {
    const { signal } = this.deps;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const callers = this.waiting.get(id);
      if (callers) callers.push({ resolve, reject });
      else this.waiting.set(id, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        runAfter(this.deps.clock, this.gatherMs, () => void this.flush(), signal);
      }
    });
  }

  /** Rejects every caller still waiting: the gathering batch never goes, the one at AniList is abandoned. */
  private stop(reason: unknown): void {
    const waiting = [...this.waiting.values()].flat();
    this.waiting = new Map();
    for (const caller of [...waiting, ...this.inFlight]) caller.reject(reason);
    this.inFlight.clear();
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    this.scheduled = false;
    const callers = [...batch.values()].flat();
    for (const caller of callers) this.inFlight.add(caller);
    const each = (ids: Iterable<number>, fn: (caller: Caller) => void) => {
      for (const id of ids) for (const caller of batch.get(id) ?? []) fn(caller);
    };
    try {
      const result = await this.deps.anilist.fetchMedia([...batch.keys()], { priority: 'interactive', depth: 1, signal: this.deps.signal });
      const entries = [...result.entries.values()];
      if (entries.length > 0) {
        await this.deps.store.saveBatch(
          entries.map((e) => e.anime),
          entries.flatMap((e) => e.relations),
        );
      }
      each(result.entries.keys(), (c) => c.resolve(true));
      each(result.missing, (c) => c.resolve(false));
      for (const { ids, error } of result.failed) each(ids, (c) => c.reject(error));
    } catch (error) {
      each(batch.keys(), (c) => c.reject(error));
    } finally {
      for (const caller of callers) this.inFlight.delete(caller);
    }
  }
}
