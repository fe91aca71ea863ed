import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { loadCatalog, type Catalog } from '../../src/catalog/catalog.ts';
import { loadConfig } from '../../src/config/config.ts';
import { silentLogger } from '../../src/log.ts';
import { openRedis, redisKey } from '../../src/redis/redis-connection.ts';
import { RedisPaceStore } from '../../src/redis/redis-pace-store.ts';
import { postgresTarget, redisTarget } from '../support/service-targets.ts';
import { createRuntime } from '../../src/runtime.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import type { PaceStore } from '../../src/upstream/gate/pace-memory.ts';

const redis = await redisTarget();
const postgres = await postgresTarget();
const dir = mkdtempSync(join(tmpdir(), 'tsunagu-pace-'));
let files = 0;
const sqliteUrl = () => `sqlite:${join(dir, `pace-${++files}.sqlite`)}`;
const opened: { close(): unknown }[] = [];
let redisClient: Redis | undefined;

after(async () => {
  for (const thing of opened.reverse()) await thing.close();
  redisClient?.disconnect();
  await redis.cleanup();
  await postgres.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function openStore(url: string): Promise<Store> {
  const store = await createStore(url, { migrate: true });
  opened.push(store);
  return store;
}

const backends: { name: string; skip?: string; open(): Promise<PaceStore> }[] = [
  { name: 'the SQLite store', open: async () => (await openStore(sqliteUrl())).gatePaces },
  { name: 'the PostgreSQL store', skip: postgres.skip, open: async () => (await openStore(await postgres.freshUrl())).gatePaces },
  {
    name: 'Redis',
    skip: redis.skip,
    open: async () => new RedisPaceStore((redisClient ??= openRedis(redis.url, silentLogger, 'pace-test')), `${redis.prefix}-${++files}`),
  },
];

describe('PaceStore: what a gate learnt is read back as it was written, per upstream', () => {
  for (const backend of backends) {
    it(`on ${backend.name}`, { skip: backend.skip }, async () => {
      const paces = await backend.open();
      assert.equal(await paces.load('jikan'), null, 'nothing kept yet');
      const first = { pace: 0.5, learned: 1, ceiling: 60, changedAt: 1_700_000_000_123 };
      await paces.save('jikan', first);
      assert.deepEqual(await paces.load('jikan'), first);
      const second = { pace: 0.316, learned: 0.316, ceiling: 270, changedAt: 1_700_000_060_000 };
      await paces.save('jikan', second);
      assert.deepEqual(await paces.load('jikan'), second, 'the latest replaces the earlier');
      assert.equal(await paces.load('anilist'), null, 'each upstream has its own');
    });
  }
});

describe('a run that met 429s leaves the next run starting at the pace it learnt', () => {
  let catalog: Catalog;
  let sim: RunningSimulator;

  before(async () => {
    catalog = await loadCatalog();
    // Jikan limited to 1/s, below its published 3/s, as when MyAnimeList limits it.
    sim = await startSimulator({ catalog, latencyMs: 0, jitterMs: 0, jikanPerSecond: 1, jikanPerMinute: 60 });
  });
  after(() => sim?.close());

  /** One run: a few Jikan calls, then close; what the gate ended at. */
  async function run(overrides: Parameters<typeof loadConfig>[1], calls: number) {
    const config = loadConfig({}, { anilistUrl: sim.anilistUrl, jikanUrl: sim.jikanUrl, upstreamJitterMs: 0, ...overrides });
    const runtime = await createRuntime(config, silentLogger, { worker: false });
    const startedAt = runtime.upstreams.gates.jikan.snapshot().ratePerMinute;
    const ids = [...catalog.mal.keys()].slice(0, calls);
    const results = await Promise.all(ids.map((id) => runtime.upstreams.jikan.fetchFull(id, { priority: 'background' })));
    assert.equal(results.filter((r) => r !== null).length, calls, 'every call still completes');
    const endedAt = runtime.upstreams.gates.jikan.snapshot().ratePerMinute;
    await runtime.close();
    return { startedAt, endedAt };
  }

  it('with the store (SQLite)', { timeout: 60_000 }, async () => {
    const databaseUrl = sqliteUrl();
    const rateLimitedBefore = sim.stats().jikan.rateLimited;
    const first = await run({ databaseUrl }, 3);
    assert.ok(sim.stats().jikan.rateLimited > rateLimitedBefore, 'the first run met 429s');
    assert.equal(first.startedAt, 60);
    assert.ok(first.endedAt < 60, `the first run ended at ${first.endedAt}/min`);
    const second = await run({ databaseUrl }, 1);
    assert.equal(second.startedAt, first.endedAt, 'the second run starts where the first ended');
    const elsewhere = await run({ databaseUrl: sqliteUrl() }, 1);
    assert.equal(elsewhere.startedAt, 60, 'another database knows nothing of it');
  });

  it('with Redis, when the shared budget itself is gone', { timeout: 60_000, skip: redis.skip }, async () => {
    const redisPrefix = `${redis.prefix}-runs`;
    const shared = { redisUrl: redis.url, redisPrefix };
    const first = await run({ ...shared, databaseUrl: sqliteUrl() }, 3);
    assert.ok(first.endedAt < 60, `the first run ended at ${first.endedAt}/min`);
    // Budgets expire after a day unused; the learnt pace outlives them.
    redisClient ??= openRedis(redis.url, silentLogger, 'pace-test');
    assert.equal(await redisClient.unlink(redisKey(redisPrefix, 'gate', 'jikan')), 1);
    const second = await run({ ...shared, databaseUrl: sqliteUrl() }, 1);
    assert.equal(second.startedAt, first.endedAt, 'another process, another database: the same learnt pace');
  });
});
