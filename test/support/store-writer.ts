/**
 * Another process writing the store, as a worker would: opens the database a URL names,
 * gives one anime a MAL score, and exits. Used by the read cache tests to show that a write
 * no in-process hook could hear of is seen on the next read.
 *
 *   node --import tsx test/support/store-writer.ts <databaseUrl> <animeId> <malScore>
 */
import { createStore } from '../../src/store/store.ts';

const [url, id, score] = process.argv.slice(2);
if (!url || !id || !score) throw new Error('usage: store-writer.ts <databaseUrl> <animeId> <malScore>');
const store = await createStore(url, { migrate: false });
try {
  const changed = await store.anime.setMal(Number(id), { score: Number(score), rank: 1, members: 1, rating: null, status: 'ok', fetchedAt: Date.now() });
  if (!changed) throw new Error(`anime ${id} is not stored`);
} finally {
  await store.close();
}
