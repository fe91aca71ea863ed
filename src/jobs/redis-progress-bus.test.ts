import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { ProgressEvent } from '../ingest/progress-event.ts';
import { silentLogger } from '../log.ts';
import { openRedis, redisKey } from '../redis/redis-connection.ts';
import { redisTarget } from '../../test/support/service-targets.ts';
import { progressBusConformance } from '../../test/conformance/progress-bus-conformance.ts';
import { RedisProgressBus } from './redis-progress-bus.ts';

const target = await redisTarget();
let redis: Redis;
before(() => {
  redis = openRedis(target.url, silentLogger, 'bus-test');
});
after(async () => {
  await target.cleanup();
  redis.disconnect();
});

if (target.skip) {
  test(`RedisProgressBus: skipped, ${target.skip}`, { skip: target.skip }, () => {});
} else {
  progressBusConformance('redis', () => new RedisProgressBus({ redis, prefix: target.prefix }));

  describe('RedisProgressBus', () => {
    const progress = (bus: RedisProgressBus, jobId: string, done: number) =>
      bus.publish({ jobId, type: 'progress', progress: { phase: 'enrichment', done, total: 9, failed: 0, etaMs: 10 } });

    async function waitFor(condition: () => boolean, what: string): Promise<void> {
      for (let i = 0; !condition(); i++) {
        if (i > 400) throw new Error(`timed out waiting for ${what}`);
        await delay(5);
      }
    }

    test("an API replica's reader sees a worker's events live, and resumes after the last seq it saw", async () => {
      const worker = new RedisProgressBus({ redis, prefix: target.prefix });
      const api = new RedisProgressBus({ redis, prefix: target.prefix });
      const seen: ProgressEvent[] = [];
      const stop = await api.subscribe('job-across', 0, (e) => seen.push(e));
      await progress(worker, 'job-across', 1);
      await progress(worker, 'job-across', 2);
      await waitFor(() => seen.length === 2, 'two events from the other process');
      stop();
      assert.deepEqual(seen.map((e) => e.type === 'progress' && e.progress.done), [1, 2]);
      // The reader disconnected after seq 1 and comes back with Last-Event-ID 1.
      await worker.publish({ jobId: 'job-across', type: 'state', status: 'succeeded', franchiseId: 3 });
      const resumed: number[] = [];
      (await api.subscribe('job-across', 1, (e) => resumed.push(e.seq)))();
      assert.deepEqual(resumed, [2, 3]);
      await Promise.all([worker.close(), api.close()]);
    });

    test('keeps only the last `capacity` events; numbering goes on', async () => {
      const bus = new RedisProgressBus({ redis, prefix: target.prefix, capacity: 3 });
      for (let i = 1; i <= 7; i++) await progress(bus, 'capped', i);
      const seen: number[] = [];
      (await bus.subscribe('capped', 0, (e) => seen.push(e.seq)))();
      assert.deepEqual(seen, [5, 6, 7]);
      assert.equal((await progress(bus, 'capped', 8)).seq, 8);
      await bus.close();
    });

    test('a finished job is kept for retainMs, a running one far longer', async () => {
      const bus = new RedisProgressBus({ redis, prefix: target.prefix, retainMs: 5_000 });
      await progress(bus, 'ends', 1);
      const history = redisKey(target.prefix, 'progress', 'ends', 'events');
      assert.ok((await redis.pttl(history)) > 60_000, 'a running job is not dropped soon');
      await bus.publish({ jobId: 'ends', type: 'state', status: 'failed', franchiseId: null });
      const ttl = await redis.pttl(history);
      assert.ok(ttl > 0 && ttl <= 5_000, `history expires in ${ttl} ms`);
      assert.ok((await redis.pttl(redisKey(target.prefix, 'progress', 'ends', 'seq'))) <= 5_000);
      await bus.close();
    });

    test('readers that leave unsubscribe; nothing is left listening', async () => {
      const bus = new RedisProgressBus({ redis, prefix: target.prefix });
      const stops = await Promise.all(Array.from({ length: 5 }, (_, i) => bus.subscribe(`ghost-${i % 2}`, 0, () => {})));
      assert.equal(bus.subscriptionCount, 5);
      for (const stop of stops) stop();
      stops[0]!(); // a second call is harmless
      assert.equal(bus.subscriptionCount, 0);
      const channels = async () => (await redis.pubsub('CHANNELS', `${target.prefix}:progress:ghost-*`)) as string[];
      for (let i = 0; (await channels()).length > 0; i++) {
        assert.ok(i < 100, 'channels still subscribed');
        await delay(10);
      }
      await bus.close();
    });

    test('rejects options out of range with the option named, and publishing after close', async () => {
      assert.throws(() => new RedisProgressBus({ redis, prefix: 'p', capacity: 0 }), /`capacity`.*got `0`/);
      assert.throws(() => new RedisProgressBus({ redis, prefix: 'p', retainMs: Number.NaN }), /`retainMs`/);
      const bus = new RedisProgressBus({ redis, prefix: target.prefix });
      await bus.close();
      await assert.rejects(progress(bus, 'late', 1), /closed/);
    });
  });
}
