import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { GateBudget, type GateBudgetState, type GateLesson } from './gate-budget.ts';
import {
  validateGateOptions,
  type AcquireOptions,
  type GatePass,
  type GateSnapshot,
  type Priority,
  type RateGate,
  type RateGateOptions,
} from './rate-gate.ts';

/** The one Redis command the gate uses; an ioredis client is one. */
export interface RedisScripting {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisRateGateOptions {
  /** The Redis key holding this upstream's budget; every process sharing the budget names the same key. */
  key: string;
  clock: Clock;
  logger?: Logger;
  /**
   * A pass not finished this long after it was granted is taken as lost (its process died)
   * and its in-flight slot is freed, ms. Keep it above the upstream timeout. Default 60,000, range 1,000-3,600,000.
   */
  passLapseMs?: number;
  /**
   * How often a caller blocked only by other processes' open requests looks again, ms:
   * their releases are not announced. Default 100, range 5-60,000.
   */
  pollMs?: number;
  /** How long an unused budget stays in Redis, ms. Default 86,400,000 (a day), range 60,000-2,592,000,000. */
  stateTtlMs?: number;
  /** Wait before trying again after Redis failed, ms. Default 1,000, range 10-60,000. */
  retryMs?: number;
}

interface Waiter {
  priority: Priority;
  enqueuedAt: number;
  resolve(pass: GatePass): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
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
  adaptive: z.object({ pace: z.number(), learned: z.number(), headerCap: z.number(), changedAt: z.number(), credit: z.number().optional() }),
  pausedUntil: z.number().nullable(),
  granted: z.number(),
  grantedBeforePause: z.number(),
  pausesInARow: z.number(),
  open: z.record(z.string(), z.number()),
});

function checkRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new TypeError(`Expected \`${name}\` to be a finite number in ${min}-${max}, got \`${value}\` (${typeof value})`);
  }
  return value;
}

/**
 * A RateGate whose budget (windows, pace, 429 pause, in-flight slots) lives in Redis, so
 * every process calling one upstream stays under one limit and a 429 seen by any pauses
 * all. Each process keeps its own waiting line; its grants and lessons are applied to the
 * shared budget with GateBudget's rules (the in-memory gate's) and written with a
 * compare-and-set, redone on the fresh budget when another process wrote first.
 *
 * `finish` must answer at once, so it answers from this process's latest view of the
 * budget plus its own news; the shared budget then settles what every process waits for.
 * Priorities hold within a process, not across processes.
 */
export class RedisRateGate implements RateGate {
  readonly #redis: RedisScripting;
  readonly #options: RateGateOptions;
  readonly #key: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #passLapseMs: number;
  readonly #pollMs: number;
  readonly #stateTtlMs: number;
  readonly #retryMs: number;
  /** Requests per minute the longest window allows at full pace. */
  readonly #ceilingPerMinute: number;
  readonly #queues: Record<Priority, Waiter[]> = { interactive: [], background: [] };
  /** This process's passes not finished yet. */
  #inFlight = 0;
  /** The shared budget as last read or written, with its version (0: never written). */
  #known: { version: number; state: GateBudgetState | null } = { version: 0, state: null };
  /** Finished passes whose news is not in the shared budget yet, oldest first. */
  readonly #lessons: GateLesson[] = [];
  /** The sync under way; a kick meanwhile sets #again instead of starting a second one. */
  #syncing: Promise<void> | null = null;
  #again = false;
  /**
   * The known budget may be behind in a way that makes us wait too long: other processes
   * finished passes we still count as open. Read it afresh before the next step.
   */
  #stale = false;
  /** The one pending wake-up, and when it fires. */
  #timer: { at: number; cancel: AbortController } | null = null;
  #closed = false;

  constructor(redis: RedisScripting, options: RateGateOptions, settings: RedisRateGateOptions) {
    validateGateOptions(options);
    this.#redis = redis;
    this.#options = options;
    this.#key = settings.key;
    this.#clock = settings.clock;
    this.#logger = settings.logger ?? silentLogger;
    this.#passLapseMs = checkRange('passLapseMs', settings.passLapseMs ?? 60_000, 1_000, 3_600_000);
    this.#pollMs = checkRange('pollMs', settings.pollMs ?? 100, 5, 60_000);
    this.#stateTtlMs = checkRange('stateTtlMs', settings.stateTtlMs ?? 86_400_000, 60_000, 2_592_000_000);
    this.#retryMs = checkRange('retryMs', settings.retryMs ?? 1_000, 10, 60_000);
    const main = options.windows.reduce((a, b) => (b.windowMs > a.windowMs ? b : a));
    this.#ceilingPerMinute = (main.limit * 60_000) / main.windowMs;
  }

  acquire(options: AcquireOptions = {}): Promise<GatePass> {
    const { signal } = options;
    if (this.#closed) return Promise.reject(new Error('rate gate is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<GatePass>((resolve, reject) => {
      const waiter: Waiter = { priority: options.priority ?? 'interactive', enqueuedAt: this.#clock.now(), resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          if (this.#dequeue(waiter)) reject(signal.reason);
          this.#kick();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queues[waiter.priority].push(waiter);
      this.#kick();
    });
  }

  snapshot(): GateSnapshot {
    const now = this.#clock.now();
    const budget = this.#view(now);
    return {
      ratePerMinute: this.#ceilingPerMinute * budget.scale,
      scale: budget.scale,
      inFlight: this.#inFlight,
      queued: this.#queues.interactive.length + this.#queues.background.length,
      pausedUntil: budget.pausedAt(now),
    };
  }

  /** Resolves once no Redis round trip is under way; true when it had to wait (see ManualClock.waitFor). */
  async whenIdle(): Promise<boolean> {
    let waited = false;
    while (this.#syncing) {
      waited = true;
      await this.#syncing;
    }
    return waited;
  }

  /** Writes what finished passes taught, then refuses new callers; queued ones are rejected. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wakeAt(null);
    for (const waiter of [...this.#queues.interactive, ...this.#queues.background]) {
      this.#dequeue(waiter);
      waiter.reject(new Error('rate gate is closed'));
    }
    await this.whenIdle();
    if (this.#lessons.length > 0) {
      await this.#sync().catch((error: unknown) => {
        this.#logger.warn({ err: error, key: this.#key, lessons: this.#lessons.length }, 'rate gate: what finished requests taught could not be written to Redis at close; other processes keep the older budget');
      });
    }
  }

  /** The budget as this process sees it: the shared one last known, plus news not written yet. */
  #view(now: number): GateBudget {
    const budget = new GateBudget(this.#options, now, this.#known.state);
    for (const lesson of this.#lessons) budget.learn(lesson);
    return budget;
  }

  #dequeue(waiter: Waiter): boolean {
    const queue = this.#queues[waiter.priority];
    const at = queue.indexOf(waiter);
    if (at < 0) return false;
    queue.splice(at, 1);
    if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
    return true;
  }

  #kick(): void {
    if (this.#closed) return;
    if (this.#syncing) {
      this.#again = true;
      return;
    }
    // Started a tick later, so callers queued in the same tick are granted in one write.
    this.#syncing = Promise.resolve()
      .then(() => this.#sync())
      .catch((error: unknown) => {
        this.#logger.warn({ err: error, key: this.#key }, 'rate gate: Redis failed; trying again');
        this.#wakeAt(this.#clock.now() + this.#retryMs);
      })
      .finally(() => {
        this.#syncing = null;
        if (this.#again) {
          this.#again = false;
          this.#kick();
        }
      });
  }

  /** Writes pending lessons and grants every waiter that may go now, then sleeps until the next may. */
  async #sync(): Promise<void> {
    if (this.#stale) {
      this.#stale = false;
      const [version, text] = (await this.#redis.eval(READ, 1, this.#key)) as [number, string];
      this.#known = { version: Number(version), state: this.#parse(text) };
    }
    for (;;) {
      this.#again = false;
      const now = this.#clock.now();
      const budget = new GateBudget(this.#options, now, this.#known.state);
      const lessons = this.#lessons.slice();
      for (const lesson of lessons) budget.learn(lesson);
      const grants = this.#closed ? [] : this.#pick(budget, now);
      if (lessons.length === 0 && grants.length === 0) {
        this.#sleep(budget, now);
        return;
      }
      if (!(await this.#compareAndSet(budget.state()))) continue;
      this.#lessons.splice(0, lessons.length);
      for (const grant of grants) this.#hand(grant, now);
    }
  }

  /** Waiters that may go now, interactive first, each with its pass recorded in `budget`. */
  #pick(budget: GateBudget, now: number): { waiter: Waiter; passId: string; seq: number }[] {
    const picked: { waiter: Waiter; passId: string; seq: number }[] = [];
    const max = this.#options.maxInFlight;
    for (const waiter of [...this.#queues.interactive, ...this.#queues.background]) {
      if (this.#inFlight + picked.length >= max || budget.openCount(now) >= max || budget.earliest(now) > now) break;
      const passId = randomUUID();
      picked.push({ waiter, passId, seq: budget.grant(now, passId, now + this.#passLapseMs) });
    }
    return picked;
  }

  #hand({ waiter, passId, seq }: { waiter: Waiter; passId: string; seq: number }, now: number): void {
    if (!this.#dequeue(waiter)) {
      // Aborted while its grant was being written: give the slot back.
      this.#lessons.push({ passId, seq, feedback: { outcome: 'failed' }, at: now });
      return;
    }
    this.#inFlight++;
    let finished = false;
    waiter.resolve({
      waitedMs: now - waiter.enqueuedAt,
      finish: (feedback) => {
        if (finished) return { pauseMs: 0 };
        finished = true;
        this.#inFlight--;
        const lesson: GateLesson = { passId, seq, feedback, at: this.#clock.now() };
        const pauseMs = this.#view(lesson.at).learn(lesson);
        this.#lessons.push(lesson);
        this.#kick();
        return { pauseMs };
      },
    });
  }

  #sleep(budget: GateBudget, now: number): void {
    const max = this.#options.maxInFlight;
    const queued = this.#queues.interactive.length + this.#queues.background.length;
    // Nobody waits, or this process's own passes fill the slots: a finish here kicks.
    if (queued === 0 || this.#closed || this.#inFlight >= max) return this.#wakeAt(null);
    let at = budget.earliest(now);
    // Other processes' passes fill the slots; they do not announce their releases.
    if (budget.openCount(now) >= max) {
      at = Math.max(at, Math.min(budget.nextLapse() ?? Infinity, now + this.#pollMs));
      this.#stale = true;
    }
    this.#wakeAt(at);
  }

  async #compareAndSet(state: GateBudgetState): Promise<boolean> {
    const reply = (await this.#redis.eval(
      COMPARE_AND_SET,
      1,
      this.#key,
      this.#known.version,
      JSON.stringify(state),
      this.#stateTtlMs,
    )) as [number, string?];
    if (reply.length === 1) {
      this.#known = { version: Number(reply[0]), state };
      return true;
    }
    this.#known = { version: Number(reply[0]), state: this.#parse(reply[1]) };
    return false;
  }

  #parse(text: string | undefined): GateBudgetState | null {
    if (!text) return null;
    try {
      return budgetSchema.parse(JSON.parse(text));
    } catch (error) {
      // Not ours, or an older shape: the next write replaces it with a fresh budget.
      this.#logger.warn({ err: error, key: this.#key }, 'rate gate: unreadable budget in Redis; starting afresh');
      return null;
    }
  }

  #wakeAt(at: number | null): void {
    if (this.#timer && this.#timer.at === at) return;
    this.#timer?.cancel.abort();
    this.#timer = null;
    if (at === null) return;
    const timer = { at, cancel: new AbortController() };
    this.#timer = timer;
    this.#clock.sleep(at - this.#clock.now(), timer.cancel.signal).then(
      () => {
        if (this.#timer === timer) this.#timer = null;
        this.#kick();
      },
      () => undefined,
    );
  }
}
