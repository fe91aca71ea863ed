import { UNKNOWN_TITLES, type WalkEntry } from '../domain/franchise-walk.ts';
import type { Relation } from '../domain/relation-type.ts';
import type { Store } from '../store/store.ts';

/**
 * Stored entries as the franchise walk reads them: titles and format, the edges each lists
 * (relation rows, plus the edges still waiting in pending_relation for a target that is not
 * stored: a crash, or a fetch that failed; without them a re-run would stop at the last
 * stored entry instead of fetching what is missing), and the stored edges other entries
 * point at it with: an entry stored earlier that names this one its PARENT is a member
 * though AniList's answer for this one never mentions it. Four queries, whatever the count.
 */
export async function storedWalkEntries(store: Pick<Store, 'relations' | 'anime'>, ids: readonly number[]): Promise<Map<number, WalkEntry>> {
  const byId = new Map<number, WalkEntry & { edges: Relation[] }>();
  if (ids.length === 0) return byId;
  const [anime, out, waiting, into] = await Promise.all([
    store.anime.getSummaries(ids),
    store.relations.listFrom(ids),
    store.relations.listPendingFrom(ids),
    store.relations.listTo(ids),
  ]);
  for (const id of ids) byId.set(id, { edges: [], titles: UNKNOWN_TITLES, format: null });
  for (const a of anime) Object.assign(byId.get(a.id)!, { titles: a.title, format: a.format, startDate: a.startDate });
  for (const edge of [...out, ...waiting]) byId.get(edge.from)?.edges.push(edge);
  for (const edge of into) byId.get(edge.to)?.edges.push(edge);
  return byId;
}
