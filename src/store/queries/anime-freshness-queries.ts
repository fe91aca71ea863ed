import type { MalInfo } from '../../domain/anime.ts';
import { isMalStale, isStale } from '../../domain/freshness.ts';
import { selectIn } from '../chunk.ts';
import type { StoreContext } from '../store-context.ts';

/** AnimeRepository.staleIds. */
export async function staleAnimeIds({ db }: StoreContext, ids: readonly number[], now: number): Promise<number[]> {
  const rows = await selectIn(ids, (part) =>
    db.selectFrom('anime').select(['id', 'status', 'fetched_at']).where('id', 'in', part).execute(),
  );
  const fresh = new Set(rows.filter((r) => !isStale(r.status, r.fetched_at, now)).map((r) => r.id));
  return [...new Set(ids)].filter((id) => !fresh.has(id));
}

/** AnimeRepository.malStaleIds. */
export async function malStaleAnimeIds({ db }: StoreContext, ids: readonly number[], now: number): Promise<number[]> {
  const rows = await selectIn(ids, (part) =>
    db
      .selectFrom('anime')
      .select(['id', 'status', 'mal_status', 'mal_fetched_at'])
      .where('id', 'in', part)
      .where('mal_id', 'is not', null)
      .execute(),
  );
  const stale = new Set(
    rows
      .filter((r) => {
        const mal = r.mal_status === null || r.mal_fetched_at === null ? null : { status: r.mal_status as MalInfo['status'], fetchedAt: r.mal_fetched_at };
        return isMalStale(r.status, mal, now);
      })
      .map((r) => r.id),
  );
  return [...new Set(ids)].filter((id) => stale.has(id));
}
