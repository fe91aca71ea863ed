import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadCatalog, type Catalog } from '../../catalog/catalog.ts';
import { loadConfig } from '../../config/config.ts';
import { silentLogger } from '../../log.ts';
import { seededRandom } from '../../sim/seeded-random.ts';
import { startSimulator, type RunningSimulator } from '../../sim/simulator.ts';
import { SlidingLog } from '../../sim/sliding-window.ts';
import type { Fetch } from '../http/fetch.ts';
import { ManualClock } from '../../../test/support/manual-clock.ts';
import { createUpstreams } from '../upstreams.ts';
import { jikanGateOptions } from './gate-presets.ts';
import { MemoryRateGate } from './memory-rate-gate.ts';

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

  it('40 calls with sends delayed 0-300 ms on the way (busy event loop, new connections), UPSTREAM_JITTER_MS=250: no second holds 4, no 429', { timeout: 120_000 }, async () => {
    // Delays of 0-300 ms are 150 +- 150. The link is configured with 100 ms more than that:
    // the simulator shares this process, so its own event-loop lag on a busy machine (the
    // test runner runs files side by side) also moves arrivals, and no option can name it.
    const config = loadConfig({}, { jikanUrl: sim.jikanUrl, anilistUrl: sim.anilistUrl, upstreamJitterMs: 250 });
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

// Simulated time: the gate decides sends on a ManualClock, and each request reaches Jikan
// after its own one-way delay, drawn from the extremes of D +- UPSTREAM_JITTER_MS (the worst
// case: one request as late as allowed, the next as early). The simulator's own sliding
// log then counts the arrivals in the order they land.
/**
 * 200 requests through the Jikan gate on simulated time, each reaching Jikan after the
 * one-way delay `delayOf(index)` gives it; the simulator's own sliding log then counts
 * the arrivals in the order they land, as Jikan would.
 */
async function countArrivals(overrides: Parameters<typeof loadConfig>[1], delayOf: (index: number) => number) {
  const clock = new ManualClock();
  const gate = new MemoryRateGate(jikanGateOptions(loadConfig({}, overrides)), clock);
  const arrivals: number[] = [];
  let finished = 0;
  const calls = Array.from({ length: 200 }, async () => {
    const pass = await gate.acquire({ priority: 'background' });
    arrivals.push(clock.now() + delayOf(arrivals.length));
    await clock.sleep(2_000);
    pass.finish({ outcome: 'ok' });
    finished++;
  });
  while (finished < calls.length) await clock.advanceToNext();
  await Promise.all(calls);
  const counted = new SlidingLog(60_000);
  let refused = 0;
  let peak1s = 0;
  let peak60s = 0;
  for (const at of arrivals.sort((a, b) => a - b)) {
    if (counted.count(at, 1_000) >= 3 || counted.count(at, 60_000) >= 60) {
      refused++;
      continue;
    }
    counted.add(at);
    peak1s = Math.max(peak1s, counted.count(at, 1_000));
    peak60s = Math.max(peak60s, counted.count(at, 60_000));
  }
  return { refused, peak1s, peak60s };
}

describe('Jikan gate at the defaults: arrivals within 3/s and 60/min for any delays within +-UPSTREAM_JITTER_MS', () => {
  // The worst case: each delay at one extreme or the other of 1 s +- J, drawn at random.
  for (const jitterMs of [0, 50, 100, 150, 400]) {
    it(`jitter +-${jitterMs} ms: 200 requests, none refused, and the windows are used`, async () => {
      const random = seededRandom(jitterMs + 1);
      const { refused, peak1s, peak60s } = await countArrivals({ upstreamJitterMs: jitterMs }, () => 1_000 + (random.next() < 0.5 ? -jitterMs : jitterMs));
      assert.equal(refused, 0, `${refused} of 200 arrivals over Jikan's limits`);
      assert.equal(peak60s, 60, 'the minute window is used in full');
      if (jitterMs === 0) assert.equal(peak1s, 3, 'the second window is used in full');
    });
  }

  it('a minute apart, delays may differ by 1 % of the minute whatever UPSTREAM_JITTER_MS says', async () => {
    // The first minute's requests counted 600 ms late (both sides busy with discovery), the next ones 600 ms early.
    const { refused, peak60s } = await countArrivals({ upstreamJitterMs: 0 }, (index) => (index < 60 ? 1_600 : 400));
    assert.equal(refused, 0);
    assert.equal(peak60s, 60);
  });
});
