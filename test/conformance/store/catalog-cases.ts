import { test } from 'node:test';
import assert from 'node:assert/strict';
import { animeFromCatalog, relationsFromCatalog } from '../../../src/catalog/catalog-to-domain.ts';
import { loadCatalog, type CatalogMedia } from '../../../src/catalog/catalog.ts';
import { DEFAULT_FOLLOW as FOLLOW } from '../../../src/domain/franchise-policy.ts';
import { inverseOf } from '../../../src/domain/relation-type.ts';
import type { Store } from '../../../src/store/store.ts';
import { dumpTables, T0 } from '../../fixtures/store-fixtures.ts';
import type { SuiteContext } from './store-conformance.ts';


async function ingest(store: Store, media: readonly CatalogMedia[], batchSize: number, fetchedAt = T0) {
  const totals = { written: 0, stored: 0, inferred: 0, pending: 0, promoted: 0, dropped: 0 };
  for (let i = 0; i < media.length; i += batchSize) {
    const part = media.slice(i, i + batchSize);
    const r = await store.saveBatch(part.map((m) => animeFromCatalog(m, fetchedAt)), part.flatMap(relationsFromCatalog));
    totals.written += r.anime.written;
    totals.stored += r.relations.stored;
    totals.inferred += r.relations.inferred;
    totals.pending += r.relations.pending;
    totals.promoted += r.relations.promoted;
    totals.dropped += r.relations.dropped.length;
  }
  return totals;
}

/** Nodes reachable over `types`, walking the catalog's edges in both directions (the store keeps both). */
function catalogComponent(media: Map<number, CatalogMedia>, root: number, types: readonly string[]): Set<number> {
  const neighbours = new Map<number, Set<number>>();
  const link = (a: number, b: number) => (neighbours.get(a) ?? neighbours.set(a, new Set()).get(a)!).add(b);
  for (const m of media.values()) {
    for (const r of m.relations) {
      if (r.id === m.id) continue;
      if (types.includes(r.relationType)) link(m.id, r.id);
      if (types.includes(inverseOf(r.relationType))) link(r.id, m.id);
    }
  }
  const seen = new Set([root]);
  const queue = [root];
  while (queue.length) for (const next of neighbours.get(queue.shift()!) ?? []) if (!seen.has(next)) seen.add(next), queue.push(next);
  return seen;
}

export function catalogCases(ctx: SuiteContext): void {
  test('catalog: the whole catalog stores with every invariant holding and every upstream edge present', async () => {
    const catalog = await loadCatalog({ anilistOnly: true });
    const media = [...catalog.media.values()];
    const { store } = await ctx.open();
    const totals = await ingest(store, media, 500);
    assert.equal(await store.anime.count(), catalog.media.size);
    assert.equal(totals.written, catalog.media.size);
    assert.deepEqual(await store.checkInvariants(), { ok: true, problems: [] });
    assert.deepEqual(await store.relations.listPending(), [], 'every target is in the catalog');

    const expected = new Set<string>();
    for (const m of media) for (const r of m.relations) if (r.id !== m.id) expected.add(`${m.id}>${r.id}>${r.relationType}`);
    const upstream = (await store.relations.listFrom([...catalog.media.keys()])).filter((e) => e.source !== 'inferred');
    assert.deepEqual(new Set(upstream.map((e) => `${e.from}>${e.to}>${e.type}`)), expected);
    assert.equal(totals.stored + totals.pending + totals.dropped, media.reduce((n, m) => n + m.relations.length, 0), 'every input edge stored, parked or dropped');

    for (const root of [16498, 5081, 356]) {
      // The walk's query reaches the whole component (and the edges leaving it, one hop on).
      const reached = new Set((await store.relations.componentEdges(root, FOLLOW)).stored.flatMap((e) => [e.from, e.to]));
      const missing = [...catalogComponent(catalog.media, root, FOLLOW)].filter((id) => !reached.has(id));
      assert.deepEqual(missing, [], `component of ${root}`);
    }
    assert.equal((await store.anime.search('Shingeki no Kyojin', 1))[0]?.id, 16498);
    assert.equal((await store.anime.findByMalId(16498))?.id, 16498);
  });

  test('catalog: re-ingesting changes nothing, and the batch order does not matter', async () => {
    const catalog = await loadCatalog({ anilistOnly: true });
    // Entries with their relation targets, so most edges resolve inside the sample.
    const sample = [...catalog.media.values()].slice(0, 1500);
    const { store } = await ctx.open();
    await ingest(store, sample, 50);
    const before = await dumpTables(store);
    const again = await ingest(store, sample, 50);
    assert.deepEqual(again, { written: 0, stored: again.stored, inferred: 0, pending: again.pending, promoted: 0, dropped: again.dropped });
    assert.deepEqual(await dumpTables(store), before);

    const { store: reversed } = await ctx.open();
    await ingest(reversed, [...sample].reverse(), 37);
    assert.deepEqual(await dumpTables(reversed), before);
    assert.deepEqual(await reversed.checkInvariants(), { ok: true, problems: [] });
  });
}
