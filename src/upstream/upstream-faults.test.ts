import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { loadCatalog, type Catalog } from '../catalog/catalog.ts';
import { systemClock } from '../clock.ts';
import { startSimulator, type RunningSimulator } from '../sim/simulator.ts';
import type { FetchMediaResult } from './anilist/anilist-client.ts';
import { MemoryRateGate } from './gate/memory-rate-gate.ts';
import type { JikanFull } from './jikan/jikan-client.ts';
import { ROOMY_GATE, simUpstreams } from '../../test/support/sim-upstreams.ts';
import { UpstreamError, type UpstreamName } from './upstream-error.ts';

// 20% of requests fail, every request fault kind in equal parts; every content fault on every entry.
const FAULTS = ['429', 'storm', '500', '502', '504', 'html403', 'hang', 'truncate'].map((k) => `${k}=0.025${k === 'storm' ? ':1' : ''}`).join(',') + ',script=1,casing=1,label=1';
// Long enough that a loaded machine does not time out real answers; hangs still end in seconds.
const TIMEOUT_MS = 1_500;
const CALLS = 60;

/** Asserts a failure is the typed error a caller can act on: which upstream, which status (null only without a response). */
function assertTyped(error: unknown, upstream: UpstreamName): asserts error is UpstreamError {
  assert.ok(error instanceof UpstreamError, `untyped failure: ${error}`);
  assert.equal(error.upstream, upstream);
  assert.ok(error.request.includes('http://127.0.0.1:'));
  if (['timeout', 'network', 'aborted'].includes(error.kind)) assert.equal(error.status, null);
  else assert.ok(Number.isInteger(error.status), `${error.kind} without a status`);
}

describe('faults: every call ends in data or a typed error; nothing hangs', () => {
  let catalog: Catalog;
  let sim: RunningSimulator;

  before(async () => {
    catalog = await loadCatalog();
    sim = await startSimulator({ catalog, faults: FAULTS, seed: 11, anilistRatePerMinute: 100_000, jikanPerSecond: 1000, jikanPerMinute: 100_000 });
  });
  after(() => sim.close());

  async function callBoth(retries: number) {
    sim.reset();
        // Storms last 1 s; a 429 pause as short as the roomy gate's would spend every retry inside one.
    const gate = () => new MemoryRateGate({ ...ROOMY_GATE, rateLimitBackoff: { initialMs: 600, maxMs: 2_000 } }, systemClock);
    const upstreams = simUpstreams(sim, { upstreamRetries: retries, upstreamRateLimitRetries: retries === 0 ? 0 : 10, upstreamTimeoutMs: TIMEOUT_MS }, { gates: { anilist: gate(), jikan: gate() } });
    const anilistIds = [...catalog.media.keys()].slice(0, CALLS);
    const malIds = [...catalog.mal.keys()].slice(0, CALLS);
    const [anilist, jikan] = await Promise.all([
      Promise.all(anilistIds.map((id) => upstreams.anilist.fetchMedia([id]))),
      Promise.allSettled(malIds.map((id) => upstreams.jikan.fetchFull(id))),
    ]);
    return { anilist, jikan, stats: sim.stats() };
  }

  function check(anilist: FetchMediaResult[], jikan: PromiseSettledResult<JikanFull | null>[]) {
    const errors: UpstreamError[] = [];
    for (const result of anilist) {
      assert.equal(result.entries.size + result.failed.length, 1, 'one entry or one failed batch per call');
      for (const { error } of result.failed) {
        assertTyped(error, 'anilist');
        errors.push(error);
      }
      for (const { anime } of result.entries.values()) assert.doesNotMatch(anime.description ?? '', /[<>]|__xss/);
    }
    for (const outcome of jikan) {
      if (outcome.status === 'rejected') {
        assertTyped(outcome.reason, 'jikan');
        errors.push(outcome.reason);
      } else {
        assert.ok(outcome.value, 'every MAL id asked for exists');
        for (const r of outcome.value.relations) assert.match(r.type, /^[A-Z_]+$/);
      }
    }
    return errors;
  }

  it('with retries, nearly every call ends in data despite one request in five failing', { timeout: 60_000 }, async () => {
    const { anilist, jikan, stats } = await callBoth(4);
    const errors = check(anilist, jikan);
    assert.ok(stats.anilist.requests + stats.jikan.requests > CALLS * 2 * 1.1, 'faults were served and retried');
    assert.ok(errors.length <= 2, `${errors.length} calls failed after retries: ${errors.map((e) => e.message).join('; ')}`);
  });

  it('without retries, each failure names its upstream and status, and hangs end as timeouts', { timeout: 60_000 }, async () => {
    const { anilist, jikan } = await callBoth(0);
    const errors = check(anilist, jikan);
    assert.ok(errors.length >= CALLS * 2 * 0.08, `only ${errors.length} failures`);
  });

  // Each kind alone, so the error it becomes is checked exactly (in the mix above chance decides which appear).
  const EXPECTED: Record<string, Record<UpstreamName, [UpstreamError['kind'], number | null]>> = {
    '429': { anilist: ['rate-limited', 429], jikan: ['rate-limited', 429] },
    'storm=1:1': { anilist: ['rate-limited', 429], jikan: ['rate-limited', 429] },
    '500': { anilist: ['http', 500], jikan: ['http', 500] },
    '502': { anilist: ['http', 502], jikan: ['http', 502] },
    '504': { anilist: ['http', 504], jikan: ['http', 504] },
    html403: { anilist: ['parse', 403], jikan: ['parse', 403] },
    hang: { anilist: ['timeout', null], jikan: ['timeout', null] },
    truncate: { anilist: ['parse', 200], jikan: ['parse', 200] },
  };
  for (const [fault, expected] of Object.entries(EXPECTED)) {
    it(`${fault.replace(/=.*/, '')} on every request: retried once, then a typed, retryable error`, { timeout: 20_000 }, async () => {
      const faulty = await startSimulator({ catalog, faults: fault.includes('=') ? fault : `${fault}=1` });
      try {
        const { anilist, jikan, requestCounts } = simUpstreams(faulty, { upstreamRetries: 1, upstreamRateLimitRetries: 1, upstreamTimeoutMs: TIMEOUT_MS });
        const [aniResult, jikanResult] = await Promise.all([anilist.fetchMedia([16498]), jikan.fetchFull(16498).catch((e: unknown) => e)]);
        const errors: Record<UpstreamName, unknown> = { anilist: aniResult.failed[0]?.error, jikan: jikanResult };
        for (const upstream of ['anilist', 'jikan'] as const) {
          const error = errors[upstream];
          assertTyped(error, upstream);
          assert.deepEqual([error.kind, error.status, error.retryable, error.attempts], [...expected[upstream], true, 2], `${upstream}: ${error.message}`);
        }
        assert.deepEqual(requestCounts(), { anilist: 2, jikan: 2 });
      } finally {
        await faulty.close();
      }
    });
  }

  it('cancellation ends in-flight and queued calls at once with kind aborted', { timeout: 20_000 }, async () => {
    const hanging = await startSimulator({ catalog, faults: 'hang=1' });
    after(() => hanging.close());
    // Two in flight per upstream, so two of the four calls wait in each gate. The timeout is far away: only the abort can end them.
    const twoAtOnce = () => new MemoryRateGate({ ...ROOMY_GATE, maxInFlight: 2 }, systemClock);
    const upstreams = simUpstreams(hanging, { upstreamTimeoutMs: 300_000 }, { gates: { anilist: twoAtOnce(), jikan: twoAtOnce() } });
    const abort = new AbortController();
    const calls = [
      ...[16498, 80, 1, 5].map((id) => upstreams.anilist.fetchMedia([id], { signal: abort.signal })),
      ...[16498, 80, 1, 5].map((id) => upstreams.jikan.fetchFull(id, { signal: abort.signal })),
    ];
    while (hanging.stats().anilist.requests + hanging.stats().jikan.requests < 4) await delay(5);
    abort.abort();
    const outcomes = await Promise.allSettled(calls);
    for (const [i, outcome] of outcomes.entries()) {
      assert.equal(outcome.status, 'rejected');
      assertTyped((outcome as PromiseRejectedResult).reason, i < 4 ? 'anilist' : 'jikan');
      assert.equal(((outcome as PromiseRejectedResult).reason as UpstreamError).kind, 'aborted');
    }
    assert.deepEqual([hanging.stats().anilist.requests, hanging.stats().jikan.requests], [2, 2], 'queued calls never went out');
    assert.equal(upstreams.gates.anilist.snapshot().inFlight, 0);
    assert.equal(upstreams.gates.jikan.snapshot().queued, 0);
  });
});
