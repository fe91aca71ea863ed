import { z } from 'zod';
import type { LearnedPace } from '../upstream/gate/adaptive-rate.ts';
import type { PaceStore } from '../upstream/gate/pace-memory.ts';
import { redisKey } from './redis-connection.ts';

/** The two commands the pace store uses; an ioredis client has them. */
export interface RedisKeyValue {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
}

const paceSchema: z.ZodType<LearnedPace> = z.object({
  pace: z.number(),
  learned: z.number(),
  ceiling: z.number(),
  changedAt: z.number(),
});

/**
 * Learnt paces in Redis (`<prefix>:pace:<upstream>`, JSON, no expiry: a few bytes per
 * upstream), beside the shared budgets, so every process of an installation starts from
 * what any of them learnt.
 */
export class RedisPaceStore implements PaceStore {
  constructor(
    private readonly redis: RedisKeyValue,
    private readonly prefix: string,
  ) {}

  async load(upstream: string): Promise<LearnedPace | null> {
    const text = await this.redis.get(redisKey(this.prefix, 'pace', upstream));
    return text ? paceSchema.parse(JSON.parse(text)) : null;
  }

  async save(upstream: string, pace: LearnedPace): Promise<void> {
    await this.redis.set(redisKey(this.prefix, 'pace', upstream), JSON.stringify(pace));
  }
}
