import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import type { Catalog } from '../catalog/catalog.ts';
import type { RunningSimulator } from '../sim/simulator.ts';
import { dumpMirror, startSyncSim, syncRig, syncTestCatalog, tempDir, visibleIds, type SyncRig } from '../../test/sync/sync-harness.ts';

describe('tsunagu sync against the simulator (result cap 300, real SQLite file)', () => {
  let sim: RunningSimulator;
  let catalog: Catalog;
  let rig: SyncRig;
  const temp = tempDir();

  before(async () => {
    catalog = await syncTestCatalog();
    sim = await startSyncSim();
    rig = await syncRig(sim, `sqlite:${join(temp.dir, 'mirror.sqlite')}`);
  });
  after(async () => {
    await rig.close();
    await sim.close();
    temp.cleanup();
  });

  it('a first run is a full pass that stores exactly the catalog: ids, fields and relations, in about one request per 50 entries', async () => {
    const summary = await rig.sync.run();
    assert.equal(summary.kind, 'full');
    assert.equal(summary.completed, true);
    assert.deepEqual(summary.unreachable, []);
    const ids = visibleIds(sim, catalog);
    const stored = (await rig.store.db.selectFrom('anime').select('id').orderBy('id').execute()).map((r) => r.id);
    assert.deepEqual(stored, ids);
    assert.equal(summary.entries, ids.length);
    // Undated entries (past the cap in every date order) are there too.
    const undated = ids.filter((id) => !catalog.media.get(id)!.startDate?.year);
    assert.ok(undated.length > 150);
    for (const id of ids.slice(0, 400)) {
      const want = catalog.media.get(id)!;
      const got = (await rig.store.anime.get(id))!;
      assert.equal(got.title.romaji, want.title.romaji, `title of ${id}`);
      assert.equal(got.format, want.format, `format of ${id}`);
      assert.equal(got.status, want.status, `status of ${id}`);
      assert.deepEqual(got.startDate, { year: want.startDate?.year ?? null, month: want.startDate?.month ?? null, day: want.startDate?.day ?? null }, `start of ${id}`);
      assert.equal(typeof got.updatedAt, 'number');
    }
    const inCatalog = new Set(ids);
    const wanted = new Set<string>();
    for (const id of ids) {
      for (const r of catalog.media.get(id)!.relations) if (inCatalog.has(r.id) && r.id !== id) wanted.add(`${id}>${r.id}:${r.relationType}`);
    }
    const edges = new Set((await dumpMirror(rig.store)).relations.filter((r) => r.endsWith(':anilist')).map((r) => r.replace(/:anilist$/, '')));
    assert.deepEqual([...wanted].filter((e) => !edges.has(e)), []);
    assert.deepEqual([...edges].filter((e) => !wanted.has(e)), []);
    const minimal = Math.ceil(ids.length / 50);
    // At AniList's cap of 5,000 the whole catalog takes about 1.04 x minimal (bench/catalog-sync.ts).
    // A cap of 300 needs a window per ~300 dated entries (each repeating a few of the last
    // date) and a landing page per status and genre group (FINISHED splits into about ten).
    assert.ok(sim.stats().anilist.requests <= Math.ceil(minimal * 1.15) + 30, `${sim.stats().anilist.requests} requests for ${ids.length} entries`);
    assert.equal(sim.stats().anilist.responses['429'] ?? 0, 0);
  });

  it('an incremental run takes five edits in with at most 3 requests', async () => {
    sim.reset();
    const edited = sim.catalog.edit({ count: 5 }).results.map((r) => r.id);
    const summary = await rig.sync.run();
    assert.equal(summary.kind, 'incremental');
    assert.ok(sim.stats().anilist.requests <= 3, `${sim.stats().anilist.requests} requests`);
    for (const id of edited) {
      const stored = (await rig.store.anime.get(id))!;
      assert.ok(stored.synonyms.some((s) => s.endsWith('(edit 1)')), `edit of ${id} stored: ${stored.synonyms.join(', ')}`);
    }
  });

  it('a full pass marks entries AniList removed, keeping them and their relations; a later pass that sees them again clears the mark', async () => {
    const linked = visibleIds(sim, catalog).filter((id) => catalog.media.get(id)!.relations.some((r) => catalog.media.has(r.id) && r.id !== id));
    const gone = linked.slice(10, 13);
    sim.catalog.remove({ ids: gone });
    const before = await dumpMirror(rig.store);
    const incremental = await rig.sync.run();
    assert.equal(incremental.removed, 0, 'only a full pass notices a removal');
    const full = await rig.sync.run({ full: true });
    assert.equal(full.kind, 'full');
    assert.equal(full.removed, 3, JSON.stringify({ removed: (await dumpMirror(rig.store)).removed, gone }));
    const after = await dumpMirror(rig.store);
    assert.deepEqual(after.removed, [...gone].sort((a, b) => a - b));
    for (const id of gone) {
      assert.ok(await rig.store.anime.get(id), `removed entry ${id} is kept`);
      const edges = before.relations.filter((r) => r.startsWith(`${id}>`));
      assert.ok(edges.length > 0);
      for (const edge of edges) assert.ok(after.relations.some((r) => r.startsWith(edge.split(':')[0]!)), `edge ${edge} kept`);
    }
    assert.equal((await rig.store.catalog.counts()).entries, visibleIds(sim, catalog).length);
    sim.catalog.restore({ ids: gone });
    await rig.sync.run();
    assert.deepEqual((await dumpMirror(rig.store)).removed, []);
  });
});
