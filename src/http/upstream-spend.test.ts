import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import { fastGates, followJob } from '../../test/support/ingest-harness.ts';
import type { AcquireOptions, RateGate } from '../upstream/gate/rate-gate.ts';
import { servedRuntimes } from '../../test/support/served-runtime.ts';

const STEINS_GATE = 9253;
const TOKEN = 'a-long-enough-token';
const DAY = 86_400_000;

/** A gate that records the priority every AniList request asked for, over a real one. */
function recordingGate(inner: RateGate) {
  const priorities: (AcquireOptions['priority'] | undefined)[] = [];
  const gate: RateGate = {
    acquire: (options) => {
      priorities.push(options?.priority);
      return inner.acquire(options);
    },
    snapshot: () => inner.snapshot(),
  };
  return { gate, priorities };
}

describe('requests that spend upstream budget are writes', () => {
  const api = servedRuntimes();
  const serve = (env: Record<string, string>, clock: Clock = systemClock, gates: Record<'anilist' | 'jikan', RateGate> = fastGates()) =>
    api.serve({ env, runtime: { clock, gates } });

  test('with a token set, a stale read without it (or with a wrong one) answers stored data and starts nothing; with it, one refresh', async () => {
    let offset = 0;
    const clock: Clock = { now: () => systemClock.now() + offset, sleep: systemClock.sleep };
    const { runtime, server } = await serve({ TSUNAGU_API_TOKEN: TOKEN, TSUNAGU_ENRICH: 'false' }, clock);
    const { job } = await runtime.ingest.requestIngest({ query: String(STEINS_GATE) });
    await followJob(runtime, job.id);
    offset = 31 * DAY;
    api.sim.reset();

    const read = (headers: Record<string, string> = {}) => fetch(`${server.url}/api/anime/${STEINS_GATE}/franchise`, { headers });
    for (const headers of [{}, { authorization: 'Bearer not-the-token' }, { authorization: TOKEN }] as Record<string, string>[]) {
      const response = await read(headers);
      assert.equal(response.status, 200);
      assert.equal((await response.json()).franchise.stale, true);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await runtime.store.jobs.list()).length, 1, 'no refresh job');
    assert.equal(api.sim.stats().anilist.requests, 0, 'nothing asked upstream');

    const allowed = await read({ authorization: `Bearer ${TOKEN}` });
    assert.equal((await allowed.json()).franchise.stale, true, 'served at once, refreshed behind');
    const refresh = (await runtime.store.jobs.list()).filter((j) => j.id !== job.id);
    assert.equal(refresh.length, 1);
    await followJob(runtime, refresh[0]!.id);
    assert.ok(api.sim.stats().anilist.requests > 0);
  });

  test('with no token, stale reads refresh only while the client is under its limit', async () => {
    let offset = 0;
    const clock: Clock = { now: () => systemClock.now() + offset, sleep: systemClock.sleep };
    const { runtime, server } = await serve({ INGEST_RATE_PER_MINUTE: '1', TSUNAGU_ENRICH: 'false' }, clock);
    // The one point of this minute goes to the ingest itself.
    const ingest = await fetch(`${server.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: String(STEINS_GATE) }) });
    assert.equal(ingest.status, 202);
    await followJob(runtime, (await ingest.json()).job.id);
    offset = 31 * DAY;
    const response = await fetch(`${server.url}/api/anime/${STEINS_GATE}/franchise`);
    assert.equal(response.status, 200, 'a read is never refused for the limit');
    assert.equal((await response.json()).franchise.stale, true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await runtime.store.jobs.list()).length, 1, 'over the limit: no refresh');
  });

  test('remote search needs the token when one is set', async () => {
    const { server } = await serve({ TSUNAGU_API_TOKEN: TOKEN });
    const anonymous = await fetch(`${server.url}/api/search?q=gundam&remote=true`);
    assert.equal(anonymous.status, 401);
    const local = await fetch(`${server.url}/api/search?q=gundam`);
    assert.equal(local.status, 200, 'a store search stays open');
    const allowed = await fetch(`${server.url}/api/search?q=gundam&remote=true`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(allowed.status, 200);
    assert.equal((await allowed.json()).remote.ok, true);
  });

  test('40 concurrent anonymous remote searches cost at most the per-client limit in AniList requests; identical ones share one', async () => {
    const anilist = recordingGate(fastGates().anilist);
    const { server } = await serve({}, systemClock, { ...fastGates(), anilist: anilist.gate });
    api.sim.reset();
    const search = (q: string) => fetch(`${server.url}/api/search?q=${encodeURIComponent(q)}&remote=true`);
    const distinct = await Promise.all(Array.from({ length: 40 }, (_, i) => search(`gundam ${i}`)));
    const statuses = distinct.map((r) => r.status);
    await Promise.all(distinct.map((r) => r.arrayBuffer()));
    assert.equal(statuses.filter((s) => s === 200).length, 20, 'INGEST_RATE_PER_MINUTE (20) searches go');
    assert.equal(statuses.filter((s) => s === 429).length, 20);
    assert.ok(api.sim.stats().anilist.requests <= 20, `${api.sim.stats().anilist.requests} AniList requests`);
    assert.ok(anilist.priorities.every((p) => p === 'background'), 'remote search waits below every ingest in the AniList gate');

    const { server: other } = await serve({});
    api.sim.reset();
    const same = await Promise.all(Array.from({ length: 40 }, () => fetch(`${other.url}/api/search?q=Attack%20on%20Titan&remote=true`)));
    assert.deepEqual(new Set(same.map((r) => r.status)), new Set([200]));
    const bodies = await Promise.all(same.map((r) => r.json()));
    assert.ok(bodies.every((b) => b.remote.ok && b.results.length > 0));
    assert.equal(api.sim.stats().anilist.requests, 1, 'one request shared by all 40');
    // Answered a moment ago: reused, and it costs the client nothing.
    const again = await fetch(`${other.url}/api/search?q=attack%20on%20titan&remote=true`);
    assert.equal(again.status, 200);
    assert.equal(api.sim.stats().anilist.requests, 1);
  });
});
