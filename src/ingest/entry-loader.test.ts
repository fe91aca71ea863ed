import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { RunningSimulator } from '../sim/simulator.ts';
import { createStore, type Store } from '../store/store.ts';
import { sqliteDatabase, startFastSimulator, type TestDatabase } from '../../test/support/ingest-harness.ts';
import { ManualClock } from '../../test/support/manual-clock.ts';
import { simUpstreams } from '../../test/support/sim-upstreams.ts';
import { EntryLoader } from './entry-loader.ts';

const AOT = 16498;
const AOT_S2 = 20958;

describe('EntryLoader stops at abort', () => {
  let sim: RunningSimulator;
  let db: TestDatabase;
  let store: Store;
  before(async () => {
    // Answers take a minute: a batch that reached AniList is still waiting when the test aborts.
    sim = await startFastSimulator({ latencyMs: 60_000, jitterMs: 0 });
    db = await sqliteDatabase();
    store = await createStore(db.url);
  });
  after(async () => {
    await store.close();
    await db.close();
    await sim.close();
  });

  function loader(clock: ManualClock, signal: AbortSignal): EntryLoader {
    const { anilist } = simUpstreams(sim, { upstreamRetries: 0 });
    return new EntryLoader({ store, anilist, clock, signal });
  }

  test('ids still gathering are refused with the reason, and their batch never goes', { timeout: 20_000 }, async () => {
    const clock = new ManualClock();
    const shutdown = new AbortController();
    const entries = loader(clock, shutdown.signal);
    const before = sim.stats().anilist.requests;
    const loads = [entries.load(AOT), entries.load(AOT_S2), entries.load(AOT)];
    const reason = new Error('shutting down');
    shutdown.abort(reason);
    for (const load of loads) await assert.rejects(load, (error) => error === reason);
    await clock.advance(1_000);
    assert.equal(clock.pending, 0, 'no gathering timer left behind');
    await assert.rejects(entries.load(AOT), (error) => error === reason, 'a load after the abort is refused at once');
    assert.equal(sim.stats().anilist.requests, before, 'nothing was sent');
  });

  test('a batch waiting on AniList is abandoned: its callers hear the reason without waiting for the answer', { timeout: 20_000 }, async () => {
    const clock = new ManualClock();
    const shutdown = new AbortController();
    const entries = loader(clock, shutdown.signal);
    const before = sim.stats().anilist.requests;
    const load = entries.load(AOT);
    await clock.advance(5);
    while (sim.stats().anilist.requests === before) await delay(5);
    const reason = new Error('shutting down');
    shutdown.abort(reason);
    await assert.rejects(load, (error) => error === reason);
    assert.equal(await store.anime.get(AOT), undefined, 'nothing half-stored');
  });
});
