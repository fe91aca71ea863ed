import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadCatalog, type Catalog } from '../../catalog/catalog.ts';
import { loadConfig } from '../../config/config.ts';
import { silentLogger } from '../../log.ts';
import { seededRandom } from '../../sim/seeded-random.ts';
import { startSimulator, type RunningSimulator } from '../../sim/simulator.ts';
import type { Fetch } from '../http/fetch.ts';
import { createUpstreams } from '../upstreams.ts';

// Real time on purpose: what this guards against is sends reaching Jikan late by uneven
// amounts, which only a real clock and real sockets show. About 18 s.
describe('Jikan at its published 3/s: arrivals stay within 3 in any second', () => {
  let catalog: Catalog;
  let sim: RunningSimulator;

  before(async () => {
    catalog = await loadCatalog();
    sim = await startSimulator({ catalog, latencyMs: 0, jitterMs: 0, jikanPerSecond: 3, jikanPerMinute: 60 });
  });
  after(() => sim?.close());

  it('40 calls with sends delayed 0-300 ms on the way (busy event loop, new connections): no second holds 4, no 429', { timeout: 60_000 }, async () => {
    const config = loadConfig({}, { jikanUrl: sim.jikanUrl, anilistUrl: sim.anilistUrl, jikanRatePerSecond: 3, jikanRatePerMinute: 60 });
    const random = seededRandom(3);
    const late: Fetch = async (url, init) => {
      await new Promise((resolve) => setTimeout(resolve, random.next() * 300));
      return fetch(url, init);
    };
    const upstreams = createUpstreams(config, { logger: silentLogger, fetch: late });
    const ids = [...catalog.mal.keys()].slice(0, 40);
    const results = await Promise.all(ids.map((id) => upstreams.jikan.fetchFull(id, { priority: 'background' })));
    assert.equal(results.filter((r) => r !== null).length, 40);
    const { jikan } = sim.stats();
    // A retry (a connection reset under load) is allowed; it must still go through the gate.
    assert.equal(jikan.requests, upstreams.requestCounts().jikan);
    assert.ok(jikan.requests >= 40 && jikan.requests <= 42, `${jikan.requests} Jikan requests for 40 calls`);
    assert.equal(jikan.rateLimited, 0);
    assert.ok(jikan.peak1s <= 3, `${jikan.peak1s} Jikan arrivals in one second`);
  });
});
