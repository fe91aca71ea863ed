import type { CoverSize } from '../domain/anime.ts';
import type { StoreContext } from './store-context.ts';
import { cleanText } from './text-column.ts';

/**
 * A cached cover: the image, or why it could not be had and when to try again; `failed`
 * may work later (timeouts, 5xx), `refused` will not for this URL (404, not an image).
 */
export type StoredCover =
  | { status: 'ok'; animeId: number; size: CoverSize; sourceUrl: string; contentType: string; body: Uint8Array; etag: string; fetchedAt: number }
  | { status: 'failed' | 'refused'; animeId: number; size: CoverSize; sourceUrl: string; error: string; fetchedAt: number; retryAt: number };

export interface CoverRepository {
  get(animeId: number, size: CoverSize): Promise<StoredCover | undefined>;
  /** Stores the outcome of one fetch, replacing what was cached for that entry and size. */
  put(cover: StoredCover): Promise<void>;
}

export function createCoverRepository(ctx: StoreContext): CoverRepository {
  const { db } = ctx;
  return {
    async get(animeId, size) {
      const row = await db.selectFrom('cover').selectAll().where('anime_id', '=', animeId).where('size', '=', size).executeTakeFirst();
      if (!row) return undefined;
      const base = { animeId: row.anime_id, size: row.size as CoverSize, sourceUrl: row.source_url, fetchedAt: row.fetched_at };
      if (row.status === 'ok' && row.body && row.content_type && row.etag) {
        return { ...base, status: 'ok', contentType: row.content_type, body: new Uint8Array(row.body), etag: row.etag };
      }
      return { ...base, status: row.status === 'refused' ? 'refused' : 'failed', error: row.error ?? 'unknown', retryAt: row.retry_at ?? 0 };
    },
    async put(cover) {
      const ok = cover.status === 'ok';
      const row = {
        anime_id: cover.animeId,
        size: cover.size,
        source_url: cleanText(cover.sourceUrl),
        status: cover.status,
        content_type: ok ? cover.contentType : null,
        body: ok ? Buffer.from(cover.body.buffer, cover.body.byteOffset, cover.body.byteLength) : null,
        etag: ok ? cover.etag : null,
        error: ok ? null : cleanText(cover.error),
        fetched_at: cover.fetchedAt,
        retry_at: ok ? null : cover.retryAt,
      };
      const { anime_id: _id, size: _size, ...changes } = row;
      await db
        .insertInto('cover')
        .values(row)
        .onConflict((oc) => oc.columns(['anime_id', 'size']).doUpdateSet(changes))
        .execute();
    },
  };
}
