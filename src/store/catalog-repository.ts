import { sql } from 'kysely';
import { chunk, IDS_PER_QUERY, ROWS_PER_INSERT } from './chunk.ts';
import type { StoreContext } from './store-context.ts';

/** What the catalog holds, as the page footer and /metrics show it. */
export interface CatalogCounts {
  /** Entries AniList has (stored and not marked removed). */
  entries: number;
  /** Entries a full pass found AniList no longer has (kept, with their relations). */
  removed: number;
  /** Entries of `entries` with MyAnimeList data stored (or known to have none on MAL). */
  enriched: number;
}

export interface CatalogSyncRow {
  /** The JSON state, parsed by its owner (src/sync/sync-state.ts). */
  state: unknown;
  leaseOwner: string | null;
  leaseUntil: number | null;
}

/** The `catalog_entry` and `catalog_sync` tables (0004_sync_catalog): what the mirror knows of AniList's catalog. */
export interface CatalogRepository {
  /** Records that AniList's catalog has these entries as of full pass `pass` (clears a removed mark). */
  markSeen(ids: readonly number[], pass: number): Promise<void>;
  /**
   * Marks removed, at `now`, every stored entry full pass `pass` did not see (stored entries
   * never seen by any pass included); answers how many were newly marked. Nothing is deleted.
   */
  markUnseenRemoved(pass: number, now: number): Promise<number>;
  /** Entries seen by pass `pass` with a start date, `status`, every genre of `genreIn` and none of `genreNotIn`. */
  datedCount(pass: number, filter: { status: string; genreIn: readonly string[]; genreNotIn: readonly string[] }): Promise<number>;
  /** Ids of `ids` marked removed. */
  removedAmong(ids: readonly number[]): Promise<Set<number>>;
  counts(): Promise<CatalogCounts>;
  /**
   * Entries of the catalog with a MAL id and no MAL data yet, the most popular first; `skip`
   * leaves ids out (those handed out already).
   */
  unenriched(limit: number, skip?: readonly number[]): Promise<number[]>;
  readSync(name: string): Promise<CatalogSyncRow | null>;
  /** Replaces the state of `name` (the lease is left alone). */
  writeSync(name: string, state: unknown, now: number): Promise<void>;
  /**
   * Takes or renews the lease of `name` for `owner` until `now + ms`: granted when nobody
   * holds it, `owner` does, or the holder's lease ran out. One UPDATE, so two processes
   * racing for it cannot both win.
   */
  acquireLease(name: string, owner: string, ms: number, now: number): Promise<boolean>;
  /** Takes the lease from `from` (a holder known to be dead) for `owner`; false when `from` no longer holds it. */
  takeOverLease(name: string, owner: string, from: string, ms: number, now: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;
}

export function createCatalogRepository(ctx: StoreContext): CatalogRepository {
  const { db } = ctx;

  async function ensureRow(name: string, now: number): Promise<void> {
    await db
      .insertInto('catalog_sync')
      .values({ name, state: '{}', lease_owner: null, lease_until: null, updated_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }

  return {
    async markSeen(ids, pass) {
      for (const part of chunk([...new Set(ids)], ROWS_PER_INSERT)) {
        await db
          .insertInto('catalog_entry')
          .values(part.map((id) => ({ anime_id: id, seen_pass: pass, removed_at: null })))
          .onConflict((oc) => oc.column('anime_id').doUpdateSet({ seen_pass: pass, removed_at: null }))
          .execute();
      }
    },

    async markUnseenRemoved(pass, now) {
      const missing = await db
        .insertInto('catalog_entry')
        .columns(['anime_id', 'seen_pass', 'removed_at'])
        .expression(
          db
            .selectFrom('anime')
            .select(['anime.id', sql<number>`0`.as('seen_pass'), sql<number>`${now}`.as('removed_at')])
            .where('anime.id', 'not in', db.selectFrom('catalog_entry').select('anime_id')),
        )
        .executeTakeFirst();
      const unseen = await db
        .updateTable('catalog_entry')
        .set({ removed_at: now })
        .where('seen_pass', '<', pass)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      return Number(missing.numInsertedOrUpdatedRows ?? 0n) + Number(unseen.numUpdatedRows);
    },

    async datedCount(pass, filter) {
      let query = db
        .selectFrom('catalog_entry')
        .innerJoin('anime', 'anime.id', 'catalog_entry.anime_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('catalog_entry.seen_pass', '=', pass)
        .where('anime.status', '=', filter.status)
        .where((eb) => eb.or([eb('anime.start_year', 'is not', null), eb('anime.start_month', 'is not', null), eb('anime.start_day', 'is not', null)]));
      // Genres are a JSON list of strings: a quoted name matches exactly one element.
      for (const genre of filter.genreIn) query = query.where('anime.genres', 'like', `%${JSON.stringify(genre)}%`);
      for (const genre of filter.genreNotIn) query = query.where('anime.genres', 'not like', `%${JSON.stringify(genre)}%`);
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async removedAmong(ids) {
      const found = new Set<number>();
      for (const part of chunk([...new Set(ids)], IDS_PER_QUERY)) {
        const rows = await db.selectFrom('catalog_entry').select('anime_id').where('anime_id', 'in', part).where('removed_at', 'is not', null).execute();
        for (const row of rows) found.add(Number(row.anime_id));
      }
      return found;
    },

    async counts() {
      const row = await db
        .selectFrom('catalog_entry')
        .innerJoin('anime', 'anime.id', 'catalog_entry.anime_id')
        .select((eb) => [
          eb.fn.sum<number>(sql`case when catalog_entry.removed_at is null then 1 else 0 end`).as('entries'),
          eb.fn.sum<number>(sql`case when catalog_entry.removed_at is null then 0 else 1 end`).as('removed'),
          eb.fn.sum<number>(sql`case when catalog_entry.removed_at is null and anime.mal_fetched_at is not null then 1 else 0 end`).as('enriched'),
        ])
        .executeTakeFirstOrThrow();
      return { entries: Number(row.entries ?? 0), removed: Number(row.removed ?? 0), enriched: Number(row.enriched ?? 0) };
    },

    async unenriched(limit, skip = []) {
      let query = db
        .selectFrom('anime')
        .innerJoin('catalog_entry', 'catalog_entry.anime_id', 'anime.id')
        .select('anime.id')
        .where('catalog_entry.removed_at', 'is', null)
        .where('anime.mal_id', 'is not', null)
        .where('anime.mal_fetched_at', 'is', null);
      if (skip.length > 0) query = query.where('anime.id', 'not in', [...skip].slice(-IDS_PER_QUERY));
      const rows = await query
        .orderBy(sql`coalesce(anime.popularity, -1)`, 'desc')
        .orderBy('anime.id')
        .limit(limit)
        .execute();
      return rows.map((r) => Number(r.id));
    },

    async readSync(name) {
      const row = await db.selectFrom('catalog_sync').selectAll().where('name', '=', name).executeTakeFirst();
      if (!row) return null;
      return { state: JSON.parse(row.state), leaseOwner: row.lease_owner, leaseUntil: row.lease_until === null ? null : Number(row.lease_until) };
    },

    async writeSync(name, state, now) {
      const text = JSON.stringify(state);
      await db
        .insertInto('catalog_sync')
        .values({ name, state: text, lease_owner: null, lease_until: null, updated_at: now })
        .onConflict((oc) => oc.column('name').doUpdateSet({ state: text, updated_at: now }))
        .execute();
    },

    async acquireLease(name, owner, ms, now) {
      await ensureRow(name, now);
      const result = await db
        .updateTable('catalog_sync')
        .set({ lease_owner: owner, lease_until: now + ms })
        .where('name', '=', name)
        .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', owner), eb('lease_until', '<', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async takeOverLease(name, owner, from, ms, now) {
      const result = await db
        .updateTable('catalog_sync')
        .set({ lease_owner: owner, lease_until: now + ms })
        .where('name', '=', name)
        .where('lease_owner', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async releaseLease(name, owner) {
      await db.updateTable('catalog_sync').set({ lease_owner: null, lease_until: null }).where('name', '=', name).where('lease_owner', '=', owner).execute();
    },
  };
}
