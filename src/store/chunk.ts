import { chunk } from '../chunk.ts';

export { chunk };

/**
 * Rows per multi-row INSERT. SQLite allows 32766 bound values per statement and PostgreSQL
 * 65535; the widest row (anime) binds 33, so 200 rows stay near 6,600 values: far under
 * both limits, and large enough that statement overhead is negligible.
 */
export const ROWS_PER_INSERT = 200;

/** Ids per `IN (...)` list, under both dialects' bound-value limits with room for other parameters. */
export const IDS_PER_QUERY = 1000;

/** Runs `query` over `ids` (deduplicated) in IN lists of at most IDS_PER_QUERY, rows in the order the parts came back. */
export async function selectIn<T>(ids: readonly number[], query: (part: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const part of chunk([...new Set(ids)], IDS_PER_QUERY)) out.push(...(await query(part)));
  return out;
}
