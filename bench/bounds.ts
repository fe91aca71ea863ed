/**
 * Lower bounds no ingest strategy can beat on a given franchise, whatever its cleverness:
 * discovery cannot finish before one round trip per BFS level (an entry's relations are
 * known only once it is fetched), and enrichment cannot finish before Jikan's windows let
 * the last MAL request go, nor before the deepest MAL entry is discovered, plus the last
 * Jikan round trip.
 */

/** Members per BFS depth from the root (depth 0 = the root), as walkFranchise reports them. */
export function levelCount(depths: Iterable<number>): number {
  let deepest = -1;
  for (const depth of depths) deepest = Math.max(deepest, depth);
  return deepest + 1;
}

/**
 * When the last of `n` requests may start at the earliest, ms after the first, under
 * `perSecond` AND `perMinute` sliding windows (Jikan's two limits), sending each as soon
 * as both windows allow.
 */
export function windowScheduleMs(n: number, perSecond: number, perMinute: number): number {
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = i > 0 ? at[i - 1]! : 0;
    if (i >= perSecond) t = Math.max(t, at[i - perSecond]! + 1000);
    if (i >= perMinute) t = Math.max(t, at[i - perMinute]! + 60_000);
    at.push(t);
  }
  return at.at(-1) ?? 0;
}

export interface BoundInputs {
  levels: number;
  /** Members with a MAL id: each needs one Jikan request. */
  malEntries: number;
  /** Levels down to the deepest member with a MAL id (its MAL id is known only once it is fetched). */
  malLevels: number;
  anilistRttMs: number;
  jikanRttMs: number;
  jikanPerSecond: number;
  jikanPerMinute: number;
}

export interface Bounds {
  /** levels x AniList round trip. */
  discoveryMs: number;
  /** The later of: Jikan's windows letting the last request go, the deepest MAL entry found; + a Jikan round trip. */
  enrichmentMs: number;
}

export function lowerBounds(input: BoundInputs): Bounds {
  const discoveryMs = input.levels * input.anilistRttMs;
  if (input.malEntries === 0) return { discoveryMs, enrichmentMs: 0 };
  const lastStart = Math.max(windowScheduleMs(input.malEntries, input.jikanPerSecond, input.jikanPerMinute), input.malLevels * input.anilistRttMs);
  return { discoveryMs, enrichmentMs: lastStart + input.jikanRttMs };
}
