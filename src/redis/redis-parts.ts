import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/config.ts';
import { BullMqJobQueue } from '../jobs/bullmq-job-queue.ts';
import { RedisProgressBus } from '../jobs/redis-progress-bus.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { anilistGateOptions, jikanGateOptions } from '../upstream/gate/gate-presets.ts';
import type { PaceMemory, PaceStore } from '../upstream/gate/pace-memory.ts';
import type { RateGateOptions } from '../upstream/gate/rate-gate.ts';
import { RedisRateGate } from '../upstream/gate/redis-rate-gate.ts';
import type { UpstreamName } from '../upstream/upstream-error.ts';
import { openRedis, redisKey } from './redis-connection.ts';
import { RedisPaceStore } from './redis-pace-store.ts';

/** The parts that make processes one installation when REDIS_URL is set. */
export interface RedisParts {
  /** Where learnt paces are kept: in Redis, so every process starts from what any learnt. */
  paces: PaceStore;
  /** One budget per upstream, shared by every process with the same REDIS_PREFIX; built on the first call. */
  gates(memory: Partial<Record<UpstreamName, PaceMemory>>): Record<UpstreamName, RedisRateGate>;
  /** A new bus on the shared connection (it opens its own subscriber connection). */
  bus(): RedisProgressBus;
  /** The BullMQ queue over the store's job table. */
  queue(store: Store): BullMqJobQueue;
  /**
   * A per-client limit every process with the same REDIS_PREFIX counts together: `points`
   * per minute. While the connection is not ready (starting, or Redis away) this process
   * counts alone, so requests are never held waiting for Redis.
   */
  limiter(points: number): RateLimiterRedis;
  /** Resolves once the shared connection is ready. */
  ready(): Promise<void>;
  /** Closes the gates and the connection; close the queue and the bus first (they use it). */
  close(): Promise<void>;
}

/** Opens one Redis connection and builds the gates, bus and queue on it (each adds the connections it needs). */
export function createRedisParts(config: Config & { redisUrl: string }, deps: { logger: Logger; clock: Clock }): RedisParts {
  const { logger, clock } = deps;
  const redis = openRedis(config.redisUrl, logger, 'main');
  const prefix = config.redisPrefix;
  const gate = (upstream: UpstreamName, options: RateGateOptions, memory: PaceMemory | undefined) =>
    new RedisRateGate(redis, options, {
      key: redisKey(prefix, 'gate', upstream),
      clock,
      logger,
      // A pass outlives one attempt (the timeout) only when its process is gone.
      passLapseMs: Math.min(3_600_000, Math.max(1_000, 2 * config.upstreamTimeoutMs)),
      memory,
    });
  let gates: Record<UpstreamName, RedisRateGate> | null = null;
  return {
    paces: new RedisPaceStore(redis, prefix),
    gates: (memory) =>
      (gates ??= { anilist: gate('anilist', anilistGateOptions(config), memory.anilist), jikan: gate('jikan', jikanGateOptions(config), memory.jikan) }),
    bus: () => new RedisProgressBus({ redis, prefix, clock, logger }),
    queue: (store) =>
      new BullMqJobQueue(store.jobs, {
        connection: redis,
        prefix,
        concurrency: config.workerConcurrency,
        leaseMs: config.jobLeaseMs,
        clock,
        logger,
      }),
    limiter: (points) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: redisKey(prefix, 'spend-limit'),
        points,
        duration: 60,
        // While Redis is away this process counts alone instead of holding requests.
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
      }),
    ready: () => (redis.status === 'ready' ? Promise.resolve() : new Promise((resolve) => redis.once('ready', () => resolve()))),
    async close() {
      if (gates) await Promise.all([gates.anilist.close(), gates.jikan.close()]);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
