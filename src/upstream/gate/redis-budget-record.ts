import { z } from 'zod';
import type { Logger } from '../../log.ts';
import type { GateBudgetState } from './gate-budget.ts';

/** The one Redis command the gate uses; an ioredis client is one. */
export interface RedisScripting {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/**
 * Writes the budget only if nobody wrote since it was read (version `ARGV[1]`); otherwise
 * answers the current version and budget, so the caller can redo its step on them.
 */
const COMPARE_AND_SET = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then
  return {v, redis.call('HGET', KEYS[1], 's') or ''}
end
redis.call('HSET', KEYS[1], 'v', v + 1, 's', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {v + 1}
`;

const READ = `return {tonumber(redis.call('HGET', KEYS[1], 'v') or '0'), redis.call('HGET', KEYS[1], 's') or ''}`;

const budgetSchema: z.ZodType<GateBudgetState> = z.object({
  windows: z.array(z.object({ tat: z.number().nullable(), sent: z.array(z.number()) })),
  adaptive: z.object({
    pace: z.number(),
    learned: z.number(),
    ceiling: z.number().positive().optional(),
    headerCap: z.number(),
    changedAt: z.number(),
    credit: z.number().optional(),
  }),
  pausedUntil: z.number().nullable(),
  granted: z.number(),
  grantedBeforePause: z.number(),
  pausesInARow: z.number(),
  open: z.record(z.string(), z.number()),
});

/**
 * One upstream's budget shared in Redis, as a versioned record: every write names the
 * version it was computed from and lands only if that is still the current one
 * (compare-and-set), so processes never overwrite each other's grants. Time never enters
 * the scripts: each process computes on its own clock and Redis only orders the writes.
 */
export class RedisBudgetRecord {
  /** The budget as last read or written, with its version (0: never written; state null: none or unreadable). */
  known: { version: number; state: GateBudgetState | null } = { version: 0, state: null };

  constructor(
    private readonly redis: RedisScripting,
    private readonly key: string,
    /** How long an unused budget stays in Redis, ms. */
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  async read(): Promise<void> {
    const [version, text] = (await this.redis.eval(READ, 1, this.key)) as [number, string];
    this.known = { version: Number(version), state: this.parse(text) };
  }

  /** Writes `state` if nobody wrote since `known`; false when someone did, with `known` now theirs. */
  async compareAndSet(state: GateBudgetState): Promise<boolean> {
    const reply = (await this.redis.eval(COMPARE_AND_SET, 1, this.key, this.known.version, JSON.stringify(state), this.ttlMs)) as [number, string?];
    if (reply.length === 1) {
      this.known = { version: Number(reply[0]), state };
      return true;
    }
    this.known = { version: Number(reply[0]), state: this.parse(reply[1]) };
    return false;
  }

  private parse(text: string | undefined): GateBudgetState | null {
    if (!text) return null;
    try {
      return budgetSchema.parse(JSON.parse(text));
    } catch (error) {
      // Not ours, or an older shape: the next write replaces it with a fresh budget.
      this.logger.warn({ err: error, key: this.key }, 'rate gate: unreadable budget in Redis; starting afresh');
      return null;
    }
  }
}
