import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anime, T0 } from '../../fixtures/store-fixtures.ts';
import type { SuiteContext } from './store-conformance.ts';

export function coverCases(ctx: SuiteContext): void {
  test('covers: an image round-trips byte for byte; a later fetch replaces it, per entry and size', async () => {
    const { store } = await ctx.open();
    // Every byte value, NUL included: a blob, not text.
    const body = new Uint8Array(Array.from({ length: 512 }, (_, i) => i % 256));
    const ok = { status: 'ok', animeId: 16498, size: 'large', sourceUrl: 'https://s4.anilist.co/a.jpg', contentType: 'image/jpeg', body, etag: '"abc"', fetchedAt: T0 } as const;
    await store.covers.put(ok);
    assert.deepEqual(await store.covers.get(16498, 'large'), ok);
    assert.equal(await store.covers.get(16498, 'medium'), undefined, 'sizes are kept apart');
    assert.equal(await store.covers.get(1, 'large'), undefined);

    const failed = { status: 'failed', animeId: 16498, size: 'large', sourceUrl: 'https://s4.anilist.co/b.jpg', error: 'HTTP 404', fetchedAt: T0 + 1, retryAt: T0 + 3_600_000 } as const;
    await store.covers.put(failed);
    assert.deepEqual(await store.covers.get(16498, 'large'), failed, 'the failure replaced the image');
    await store.covers.put({ ...ok, fetchedAt: T0 + 2 });
    assert.deepEqual(await store.covers.get(16498, 'large'), { ...ok, fetchedAt: T0 + 2 });
  });

  test('covers: every cover size of an entry round-trips; rows stored before sizes were kept fall back to the one URL', async () => {
    const { store } = await ctx.open();
    const sized = anime(7, { coverImages: { extraLarge: 'https://s4.anilist.co/xl.jpg', large: 'https://s4.anilist.co/l.jpg', medium: null } });
    await store.anime.upsertMany([sized]);
    assert.deepEqual((await store.anime.get(7))?.coverImages, sized.coverImages);
    await store.db.updateTable('anime').set({ cover_images: null }).where('id', '=', 7).execute();
    assert.deepEqual((await store.anime.get(7))?.coverImages, { extraLarge: sized.coverImage, large: null, medium: null });
  });
}
