import { ANIME_COLUMNS, type AnimeColumns } from './anime-row.ts';
import type { Dialect } from './schema.ts';

const MAL_DATA_COLUMNS = ['mal_score', 'mal_rank', 'mal_members', 'mal_rating', 'mal_status', 'mal_fetched_at'] as const;
const UPDATED_COLUMNS = ANIME_COLUMNS.filter((c) => c !== 'id');

/**
 * The multi-row anime upsert, as SQL text per (dialect, row count). Written out instead of
 * built with Kysely's query builder because this is the hottest statement of an import:
 * the builder made and froze ~2,000 nodes per 50-row batch, more CPU than SQLite spent
 * running it. The text is the same for every batch of one size, so it is built once and
 * SQLite's statement cache can reuse the prepared statement.
 *
 * - Unchanged rows are not rewritten (no WAL or dead-tuple churn; the affected-row count
 *   is the number of real changes), and an older fetch never overwrites a newer one.
 * - MAL data describes the MAL entry the link points at, so a changed mal_id clears it.
 */
function upsertSql(dialect: Dialect, rows: number): string {
  let n = 0;
  const placeholder = dialect === 'postgres' ? () => `$${++n}` : () => '?';
  const tuple = () => `(${ANIME_COLUMNS.map(placeholder).join(', ')})`;
  const values = Array.from({ length: rows }, tuple).join(', ');
  const set = [
    ...UPDATED_COLUMNS.map((c) => `${c} = excluded.${c}`),
    ...MAL_DATA_COLUMNS.map((c) => `${c} = case when anime.mal_id is not distinct from excluded.mal_id then anime.${c} else null end`),
  ].join(', ');
  const changed = UPDATED_COLUMNS.map((c) => `anime.${c} is distinct from excluded.${c}`).join(' or ');
  return (
    `insert into anime (${ANIME_COLUMNS.join(', ')}) values ${values} ` +
    `on conflict (id) do update set ${set} ` +
    `where excluded.fetched_at >= anime.fetched_at and (${changed})`
  );
}

// At most 2 dialects x ROWS_PER_INSERT row counts: bounded, and pure text.
const cache = new Map<string, string>();

export function animeUpsertStatement(dialect: Dialect, rows: readonly AnimeColumns[]): { sql: string; parameters: unknown[] } {
  const key = `${dialect}:${rows.length}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = upsertSql(dialect, rows.length);
    cache.set(key, text);
  }
  const parameters: unknown[] = [];
  for (const row of rows) for (const column of ANIME_COLUMNS) parameters.push(row[column]);
  return { sql: text, parameters };
}
