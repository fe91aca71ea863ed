import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { loadCatalog } from '../catalog/catalog.ts';
import { startSimulator, type RunningSimulator } from './simulator.ts';
import { getJson, postGraphql } from '../../test/support/sim-requests.ts';
import { ManualClock } from '../../test/support/manual-clock.ts';

let sim: RunningSimulator;
const clock = new ManualClock(Date.UTC(2026, 6, 1));
const query = '{ Media(id: 1) { id } }';
const anilist = () => postGraphql(sim.anilistUrl, query);
const jikan = () => getJson(`${sim.jikanUrl}/anime/1`);

before(async () => {
  sim = await startSimulator({ catalog: await loadCatalog(), clock });
});
after(() => sim.close());
beforeEach(() => {
  sim.configure({ anilistRatePerMinute: 5, anilistHeaderLimit: 90, anilistRetryAfterSeconds: undefined, jikanPerSecond: 3, jikanPerMinute: 60 });
  sim.reset();
});

describe('AniList rate limit', () => {
  test('past the enforced limit: 429 with Retry-After, X-RateLimit-Reset and the AniList body, until the window frees', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await anilist();
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-ratelimit-limit'), '90', 'the header claims more than is enforced');
      remaining.push(res.headers.get('x-ratelimit-remaining')!);
      await clock.advance(10_000);
    }
    assert.deepEqual(remaining, ['89', '88', '87', '86', '85']);

    // 50 s after the first request: it leaves the window 10 s from now.
    const limited = await anilist();
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.json, { data: null, errors: [{ message: 'Too Many Requests.', status: 429 }] });
    assert.equal(limited.headers.get('retry-after'), '10');
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(Number(limited.headers.get('x-ratelimit-reset')), Math.ceil(clock.now() / 1000) + 10);

    await clock.advance(9_000);
    assert.equal((await anilist()).status, 429, 'still inside the window');
    await clock.advance(1_000);
    assert.equal((await anilist()).status, 200, 'the first request has left the window');
    assert.equal((await anilist()).status, 429, 'and only one slot freed');

    const stats = sim.stats().anilist;
    assert.equal(stats.requests, 9);
    assert.equal(stats.rateLimited, 3);
    assert.deepEqual(stats.responses, { '200': 6, '429': 3 });
    assert.equal(stats.peak60s, 8, 'rejected requests count in the peaks: 8 arrived within (0 s, 60 s]');
    assert.equal(stats.peak1s, 2);
  });

  test('anilistRetryAfterSeconds fixes Retry-After; the header limit follows the enforced one by default', async () => {
    sim.configure({ anilistRatePerMinute: 2, anilistHeaderLimit: undefined, anilistRetryAfterSeconds: 45 });
    assert.equal((await anilist()).headers.get('x-ratelimit-limit'), '2');
    await anilist();
    const limited = await anilist();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '45');
  });

  test('270 a minute (the sync bar) is enforced and announced as such', async () => {
    sim.configure({ anilistRatePerMinute: 270, anilistHeaderLimit: undefined });
    const first = await anilist();
    assert.equal(first.headers.get('x-ratelimit-limit'), '270');
    assert.equal(first.headers.get('x-ratelimit-remaining'), '269');
    // The rest of the minute's allowance, spread over 59 s.
    for (let i = 1; i < 270; i++) {
      await clock.advance(200);
      assert.equal((await anilist()).status, 200, `request ${i + 1}`);
    }
    const limited = await anilist();
    assert.equal(limited.status, 429, 'the 271st inside one minute');
    assert.equal(limited.headers.get('x-ratelimit-limit'), '270');
  });

  test('stats over HTTP and reset clear the window', async () => {
    for (let i = 0; i < 6; i++) await anilist();
    const stats = (await getJson(`${sim.url}/__sim/stats`)).json;
    assert.equal(stats.anilist.rateLimited, 1);
    assert.equal(stats.anilist.peak1s, 6);
    assert.match(stats.startedAt, /^\d{4}-\d\d-\d\dT/);
    const reset = await fetch(`${sim.url}/__sim/reset`, { method: 'POST' });
    assert.equal(reset.status, 200);
    assert.equal(sim.stats().anilist.requests, 0);
    assert.equal((await anilist()).status, 200, 'reset emptied the window');
  });
});

describe('Jikan rate limits', () => {
  test('3 per second: the 4th in a second is a 429 with the string status and no Retry-After', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await jikan()).status, 200);
    const limited = await jikan();
    assert.equal(limited.status, 429);
    assert.equal(limited.json.status, '429');
    assert.equal(limited.json.type, 'RateLimitException');
    assert.equal(limited.headers.get('retry-after'), null);
    await clock.advance(1_000);
    assert.equal((await jikan()).status, 200, 'a second later the 1 s window has room');
  });

  test('60 per minute holds too, even when each second stays under 3', async () => {
    sim.configure({ jikanPerMinute: 5 });
    for (let i = 0; i < 5; i++) {
      assert.equal((await jikan()).status, 200);
      await clock.advance(1_000);
    }
    assert.equal((await jikan()).status, 429);
    await clock.advance(55_000);
    assert.equal((await jikan()).status, 200, 'the first request has left the minute window');
    const stats = sim.stats().jikan;
    assert.equal(stats.rateLimited, 1);
    assert.equal(stats.peak1s, 1);
    assert.equal(stats.peak60s, 6);
  });

  test('a burst is counted at arrival, before latency', async () => {
    sim.configure({ latencyMs: 150 });
    try {
      const replies = Promise.all(Array.from({ length: 5 }, jikan));
      // Every answer waits out its latency on the simulator's clock, which stands still here.
      while (clock.pending < 5) await delay(1);
      assert.equal(sim.stats().jikan.peak1s, 5, 'all five counted while none has been answered');
      await clock.advance(150);
      const statuses = (await replies).map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    } finally {
      sim.configure({ latencyMs: 0 });
    }
  });
});
