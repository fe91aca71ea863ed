import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from '../../src/clock.ts';
import { ManualClock } from '../support/manual-clock.ts';
import type { GateFeedback, GatePass, Priority, RateGate, RateGateOptions } from '../../src/upstream/gate/rate-gate.ts';

export type MakeGate = (options: RateGateOptions, clock: Clock) => RateGate | Promise<RateGate>;

const base: RateGateOptions = {
  windows: [{ limit: 60, windowMs: 60_000 }],
  maxInFlight: 100,
  rateLimitBackoff: { initialMs: 1_000, maxMs: 8_000 },
  guardMs: 0,
};

/**
 * The behaviour every RateGate must have, registered as node:test tests. Time comes from
 * a ManualClock passed to `makeGate`, so an implementation must take all its time from
 * that clock (the Redis gate computes on it and uses Redis only to order its writes).
 */
export function rateGateConformance(name: string, makeGate: MakeGate, cleanup?: (gate: RateGate) => Promise<void> | void): void {
  describe(`RateGate conformance: ${name}`, () => {
    async function setup(overrides: Partial<RateGateOptions> = {}) {
      const clock = new ManualClock();
      const gate = await makeGate({ ...base, ...overrides }, clock);
      const t0 = clock.now();
      const sent: number[] = [];
      /** Starts `n` callers that each take a pass, note when, and finish it with `feedback`. */
      const callers = (n: number, feedback: GateFeedback = { outcome: 'ok' }, priority?: Priority) =>
        Promise.all(
          Array.from({ length: n }, async () => {
            const pass = await gate.acquire({ priority });
            sent.push(clock.now() - t0);
            pass.finish(feedback);
          }),
        );
      return { clock, gate, sent, callers, done: async () => cleanup?.(gate) };
    }

    function maxInAnyWindow(times: number[], windowMs: number): number {
      let most = 0;
      for (const start of times) most = Math.max(most, times.filter((t) => t >= start && t < start + windowMs).length);
      return most;
    }

    it('holds every window at once and still serves every caller', async () => {
      const { clock, sent, callers, done } = await setup({
        windows: [
          { limit: 3, windowMs: 1_000 },
          { limit: 10, windowMs: 10_000 },
        ],
      });
      const all = callers(25);
      await clock.advance(30_000);
      await all;
      assert.equal(sent.length, 25);
      assert.ok(maxInAnyWindow(sent, 1_000) <= 3, `more than 3 in 1 s: ${sent.join(',')}`);
      assert.ok(maxInAnyWindow(sent, 10_000) <= 10, `more than 10 in 10 s: ${sent.join(',')}`);
      // Both windows bind: the per-second one at the start, the long one afterwards.
      assert.deepEqual(sent.slice(0, 4), [0, 0, 0, 1_000]);
      assert.equal(sent[10], 10_000);
      await done();
    });

    it('sends the burst back to back, then spreads the rest evenly', async () => {
      const { clock, sent, callers, done } = await setup({ windows: [{ limit: 6, windowMs: 6_000, burst: 2 }] });
      const all = callers(6);
      await clock.advance(6_000);
      await all;
      assert.deepEqual(sent, [0, 0, 1_000, 2_000, 3_000, 4_000]);
      await done();
    });

    it('keeps at most maxInFlight passes open', async () => {
      const { clock, gate, done } = await setup({ maxInFlight: 2 });
      const passes: GatePass[] = [];
      const waiting = Array.from({ length: 4 }, () => gate.acquire().then((p) => passes.push(p)));
      await clock.advance(1);
      assert.equal(passes.length, 2);
      assert.equal(gate.snapshot().inFlight, 2);
      passes[0].finish({ outcome: 'ok' });
      passes[0].finish({ outcome: 'ok' }); // a second finish must not free a second slot
      await clock.advance(1);
      assert.equal(passes.length, 3);
      passes[1].finish({ outcome: 'failed' });
      await clock.advance(1);
      await Promise.all(waiting);
      assert.equal(passes.length, 4);
      for (const p of passes) p.finish({ outcome: 'ok' });
      await done();
    });

    it('serves interactive callers before background ones queued earlier', async () => {
      const { clock, gate, done } = await setup({ maxInFlight: 1 });
      const first = await gate.acquire();
      const order: string[] = [];
      const take = (label: string, priority: Priority) =>
        gate.acquire({ priority }).then((p) => {
          order.push(label);
          p.finish({ outcome: 'ok' });
        });
      const all = [take('b1', 'background'), take('b2', 'background'), take('i1', 'interactive')];
      await clock.advance(1);
      first.finish({ outcome: 'ok' });
      await clock.advance(1);
      await Promise.all(all);
      assert.deepEqual(order, ['i1', 'b1', 'b2']);
      await done();
    });

    it('pauses the whole upstream for the Retry-After a 429 names', async () => {
      // One in flight, so the others are queued when the 429 lands.
      const { clock, gate, sent, callers, done } = await setup({ maxInFlight: 1 });
      const pass = await gate.acquire();
      const later = callers(3);
      await clock.advance(10);
      const { pauseMs } = pass.finish({ outcome: 'rate-limited', retryAfterMs: 5_000 });
      assert.ok(pauseMs >= 5_000, `pause ${pauseMs}`);
      assert.notEqual(gate.snapshot().pausedUntil, null);
      const sentBefore = sent.length;
      await clock.advance(4_900);
      assert.equal(sent.length, sentBefore, 'nobody may send during the pause');
      await clock.advance(10_000);
      await later;
      assert.equal(sent.length, 3);
      assert.ok(sent.every((t) => t >= 5_010), `sent during pause: ${sent.join(',')}`);
      await done();
    });

    it('backs off longer after each 429 in a row when the upstream names no wait', async () => {
      const { clock, gate, done } = await setup();
      const pauses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const acquiring = gate.acquire();
        await clock.advance(20_000);
        const pass = await acquiring;
        pauses.push(pass.finish({ outcome: 'rate-limited', retryAfterMs: null }).pauseMs);
      }
      assert.deepEqual(pauses, [1_000, 2_000, 4_000, 8_000, 8_000]);
      const acquiring = gate.acquire();
      await clock.advance(20_000);
      (await acquiring).finish({ outcome: 'ok' });
      const again = gate.acquire();
      await clock.advance(20_000);
      assert.equal((await again).finish({ outcome: 'rate-limited', retryAfterMs: null }).pauseMs, 1_000, 'a success resets the backoff');
      await done();
    });

    it('counts 429s of requests already in flight as the same pause', async () => {
      const { clock, gate, done } = await setup();
      const [a, b] = await Promise.all([gate.acquire(), gate.acquire()]);
      const first = a.finish({ outcome: 'rate-limited', retryAfterMs: null }).pauseMs;
      await clock.advance(100);
      const second = b.finish({ outcome: 'rate-limited', retryAfterMs: null }).pauseMs;
      assert.equal(first, 1_000);
      assert.ok(second <= first, `second 429 of the same burst extended the pause to ${second}`);
      const next = gate.acquire();
      await clock.advance(2_000);
      assert.equal((await next).finish({ outcome: 'rate-limited', retryAfterMs: null }).pauseMs, 2_000);
      await done();
    });

    it('slows to what X-RateLimit-Limit reports, minus headroom, never above the ceiling', async () => {
      const { clock, gate, sent, callers, done } = await setup({ windows: [{ limit: 28, windowMs: 60_000, burst: 3 }] });
      (await gate.acquire()).finish({ outcome: 'ok', limit: 90, remaining: 89 });
      assert.equal(gate.snapshot().ratePerMinute, 28, 'headers above the ceiling do not raise it');
      (await gate.acquire()).finish({ outcome: 'ok', limit: 20, remaining: 18 });
      assert.equal(gate.snapshot().ratePerMinute, 19);
      const all = callers(60, { outcome: 'ok', limit: 20, remaining: 15 });
      await clock.advance(200_000);
      await all;
      assert.ok(maxInAnyWindow(sent, 60_000) <= 19, `more than 19 in a minute: ${maxInAnyWindow(sent, 60_000)}`);
      await done();
    });

    it('slows down when the upstream reports little remaining', async () => {
      const { clock, gate, done } = await setup({ windows: [{ limit: 30, windowMs: 60_000 }] });
      (await gate.acquire()).finish({ outcome: 'ok', limit: 30, remaining: 20 });
      const before = gate.snapshot().ratePerMinute;
      await clock.advance(10_000);
      (await gate.acquire()).finish({ outcome: 'ok', limit: 30, remaining: 0 });
      assert.ok(gate.snapshot().ratePerMinute < before, `${gate.snapshot().ratePerMinute} !< ${before}`);
      await done();
    });

    it('after a 429 paces below what was sent, then climbs back slowly, never above the ceiling', async () => {
      const { clock, gate, callers, done } = await setup({ windows: [{ limit: 60, windowMs: 60_000 }] });
      await Promise.all([callers(40), clock.advance(1)]);
      (await gate.acquire()).finish({ outcome: 'rate-limited', retryAfterMs: 1_000 });
      const cut = gate.snapshot().ratePerMinute;
      assert.ok(cut < 40, `after a 429 at 41 sent the pace is ${cut}/min`);
      let previous = cut;
      let minutes = 0;
      for (; previous < 60 && minutes < 200; minutes++) {
        const pass = gate.acquire();
        await clock.advance(61_000);
        (await pass).finish({ outcome: 'ok' });
        const now = gate.snapshot().ratePerMinute;
        assert.ok(now >= previous && now - previous <= 60 * 0.1 && now <= 60, `minute ${minutes}: ${previous} -> ${now}`);
        previous = now;
      }
      assert.equal(previous, 60, 'back to the ceiling after a quiet while');
      assert.ok(minutes >= 20, `back at the ceiling after only ${minutes} quiet minutes`);
      await done();
    });

    it('after a 429 that came after few requests, halves for a while and recovers sooner', async () => {
      const { clock, gate, done } = await setup({ windows: [{ limit: 60, windowMs: 60_000 }] });
      (await gate.acquire()).finish({ outcome: 'rate-limited', retryAfterMs: 1_000 });
      assert.equal(gate.snapshot().ratePerMinute, 30);
      let minutes = 0;
      for (; gate.snapshot().ratePerMinute < 60 && minutes < 200; minutes++) {
        const pass = gate.acquire();
        await clock.advance(61_000);
        (await pass).finish({ outcome: 'ok' });
      }
      assert.ok(minutes <= 10, `took ${minutes} quiet minutes`);
      await done();
    });

    it('starts at the start pace, then follows X-RateLimit-Limit up to the ceiling', async () => {
      const { gate, done } = await setup({ windows: [{ limit: 90, windowMs: 60_000, burst: 3, start: 28 }] });
      assert.equal(gate.snapshot().ratePerMinute, 28, 'no header yet: the start pace');
      (await gate.acquire()).finish({ outcome: 'ok', limit: 90, remaining: 89 });
      assert.equal(gate.snapshot().ratePerMinute, 85, '90 announced, minus headroom');
      (await gate.acquire()).finish({ outcome: 'ok', limit: 500, remaining: 400 });
      assert.equal(gate.snapshot().ratePerMinute, 90, 'never above the ceiling');
      (await gate.acquire()).finish({ outcome: 'ok', limit: 30, remaining: 20 });
      assert.equal(gate.snapshot().ratePerMinute, 28, 'degraded mode announced');
      await done();
    });

    it('sends back to back while the upstream reports plenty remaining, at most the start pace per window', async () => {
      const { clock, gate, sent, callers, done } = await setup({ windows: [{ limit: 90, windowMs: 60_000, burst: 1, start: 28 }] });
      (await gate.acquire()).finish({ outcome: 'ok', limit: 90, remaining: 89 });
      const all = callers(40, { outcome: 'ok', limit: 90, remaining: 80 });
      await clock.advance(60_000);
      await all;
      assert.equal(sent.filter((t) => t === 0).length, 27, `sent at once: ${sent.join(',')}`);
      const paced = sent.slice(27);
      for (let i = 1; i < paced.length; i++) assert.ok(paced[i] - paced[i - 1] >= 700, `paced at 85/min after the burst: ${paced.join(',')}`);
      assert.ok(maxInAnyWindow([0, ...sent], 60_000) <= 85);
      await done();
    });

    it('does not burst when little remains, nor after a 429 showed the headers overstate', async () => {
      const { clock, gate, sent, callers, done } = await setup({ windows: [{ limit: 90, windowMs: 60_000, burst: 1, start: 90 }] });
      (await gate.acquire()).finish({ outcome: 'ok', limit: 90, remaining: 9 });
      const few = callers(3, { outcome: 'ok', limit: 90, remaining: 9 });
      await clock.advance(5_000);
      await few;
      assert.ok(sent[1] - sent[0] >= 700 && sent[2] - sent[1] >= 700, `9 of 90 remaining: no burst: ${sent.join(',')}`);
      await clock.advance(60_000);
      (await gate.acquire()).finish({ outcome: 'rate-limited', retryAfterMs: 1_000 });
      await clock.advance(61_000);
      sent.length = 0;
      const after = callers(3, { outcome: 'ok', limit: 90, remaining: 80 });
      await clock.advance(20_000);
      await after;
      assert.ok(sent[1] > sent[0] && sent[2] > sent[1], `burst after a 429: ${sent.join(',')}`);
      await done();
    });

    it('with learnFromRateLimits off, every 429 halves the pace, and quiet minutes climb it back to the ceiling', async () => {
      const { clock, gate, callers, done } = await setup({ windows: [{ limit: 60, windowMs: 60_000 }], learnFromRateLimits: false });
      await Promise.all([callers(40), clock.advance(1)]);
      const { pauseMs } = (await gate.acquire()).finish({ outcome: 'rate-limited', retryAfterMs: null });
      assert.equal(pauseMs, 1_000);
      assert.equal(gate.snapshot().ratePerMinute, 30, 'halved, although 40 were accepted: a fixed limit teaches nothing');
      const next = gate.acquire();
      await clock.advance(61_000);
      (await next).finish({ outcome: 'rate-limited', retryAfterMs: null });
      assert.equal(gate.snapshot().ratePerMinute, 15, 'halved again by the next pause');
      let previous = 15;
      let minutes = 0;
      for (; previous < 60 && minutes < 100; minutes++) {
        const pass = gate.acquire();
        await clock.advance(61_000);
        (await pass).finish({ outcome: 'ok' });
        const now = gate.snapshot().ratePerMinute;
        assert.ok(now >= previous && now - previous <= 3 + 1e-9 && now <= 60, `minute ${minutes}: ${previous} -> ${now}`);
        previous = now;
      }
      assert.equal(previous, 60, 'back at the ceiling');
      assert.ok(minutes >= 15, `climbed 15 -> 60/min in only ${minutes} quiet minutes`);
      await done();
    });

    it('following the upstream: X-RateLimit-Limit raises the ceiling past the configured one, minus headroom', async () => {
      const { gate, done } = await setup({ windows: [{ limit: 90, windowMs: 60_000, burst: 3, start: 28, followAnnounced: true }] });
      assert.equal(gate.snapshot().ratePerMinute, 28, 'no header yet: the start pace');
      (await gate.acquire()).finish({ outcome: 'ok', limit: 270, remaining: 269 });
      assert.equal(gate.snapshot().ratePerMinute, 256, '270 announced, minus headroom');
      (await gate.acquire()).finish({ outcome: 'ok', limit: 30, remaining: 20 });
      assert.equal(gate.snapshot().ratePerMinute, 28, 'degraded mode announced');
      (await gate.acquire()).finish({ outcome: 'ok', limit: 500, remaining: 400 });
      assert.equal(gate.snapshot().ratePerMinute, 475);
      await done();
    });

    it('following the upstream: headers that overstate cost one 429, then the pace is what was accepted', async () => {
      const { clock, gate, sent, callers, done } = await setup({ windows: [{ limit: 90, windowMs: 60_000, burst: 3, start: 28, followAnnounced: true }] });
      (await gate.acquire()).finish({ outcome: 'ok', limit: 10_000, remaining: 9_999 });
      assert.equal(gate.snapshot().ratePerMinute, 9_500);
      // The upstream really takes 90 a minute: the 91st in one minute is refused.
      const all = callers(89, { outcome: 'ok', limit: 10_000, remaining: 9_000 });
      await clock.advance(30_000);
      await all;
      (await gate.acquire()).finish({ outcome: 'rate-limited', retryAfterMs: 30_000 });
      const learnt = gate.snapshot().ratePerMinute;
      assert.ok(learnt >= 80 && learnt <= 90, `after a 429 at 90 accepted the pace is ${learnt}/min`);
      sent.length = 0;
      const later = callers(120, { outcome: 'ok', limit: 10_000, remaining: 9_000 });
      await clock.advance(120_000);
      await later;
      assert.ok(maxInAnyWindow(sent, 60_000) <= 90, `${maxInAnyWindow(sent, 60_000)} in a minute after the lesson`);
      await done();
    });

    it('rejects a queued caller promptly when its signal aborts, and serves the rest', async () => {
      const { clock, gate, sent, callers, done } = await setup({ maxInFlight: 1 });
      const held = await gate.acquire();
      const abort = new AbortController();
      const cancelled = gate.acquire({ signal: abort.signal });
      const others = callers(2);
      abort.abort(new Error('user went away'));
      await assert.rejects(cancelled, /user went away/);
      assert.equal(gate.snapshot().queued, 2);
      held.finish({ outcome: 'ok' });
      await clock.advance(1);
      await others;
      assert.equal(sent.length, 2);
      await assert.rejects(gate.acquire({ signal: AbortSignal.abort(new Error('already')) }), /already/);
      await done();
    });
  });
}
