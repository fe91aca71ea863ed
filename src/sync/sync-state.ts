import { z } from 'zod';

/** The name of the mirror's row in `catalog_sync`. */
export const CATALOG_SYNC = 'catalog';

/**
 * A part of the catalog: one status, cut by genres (with every one of `genreIn`, none of
 * `genreNotIn`). Together the groups cover every entry, and in each the undated ones sort last.
 */
const undatedGroupSchema = z.object({
  status: z.string(),
  genreIn: z.array(z.string()),
  genreNotIn: z.array(z.string()),
  /** The next page to fetch once the group's first page was found (null: not started). */
  next: z.number().int().positive().nullable(),
  /** Highest undated id read in ascending order; a descending reading stops there. */
  maxId: z.number().int(),
  /** The second reading of a group whose undated tail ran past the cap: ids descending. */
  descending: z.boolean().optional(),
});
export type UndatedGroup = z.infer<typeof undatedGroupSchema>;

const runSchema = z.object({
  kind: z.enum(['full', 'incremental']),
  startedAt: z.number(),
  /**
   * mark: a full pass's first request, the newest `updatedAt` (what the next incremental run
   * goes down to); dated: start-date windows; undated: genre groups; incremental.
   */
  phase: z.enum(['mark', 'dated', 'undated', 'incremental']),
  /** A full pass's high-water mark, unix seconds (set by the mark phase). */
  mark: z.number().nullable(),
  /** Dated phase: the lowest start date (FuzzyDateInt) not wholly stored yet. */
  from: z.number().int(),
  /** Entries starting exactly on `from` already stored (skipped when the next window repeats them). */
  seenAtFrom: z.array(z.number().int()),
  /** Undated phase: genre groups left, the current one first. */
  groups: z.array(undatedGroupSchema),
  /** Requests and entries of this run so far, across restarts. */
  requests: z.number().int(),
  stored: z.number().int(),
});
export type RunState = z.infer<typeof runSchema>;

export const syncStateSchema = z.object({
  /** The number of the last full pass started (0: none yet). */
  pass: z.number().int().min(0),
  /** When the last full pass completed, ms; null before the first. */
  fullDoneAt: z.number().nullable(),
  /** When the last run of either kind completed, ms. */
  syncedAt: z.number().nullable(),
  /** The newest AniList `updatedAt` (unix seconds) the mirror is known to hold everything up to. */
  highWater: z.number().nullable(),
  /** The run under way or interrupted; null when the last one completed. */
  run: runSchema.nullable(),
});
export type SyncState = z.infer<typeof syncStateSchema>;

export const EMPTY_STATE: SyncState = { pass: 0, fullDoneAt: null, syncedAt: null, highWater: null, run: null };

/** The stored state, or the empty one when there is none (or it was written by an unknown version). */
export function parseSyncState(raw: unknown): SyncState {
  const parsed = syncStateSchema.safeParse(raw);
  return parsed.success ? parsed.data : { ...EMPTY_STATE };
}
