import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadCatalog, type Catalog } from '../catalog/catalog.ts';
import { loadConfig } from '../config/config.ts';
import { silentLogger } from '../log.ts';
import { startSimulator, type RunningSimulator } from '../sim/simulator.ts';
import type { UpstreamName } from './upstream-error.ts';
import { driveUntilSettled } from '../../test/support/drive-clock.ts';
import { ManualClock } from '../../test/support/manual-clock.ts';
import { createUpstreams } from './upstreams.ts';

// Simulated time (see upstream-politeness.test.ts): the windows are real minutes, the run takes seconds.
describe('rate gates adapt to what the upstream really allows', () => {
  let catalog: Catalog;
  let sim: RunningSimulator;
  let clock: ManualClock;

  before(async () => {
    catalog = await loadCatalog();
  });
  after(() => sim?.close());

  async function run(simOptions: Parameters<typeof startSimulator>[0], overrides: Parameters<typeof loadConfig>[1], calls: (u: ReturnType<typeof createUpstreams>) => Promise<unknown>[]) {
    await sim?.close();
    clock = new ManualClock();
    sim = await startSimulator({ ...simOptions, clock, catalog });
    const config = loadConfig({}, { anilistUrl: sim.anilistUrl, jikanUrl: sim.jikanUrl, ...overrides });
    const paused: Record<UpstreamName, number[]> = { anilist: [], jikan: [] };
    /** Pauses as [from, until] and send times, to check that nothing is sent during a pause. */
    const pauses: Record<UpstreamName, [number, number][]> = { anilist: [], jikan: [] };
    const sends: Record<UpstreamName, number[]> = { anilist: [], jikan: [] };
    const upstreams = createUpstreams(config, {
      logger: silentLogger,
      clock,
      observer: {
        onRateLimited: (e) => {
          paused[e.upstream].push(e.pauseMs);
          pauses[e.upstream].push([clock.now(), clock.now() + e.pauseMs]);
        },
        onGateWait: (e) => sends[e.upstream].push(clock.now()),
      },
    });
    const started = clock.now();
    const results = await driveUntilSettled(Promise.all(calls(upstreams)), clock, [upstreams.gates.anilist, upstreams.gates.jikan]);
    for (const upstream of ['anilist', 'jikan'] as const) {
      for (const [from, until] of pauses[upstream]) {
        const during = sends[upstream].filter((t) => t > from && t < until);
        assert.deepEqual(during, [], `${upstream} sent during the pause ${from}-${until}`);
      }
    }
    return { upstreams, results, paused, minutes: (clock.now() - started) / 60_000, stats: sim.stats() };
  }

  const ids = () => [...catalog.media.keys()].slice(0, 60);

  it('AniList enforcing 30/min while its headers claim 90: one 429, then a pace it accepts; every call completes', { timeout: 60_000 }, async () => {
    const { upstreams, results, paused, minutes, stats } = await run(
      { anilistRatePerMinute: 30, anilistHeaderLimit: 90 },
      // Defaults: start at 28/min, then believe the headers up to the 90/min ceiling.
      {},
      (u) => ids().map((id) => u.anilist.fetchMedia([id])),
    );
    assert.equal((results as { entries: Map<number, unknown> }[]).filter((r) => r.entries.size === 1).length, 60);
    assert.ok(stats.anilist.rateLimited >= 1, 'the lie was found out by a 429');
    assert.ok(stats.anilist.rateLimited <= Math.ceil(minutes), `${stats.anilist.rateLimited} 429s in ${minutes.toFixed(1)} minutes`);
    assert.equal(stats.anilist.rateLimited, 1, 'exactly one 429: the gate learnt from it');
    assert.equal(upstreams.requestCounts().anilist, 60 + stats.anilist.rateLimited, 'each 429 retried once, after the pause');
    assert.equal(paused.anilist.length, 1);
    assert.ok(paused.anilist[0] >= 30_000, `paused ${paused.anilist[0]} ms: until the window freed, as Retry-After said`);
    assert.ok(upstreams.gates.anilist.snapshot().ratePerMinute < 30, `now paced at ${upstreams.gates.anilist.snapshot().ratePerMinute}/min`);
  });

  it('AniList whose headers say 30 while 90 is configured: paced at 30 minus headroom without a single 429', { timeout: 60_000 }, async () => {
    const { upstreams, stats } = await run({ anilistRatePerMinute: 30 }, { anilistRatePerMinute: 90 }, (u) => ids().map((id) => u.anilist.fetchMedia([id])));
    assert.equal(stats.anilist.rateLimited, 0);
    assert.equal(stats.anilist.peak60s, 28, 'the first burst left before any header was read, and still counts in the window');
    assert.equal(upstreams.gates.anilist.snapshot().ratePerMinute, 28);
  });

  it('AniList announcing and enforcing 270/min, no cap set: the pace follows it, minus headroom, without a 429', { timeout: 60_000 }, async () => {
    const { upstreams, results, stats } = await run({ anilistRatePerMinute: 270 }, {}, (u) => [...catalog.media.keys()].slice(0, 300).map((id) => u.anilist.fetchMedia([id])));
    assert.equal((results as { entries: Map<number, unknown> }[]).filter((r) => r.entries.size === 1).length, 300);
    assert.equal(stats.anilist.rateLimited, 0);
    assert.equal(upstreams.gates.anilist.snapshot().ratePerMinute, 256, '270 announced, minus headroom');
    assert.ok(stats.anilist.peak60s > 90 && stats.anilist.peak60s <= 256, `peak ${stats.anilist.peak60s} per 60 s: past the documented 90`);
  });

  it('AniList whose headers claim 270 while it enforces 90, no cap set: one 429, then a pace it accepts', { timeout: 60_000 }, async () => {
    const { upstreams, results, stats } = await run({ anilistRatePerMinute: 90, anilistHeaderLimit: 270 }, {}, (u) =>
      [...catalog.media.keys()].slice(0, 250).map((id) => u.anilist.fetchMedia([id])),
    );
    assert.equal((results as { entries: Map<number, unknown> }[]).filter((r) => r.entries.size === 1).length, 250);
    assert.equal(stats.anilist.rateLimited, 1, 'exactly one 429: the gate learnt from it');
    assert.ok(upstreams.gates.anilist.snapshot().ratePerMinute <= 90, `now paced at ${upstreams.gates.anilist.snapshot().ratePerMinute}/min`);
  });

  it('ANILIST_MAX_RATE_PER_MINUTE caps the pace whatever AniList announces', { timeout: 60_000 }, async () => {
    const { upstreams, stats } = await run({ anilistRatePerMinute: 270 }, { anilistMaxRatePerMinute: 90 }, (u) =>
      [...catalog.media.keys()].slice(0, 150).map((id) => u.anilist.fetchMedia([id])),
    );
    assert.equal(stats.anilist.rateLimited, 0);
    assert.equal(upstreams.gates.anilist.snapshot().ratePerMinute, 90);
    assert.ok(stats.anilist.peak60s <= 90, `peak ${stats.anilist.peak60s} per 60 s`);
  });

  it('Jikan in 429 storms (no Retry-After): the whole upstream waits longer each time, no retry storm', { timeout: 60_000 }, async () => {
    const malIds = [...catalog.mal.keys()].slice(0, 80);
    const { upstreams, results, paused, stats } = await run({ faults: 'storm=0.04:6@jikan', seed: 7 }, {}, (u) => malIds.map((id) => u.jikan.fetchFull(id)));
    assert.equal((results as unknown[]).filter((r) => r !== null).length, 80, 'every call completes');
    assert.ok(stats.jikan.rateLimited >= 2, `the storms happened (${stats.jikan.rateLimited} 429s)`);
    // A 6 s storm is outlasted by pauses of 2 s then 4 s: about two 429s per storm, never a burst of them.
    assert.ok(paused.jikan.some((ms, i) => i > 0 && ms > paused.jikan[i - 1]), `pauses grow: ${paused.jikan.join(', ')}`);
    assert.ok(Math.max(...paused.jikan) <= 60_000);
    assert.equal(upstreams.requestCounts().jikan, 80 + stats.jikan.rateLimited, 'nothing sent but the calls and one retry per 429');
    assert.ok(stats.jikan.peak1s <= 3 && stats.jikan.peak60s <= 60);
  });
});
