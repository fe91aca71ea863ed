/**
 * What one strategy run reports, whatever the strategy: both are timed the same way, from
 * the moment the franchise is asked for, against the same expected member set.
 */
export type StrategyName = 'seed' | 'tsunagu';

export const STRATEGIES: readonly StrategyName[] = ['seed', 'tsunagu'];

export interface StrategyInput {
  strategy: StrategyName;
  rootId: number;
  anilistUrl: string;
  jikanUrl: string;
  /** `sqlite:<path>` of a fresh file: every run starts from a cold store. */
  databaseUrl: string;
  /** The franchise the catalog says the root has: completeness is measured against it. */
  expected: number[];
  /** Extra environment for Tsunagu's config (the quick run raises its gates); empty = defaults. */
  env?: Record<string, string>;
}

export interface StrategyRun {
  strategy: StrategyName;
  rootId: number;
  /** ms from the request until AniList data of every expected member was stored; null if some never was. */
  completeFranchiseMs: number | null;
  /** ms from the request until the strategy had nothing left to do (MAL data for every member it could get). */
  fullEnrichmentMs: number;
  /** Members read back from the run's own store under the default policy, ascending. */
  members: number[];
  /** Members with a MAL id, and those of them whose MAL data (ok or missing on MAL) is stored. */
  malEntries: number;
  malStored: number;
  /** HTTP attempts the client sent (retries included) and 429s it received, per upstream. */
  clientRequests: { anilist: number; jikan: number };
  client429: { anilist: number; jikan: number };
  /** Median time of successful requests, ms: the round trip the lower bounds are built on. */
  medianRttMs: { anilist: number; jikan: number };
  /** Entries that still failed at the end, named. */
  failures: string[];
  /** Peak resident set of the process that ran the strategy, MB. */
  peakRssMb: number;
}

/** Records when each expected member got its AniList data; the clock starts at construction. */
export class CompletionClock {
  private readonly missing: Set<number>;
  private readonly started = Date.now();
  private completeAt: number | null = null;

  constructor(expected: readonly number[]) {
    this.missing = new Set(expected);
  }

  /** Wall-clock ms of the moment these entries were stored (default now). */
  stored(ids: readonly number[], at = Date.now()): void {
    for (const id of ids) this.missing.delete(id);
    if (this.missing.size === 0 && this.completeAt === null) this.completeAt = at - this.started;
  }

  complete(): number | null {
    return this.completeAt;
  }

  elapsed(): number {
    return Date.now() - this.started;
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function peakRssMb(): number {
  // maxRSS is in KiB on Linux.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
