import { CompiledQuery } from 'kysely';
import type { Anime, MalInfo } from '../../domain/anime.ts';
import type { AnimeUpsertResult } from '../anime-repository.ts';
import { animeProblem, animeToRow, malToRow, type AnimeColumns } from '../anime-row.ts';
import { animeUpsertStatement } from '../anime-upsert-statement.ts';
import { chunk, IDS_PER_QUERY, ROWS_PER_INSERT } from '../chunk.ts';
import { lockWrites, withTransaction, type StoreContext } from '../store-context.ts';

const MAL_CLEARED = { mal_id: null, mal_score: null, mal_rank: null, mal_members: null, mal_rating: null, mal_status: null, mal_fetched_at: null };

/** AnimeRepository.upsertMany: one transaction (the caller's, if any) after screening the batch. */
export function upsertAnime(ctx: StoreContext, list: readonly Anime[]): Promise<AnimeUpsertResult> {
  const { rows, dropped } = screen(list);
  for (const d of dropped) ctx.logger.warn(d, 'anime dropped');
  if (rows.length === 0) return Promise.resolve({ written: 0, unchanged: 0, dropped, malIdMoved: [] });
  return withTransaction(ctx, async (c) => {
    await lockWrites(c);
    const malIdMoved = await settleMalClaims(c, rows);
    const written = await upsertRows(c, rows);
    return { written, unchanged: rows.length - written, dropped, malIdMoved };
  });
}

/** AnimeRepository.setMal. */
export async function setAnimeMal({ db }: StoreContext, id: number, info: MalInfo): Promise<boolean> {
  const result = await db.updateTable('anime').set(malToRow(info)).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Removes in-batch duplicates and invalid entries; a later entry for the same id wins. */
function screen(list: readonly Anime[]) {
  const dropped: AnimeUpsertResult['dropped'] = [];
  const byId = new Map<number, AnimeColumns>();
  for (const anime of list) {
    const problem = animeProblem(anime);
    if (problem) {
      dropped.push({ id: anime?.id, reason: problem });
      continue;
    }
    if (byId.delete(anime.id)) dropped.push({ id: anime.id, reason: 'duplicate id in the same call; the later entry is kept' });
    byId.set(anime.id, animeToRow(anime));
  }
  return { rows: [...byId.values()], dropped };
}

/**
 * A MAL id belongs to one entry. AniList does move MAL links between entries (merges,
 * corrections), so the newest claim wins: earlier claimants in the batch and stored
 * entries holding the id lose it, and their MAL data with it.
 */
async function settleMalClaims(c: StoreContext, rows: AnimeColumns[]): Promise<AnimeUpsertResult['malIdMoved']> {
  const moved: AnimeUpsertResult['malIdMoved'] = [];
  const claimant = new Map<number, AnimeColumns>();
  for (const row of rows) {
    if (row.mal_id === null) continue;
    const earlier = claimant.get(row.mal_id);
    if (earlier) {
      moved.push({ malId: row.mal_id, from: earlier.id, to: row.id });
      earlier.mal_id = null;
    }
    claimant.set(row.mal_id, row);
  }
  const losers: number[] = [];
  for (const part of chunk([...claimant.keys()], IDS_PER_QUERY)) {
    const holders = await c.db.selectFrom('anime').select(['id', 'mal_id']).where('mal_id', 'in', part).execute();
    for (const holder of holders) {
      const winner = claimant.get(holder.mal_id!)!;
      if (winner.id === holder.id) continue;
      losers.push(holder.id);
      if (!moved.some((m) => m.from === holder.id && m.malId === holder.mal_id)) {
        moved.push({ malId: holder.mal_id!, from: holder.id, to: winner.id });
      }
    }
  }
  for (const part of chunk(losers, IDS_PER_QUERY)) {
    await c.db.updateTable('anime').set(MAL_CLEARED).where('id', 'in', part).execute();
  }
  for (const m of moved) c.logger.warn(m, 'MAL id moved to another entry');
  return moved;
}

async function upsertRows(c: StoreContext, rows: AnimeColumns[]): Promise<number> {
  let written = 0;
  for (const part of chunk(rows, ROWS_PER_INSERT)) {
    const { sql: text, parameters } = animeUpsertStatement(c.dialect, part);
    const result = await c.db.executeQuery(CompiledQuery.raw(text, parameters));
    written += Number(result.numAffectedRows ?? 0);
  }
  return written;
}
