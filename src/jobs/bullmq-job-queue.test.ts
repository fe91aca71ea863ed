import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { silentLogger } from '../log.ts';
import { openRedis, redisKey } from '../redis/redis-connection.ts';
import { postgresTarget, redisTarget } from '../../test/support/service-targets.ts';
import { createStore } from '../store/store.ts';
import { BullMqJobQueue } from './bullmq-job-queue.ts';
import { jobQueueConformance } from '../../test/conformance/job-queue-conformance.ts';

const redis = await redisTarget();
const postgres = await postgresTarget();
const skip = redis.skip ?? postgres.skip;
const connections: Redis[] = [];
let n = 0;

after(async () => {
  for (const connection of connections) connection.disconnect();
  await redis.cleanup();
  await postgres.cleanup();
});

if (skip) {
  test(`BullMQ queue: skipped, ${skip}`, { skip }, () => {});
} else {
  jobQueueConformance('BullMQ queue on PostgreSQL', async () => {
    const store = await createStore(await postgres.freshUrl(), { migrate: true });
    const connection = openRedis(redis.url, silentLogger, 'queue-test');
    connections.push(connection);
    const prefix = redisKey(redis.prefix, `bull${++n}`);
    return {
      jobs: store.jobs,
    db: store.db,
      open: async (options) => new BullMqJobQueue(store.jobs, { connection, prefix, ...options }),
      close: async () => {
        connection.disconnect();
        await store.close();
      },
    };
  });

  test('BullMQ queue: a job the table holds but BullMQ lost is found by the sweep and run', async () => {
    const store = await createStore(await postgres.freshUrl(), { migrate: true });
    const connection = openRedis(redis.url, silentLogger, 'queue-test');
    connections.push(connection);
    const prefix = redisKey(redis.prefix, `bull${++n}`);
    // Queued straight in the table: as if the process that inserted it died before telling BullMQ.
    const { job } = await store.jobs.create({ kind: 'ingest', dedupeKey: 'k:lost', payload: {} });
    const queue = new BullMqJobQueue(store.jobs, { connection, prefix, leaseMs: 1_000 });
    const ran: string[] = [];
    queue.start({
      async run(j) {
        ran.push(j.id);
        return { status: 'succeeded' };
      },
    });
    for (let i = 0; (await store.jobs.get(job.id))?.status !== 'succeeded'; i++) {
      assert.ok(i < 500, 'the lost job never ran');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(ran, [job.id]);
    await queue.close();
    connection.disconnect();
    await store.close();
  });

  test('BullMQ queue: one sweep hands BullMQ every queued job the table holds, past the first page', async () => {
    const store = await createStore(await postgres.freshUrl(), { migrate: true });
    const connection = openRedis(redis.url, silentLogger, 'queue-test');
    connections.push(connection);
    const prefix = redisKey(redis.prefix, `bull${++n}`);
    // More than a page of jobs, all lost by BullMQ (inserted straight into the table).
    const total = 520;
    for (let i = 0; i < total; i++) await store.jobs.create({ kind: 'ingest', dedupeKey: `k:backlog:${i}`, payload: {} });
    // One sweep only (the next is a minute away), and a worker that holds its one job.
    const queue = new BullMqJobQueue(store.jobs, { connection, prefix, leaseMs: 30_000, sweepMs: 60_000, concurrency: 1 });
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    queue.start({
      async run(_job, context) {
        await Promise.race([hold, new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }))]);
        return { status: 'cancelled' };
      },
    });
    const bull = new Queue('ingest', { connection, prefix });
    try {
      for (let i = 0; ; i++) {
        const counts = await bull.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        const held = Object.values(counts).reduce((a, b) => a + b, 0);
        if (held === total) break;
        assert.ok(i < 300, `BullMQ holds ${held} of ${total} jobs after the sweep`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      release();
      await bull.close();
      await queue.close();
      connection.disconnect();
      await store.close();
    }
  });

  test('BullMQ queue: options are checked with a message naming them', () => {
    const options = { connection: {} as Redis, prefix: 'p' };
    assert.throws(() => new BullMqJobQueue({} as never, { ...options, concurrency: 0 }), /`concurrency`.*1-64.*got `0`/);
    assert.throws(() => new BullMqJobQueue({} as never, { ...options, leaseMs: Number.NaN }), /`leaseMs`/);
    assert.throws(() => new BullMqJobQueue({} as never, { ...options, sweepMs: 1 }), /`sweepMs`/);
  });
}
