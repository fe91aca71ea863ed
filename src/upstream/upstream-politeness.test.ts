import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadCatalog, type Catalog } from '../catalog/catalog.ts';
import { loadConfig } from '../config/config.ts';
import { silentLogger } from '../log.ts';
import { startSimulator, type RunningSimulator } from '../sim/simulator.ts';
import { driveUntilSettled } from '../../test/support/drive-clock.ts';
import { ManualClock } from '../../test/support/manual-clock.ts';
import { createUpstreams } from './upstreams.ts';

/*
 * Hundreds of concurrent calls per upstream at the real limits and the default gate
 * settings take simulated minutes. Scaling the limits up would let the calls finish
 * inside one window and prove nothing about the minute limits, and squeezing real time
 * lets machine load leak into the windows. So client and simulator share a ManualClock
 * that stands still while requests are on the wire and jumps to the gate's next wake-up
 * otherwise: every window fills and binds, exactly, in the time the requests themselves
 * take. 300 calls span ten AniList windows and five of Jikan's; 500 would only add
 * runtime (each simulated AniList request costs ~20 ms of real CPU).
 */
const CALLS = 300;

describe(`politeness: ${CALLS} concurrent calls per upstream at the default settings`, () => {
  let sim: RunningSimulator;
  let catalog: Catalog;
  const clock = new ManualClock();

  before(async () => {
    catalog = await loadCatalog();
    // AniList's enforced 30/min (and honest headers); Jikan's published 3/s and 60/min.
    sim = await startSimulator({ clock, catalog, anilistRatePerMinute: 30, jikanPerSecond: 3, jikanPerMinute: 60 });
  });
  after(() => sim.close());

  it('every call is answered, no 429 is ever drawn, and no window holds more than its limit', { timeout: 120_000 }, async () => {
    const config = loadConfig({}, { anilistUrl: sim.anilistUrl, jikanUrl: sim.jikanUrl });
    const upstreams = createUpstreams(config, { logger: silentLogger, clock });
    const anilistIds = [...catalog.media.keys()].slice(0, CALLS);
    const malIds = [...catalog.mal.keys()].slice(0, CALLS);
    const started = clock.now();
    const work = Promise.all([
      Promise.all(anilistIds.map((id) => upstreams.anilist.fetchMedia([id]))),
      Promise.all(malIds.map((id) => upstreams.jikan.fetchFull(id))),
    ]);
    const [anilist, jikan] = await driveUntilSettled(work, clock, [upstreams.gates.anilist, upstreams.gates.jikan]);
    const minutes = (clock.now() - started) / 60_000;

    assert.equal(anilist.filter((r) => r.entries.size === 1).length, CALLS, 'every AniList call got its entry');
    assert.equal(jikan.filter((r) => r !== null).length, CALLS, 'every Jikan call got its entry');
    const stats = sim.stats();
    assert.equal(stats.anilist.rateLimited, 0, 'AniList 429s');
    assert.equal(stats.jikan.rateLimited, 0, 'Jikan 429s');
    assert.deepEqual(upstreams.requestCounts(), { anilist: CALLS, jikan: CALLS }, 'one request per call, nothing retried');
    assert.ok(stats.anilist.peak60s <= 30, `AniList peak ${stats.anilist.peak60s} per 60 s`);
    assert.ok(stats.jikan.peak1s <= 3, `Jikan peak ${stats.jikan.peak1s} per s`);
    assert.ok(stats.jikan.peak60s <= 60, `Jikan peak ${stats.jikan.peak60s} per 60 s`);
    // The gate held its own settings (AniList 28/min + burst 3; Jikan its published 3/s and
    // 60/min, over 1 s and 60 s plus the arrival guard), which is what kept it clear of the limits.
    assert.equal(stats.anilist.peak60s, 28);
    assert.equal(stats.jikan.peak1s, 3);
    assert.equal(stats.jikan.peak60s, 60);
    // At AniList's 30/min the calls cannot take less than this; they did take the time.
    assert.ok(minutes >= CALLS / 30 - 1, `AniList took ${minutes.toFixed(1)} simulated minutes`);
  });
});
