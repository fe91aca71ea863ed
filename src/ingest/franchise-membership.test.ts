import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../catalog/catalog.ts';
import { animeFromCatalog, relationsFromCatalog } from '../catalog/catalog-to-domain.ts';
import { systemClock } from '../clock.ts';
import { loadConfig } from '../config/config.ts';
import { defaultPolicy } from '../domain/franchise-policy.ts';
import { silentLogger } from '../log.ts';
import type { RunningSimulator } from '../sim/simulator.ts';
import { createStore } from '../store/store.ts';
import { createUpstreams } from '../upstream/upstreams.ts';
import { discoverFranchise } from './franchise-discovery.ts';
import { readFranchise } from './franchise-reader.ts';
import { fastGates, sqliteDatabase, startFastSimulator, testEnv } from '../../test/support/ingest-harness.ts';

const KERORO = 516;
/** "Chibi Kero: Kerobouru no Himitsu!?" names Keroro Gunsou its PARENT; Keroro Gunsou never names it back. */
const CHIBI_KERO = 5449;

/** Discovery with the default policy into a fresh SQLite store (closed after `t`), against the simulator. */
async function freshDiscovery(t: TestContext, sim: RunningSimulator) {
  const db = await sqliteDatabase();
  const store = await createStore(db.url);
  t.after(async () => {
    await store.close();
    await db.close();
  });
  const upstreams = createUpstreams(loadConfig(testEnv(sim, db.url)), { logger: silentLogger, gates: fastGates() });
  const run = (root: number) =>
    discoverFranchise(root, { store, anilist: upstreams.anilist, clock: systemClock, logger: silentLogger }, { policy: defaultPolicy });
  return { store, run };
}

test('an entry the store knows that names a member as its PARENT is a member, in discovery and in the stored read alike', async (t) => {
  const catalog = await loadCatalog({ anilistOnly: true });
  const sim = await startFastSimulator();
  t.after(() => sim.close());
  const discover = () => freshDiscovery(t, sim);

  // On an empty store nothing leads to it: AniList's answer for the series does not mention it.
  const empty = await discover();
  const fromNetwork = await empty.run(KERORO);
  assert.ok(fromNetwork.members.size > 5);
  assert.ok(!fromNetwork.members.has(CHIBI_KERO));

  // A store that already holds the special (its edge to the series waits for the series).
  const known = await discover();
  const special = catalog.media.get(CHIBI_KERO)!;
  await known.store.saveBatch([animeFromCatalog(special, Date.now())], relationsFromCatalog(special));
  const withSpecial = await known.run(KERORO);
  assert.equal(withSpecial.members.get(CHIBI_KERO), 1);
  assert.deepEqual([...withSpecial.members.keys()].filter((id) => id !== CHIBI_KERO).sort(), [...fromNetwork.members.keys()].sort());
  assert.ok(withSpecial.reused >= 1, 'the stored special was walked without asking AniList');

  // The stored read walks the same graph: the same members at the same depths.
  const view = await readFranchise(known.store, KERORO, { policy: defaultPolicy, now: Date.now() });
  assert.ok(view);
  assert.deepEqual(new Map(view.members.map((m) => [m.id, m.depth])), withSpecial.members);
  assert.equal(view.franchise.stale, false);
});

test('a setting crossover stays out in discovery and in the stored read: Steins;Gate without ChäoS;HEAd', async (t) => {
  const STEINS_GATE = 9253;
  const STEINS_GATE_0 = 21127;
  const CHAOS = [4975, 21126, 98576];
  const sim = await startFastSimulator();
  t.after(() => sim.close());
  const { store, run } = await freshDiscovery(t, sim);
  const discovered = await run(STEINS_GATE);
  assert.ok(discovered.members.has(STEINS_GATE_0));
  assert.deepEqual(CHAOS.filter((id) => discovered.members.has(id)), []);
  // ChäoS;HEAd was fetched to judge the claim: the read, from the stored dates, judges it the same way.
  const view = await readFranchise(store, STEINS_GATE, { policy: defaultPolicy, now: Date.now() });
  assert.ok(view);
  assert.deepEqual(new Map(view.members.map((m) => [m.id, m.depth])), discovered.members);
});
