import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { silentLogger } from '../../log.ts';
import { openRedis, redisKey } from '../../redis/redis-connection.ts';
import { redisTarget } from '../../../test/support/service-targets.ts';
import { ManualClock } from '../../../test/support/manual-clock.ts';
import type { GatePass, RateGateOptions } from './rate-gate.ts';
import { rateGateConformance } from '../../../test/conformance/rate-gate-conformance.ts';
import { RedisRateGate, type RedisRateGateOptions } from './redis-rate-gate.ts';

const target = await redisTarget();
let redis: Redis;
let n = 0;

before(() => {
  redis = openRedis(target.url, silentLogger, 'gate-test');
});
after(async () => {
  await target.cleanup();
  redis.disconnect();
});

/** A gate on the run's own key; with a ManualClock, time waits for its Redis round trips. */
function makeGate(options: RateGateOptions, clock: ManualClock, settings: Partial<RedisRateGateOptions> = {}): RedisRateGate {
  const gate = new RedisRateGate(redis, options, { key: redisKey(target.prefix, 'gate', ++n), clock, ...settings });
  clock.waitFor(() => gate.whenIdle());
  return gate;
}

if (target.skip) {
  it(`RedisRateGate: skipped, ${target.skip}`, { skip: target.skip }, () => {});
} else {
  rateGateConformance(
    'RedisRateGate',
    (options, clock) => makeGate(options, clock as ManualClock),
    (gate) => (gate as RedisRateGate).close(),
  );

  describe('RedisRateGate: processes sharing one budget', () => {
    const base: RateGateOptions = {
      windows: [{ limit: 60, windowMs: 60_000 }],
      maxInFlight: 100,
      rateLimitBackoff: { initialMs: 1_000, maxMs: 8_000 },
      guardMs: 0,
    };

    /** Two gates on one key, as two processes would hold them, on one manual clock. */
    function pair(overrides: Partial<RateGateOptions> = {}, settings: Partial<RedisRateGateOptions> = {}) {
      const clock = new ManualClock();
      const key = redisKey(target.prefix, 'shared', ++n);
      const options = { ...base, ...overrides };
      const gates = [makeGate(options, clock, { key, ...settings }), makeGate(options, clock, { key, ...settings })] as const;
      const t0 = clock.now();
      const sent: { gate: number; at: number }[] = [];
      const callers = (gate: 0 | 1, count: number) =>
        Promise.all(
          Array.from({ length: count }, async () => {
            const pass = await gates[gate].acquire();
            sent.push({ gate, at: clock.now() - t0 });
            pass.finish({ outcome: 'ok' });
          }),
        );
      return { clock, gates, sent, callers, close: () => Promise.all(gates.map((g) => g.close())) };
    }

    const most = (times: number[], windowMs: number) =>
      Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t < start + windowMs).length));

    it('holds every window over both together, and serves both', async () => {
      const { clock, sent, callers, close } = pair({
        windows: [
          { limit: 3, windowMs: 1_000 },
          { limit: 10, windowMs: 10_000 },
        ],
      });
      const all = Promise.all([callers(0, 12), callers(1, 12)]);
      await clock.advance(30_000);
      await all;
      const times = sent.map((s) => s.at);
      assert.equal(sent.length, 24);
      assert.ok(most(times, 1_000) <= 3, `more than 3 in 1 s: ${times.join(',')}`);
      assert.ok(most(times, 10_000) <= 10, `more than 10 in 10 s: ${times.join(',')}`);
      assert.equal(times[20], 20_000, 'the shared 10 s window binds: the 21st request waits two windows');
      assert.ok(sent.some((s) => s.gate === 0) && sent.some((s) => s.gate === 1));
      await close();
    });

    it("holds the in-flight cap across processes, and a 429 seen by one pauses the other", async () => {
      const { clock, gates, sent, callers, close } = pair({ maxInFlight: 1 });
      const pass = await gates[0].acquire();
      const others = callers(1, 3);
      await clock.advance(1_000);
      assert.equal(sent.length, 0, "the other process waits for the first one's open request");
      pass.finish({ outcome: 'rate-limited', retryAfterMs: 5_000 });
      await clock.advance(3_000);
      assert.equal(sent.length, 0, 'nothing is sent during the pause');
      await clock.advance(10_000);
      await others;
      assert.equal(sent.length, 3);
      assert.ok(sent.every((s) => s.at >= 6_000), `sent during the pause: ${sent.map((s) => s.at).join(',')}`);
      assert.ok(gates[1].snapshot().ratePerMinute < 60, 'the pace learnt from the 429 is shared');
      await close();
    });

    it("frees a dead process's in-flight slot once its pass lapses", async () => {
      const { clock, gates, close } = pair({ maxInFlight: 1 }, { passLapseMs: 5_000 });
      // Process 0 takes the only slot and dies: never finishes.
      const lost: GatePass = await gates[0].acquire();
      assert.ok(lost);
      let got: number | null = null;
      const waiting = gates[1].acquire().then((pass) => {
        got = clock.now();
        pass.finish({ outcome: 'ok' });
      });
      const t0 = clock.now();
      await clock.advance(4_900);
      assert.equal(got, null);
      await clock.advance(1_000);
      await waiting;
      assert.ok(got! - t0 >= 5_000, `slot freed after ${got! - t0} ms`);
      await close();
    });
  });

  it('RedisRateGate: rejects settings out of range, naming them', () => {
    const clock = new ManualClock();
    const options: RateGateOptions = { windows: [{ limit: 1, windowMs: 1_000 }], maxInFlight: 1, rateLimitBackoff: { initialMs: 0, maxMs: 0 }, guardMs: 0 };
    assert.throws(() => new RedisRateGate(redis, options, { key: 'k', clock, passLapseMs: 10 }), /`passLapseMs`.*got `10`/);
    assert.throws(() => new RedisRateGate(redis, options, { key: 'k', clock, pollMs: Number.NaN }), /`pollMs`/);
    assert.throws(() => new RedisRateGate(redis, { ...options, maxInFlight: 0 }, { key: 'k', clock }), /`maxInFlight`/);
  });
}
