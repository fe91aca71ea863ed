import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { silentLogger, type Logger } from '../../log.ts';
import type { GateBudget } from './gate-budget.ts';
import type { PaceMemory } from './pace-memory.ts';
import { validateGateOptions, type AcquireOptions, type GatePass, type GateSnapshot, type RateGate, type RateGateOptions } from './rate-gate.ts';
import { RedisBudgetRecord, type RedisScripting } from './redis-budget-record.ts';
import { SerialRunner } from './serial-runner.ts';
import { SharedBudget } from './shared-budget.ts';
import { onePass, WaitingLine, type Waiter } from './waiting-line.ts';
import { WakeTimer } from './wake-timer.ts';
import { checkRange } from '../../check-range.ts';

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
  /** The pace earlier runs learnt, for a budget not in Redis (first use, or expired), and where lessons go. Default: none. */
  memory?: PaceMemory;
}

/** A waiter picked to go, with the pass recorded for it in the budget being written. */
interface Grant {
  waiter: Waiter;
  passId: string;
  seq: number;
}

/**
 * A RateGate whose budget (windows, pace, 429 pause, in-flight slots) lives in Redis, so
 * every process calling one upstream stays under one limit and a 429 seen by any pauses
 * all. Each process keeps its own waiting line (WaitingLine, as the in-memory gate); its
 * grants and lessons are applied to the shared budget with GateBudget's rules and written
 * with a compare-and-set (SharedBudget), redone on the fresh budget when another process
 * wrote first. One sync runs at a time (SerialRunner); the next wake-up is a WakeTimer.
 *
 * `finish` must answer at once, so it answers from this process's latest view of the
 * budget plus its own news; the shared budget then settles what every process waits for.
 * Priorities hold within a process, not across processes.
 */
export class RedisRateGate implements RateGate {
  readonly #options: RateGateOptions;
  readonly #shared: SharedBudget;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #key: string;
  readonly #passLapseMs: number;
  readonly #pollMs: number;
  readonly #line = new WaitingLine(() => this.#runner.request());
  readonly #timer: WakeTimer;
  readonly #runner: SerialRunner;
  /** This process's passes not finished yet. */
  #inFlight = 0;
  /**
   * The known budget may be behind in a way that makes us wait too long: other processes
   * finished passes we still count as open. Read it afresh before the next step.
   */
  #stale = false;
  #closed = false;

  constructor(redis: RedisScripting, options: RateGateOptions, settings: RedisRateGateOptions) {
    validateGateOptions(options);
    this.#options = options;
    this.#key = settings.key;
    this.#clock = settings.clock;
    this.#logger = settings.logger ?? silentLogger;
    this.#passLapseMs = checkRange('passLapseMs', settings.passLapseMs ?? 60_000, 1_000, 3_600_000);
    this.#pollMs = checkRange('pollMs', settings.pollMs ?? 100, 5, 60_000);
    const stateTtlMs = checkRange('stateTtlMs', settings.stateTtlMs ?? 86_400_000, 60_000, 2_592_000_000);
    const retryMs = checkRange('retryMs', settings.retryMs ?? 1_000, 10, 60_000);
    this.#shared = new SharedBudget(new RedisBudgetRecord(redis, settings.key, stateTtlMs, this.#logger), options, settings.memory);
    this.#timer = new WakeTimer(settings.clock, () => this.#runner.request());
    this.#runner = new SerialRunner(
      () => this.#sync(),
      (error) => {
        this.#logger.warn({ err: error, key: this.#key }, 'rate gate: Redis failed; trying again');
        this.#timer.set(this.#clock.now() + retryMs);
      },
    );
  }

  acquire(options: AcquireOptions = {}): Promise<GatePass> {
    if (this.#closed) return Promise.reject(new Error('rate gate is closed'));
    const pass = this.#line.join(options, this.#clock.now());
    this.#runner.request();
    return pass;
  }

  snapshot(): GateSnapshot {
    const now = this.#clock.now();
    const budget = this.#shared.view(now);
    return {
      ratePerMinute: budget.ratePerMinute,
      scale: budget.scale,
      inFlight: this.#inFlight,
      queued: this.#line.size,
      pausedUntil: budget.pausedAt(now),
    };
  }

  /** Resolves once no Redis round trip is under way; true when it had to wait (see ManualClock.waitFor). */
  whenIdle(): Promise<boolean> {
    return this.#runner.whenIdle();
  }

  /** Writes what finished passes taught, then refuses new callers; queued ones are rejected. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#runner.stop();
    this.#timer.set(null);
    this.#line.rejectAll(new Error('rate gate is closed'));
    await this.whenIdle();
    if (this.#shared.pendingLessons > 0) {
      await this.#sync().catch((error: unknown) => {
        this.#logger.warn({ err: error, key: this.#key, lessons: this.#shared.pendingLessons }, 'rate gate: what finished requests taught could not be written to Redis at close; other processes keep the older budget');
      });
    }
  }

  /** Writes pending lessons and grants every waiter that may go now, then sleeps until the next may. */
  async #sync(): Promise<void> {
    if (this.#stale) {
      this.#stale = false;
      await this.#shared.refresh();
    }
    for (;;) {
      this.#runner.caughtUp();
      const now = this.#clock.now();
      const draft = this.#shared.draft(now);
      const grants = this.#closed ? [] : this.#pick(draft.budget, now);
      if (draft.lessons === 0 && grants.length === 0) {
        this.#sleep(draft.budget, now);
        return;
      }
      if (!(await this.#shared.commit(draft))) continue;
      for (const grant of grants) this.#hand(grant, now);
    }
  }

  /** Waiters that may go now, interactive first, each with its pass recorded in `budget`. */
  #pick(budget: GateBudget, now: number): Grant[] {
    const picked: Grant[] = [];
    const max = this.#options.maxInFlight;
    for (const waiter of this.#line.inOrder()) {
      if (this.#inFlight + picked.length >= max || budget.openCount(now) >= max || budget.earliest(now) > now) break;
      const passId = randomUUID();
      picked.push({ waiter, passId, seq: budget.grant(now, passId, now + this.#passLapseMs) });
    }
    return picked;
  }

  #hand({ waiter, passId, seq }: Grant, now: number): void {
    if (!this.#line.remove(waiter)) {
      // Aborted while its grant was being written: give the slot back.
      this.#shared.keep({ passId, seq, feedback: { outcome: 'failed' }, at: now });
      return;
    }
    this.#inFlight++;
    waiter.resolve(
      onePass(now - waiter.enqueuedAt, (feedback) => {
        this.#inFlight--;
        const pauseMs = this.#shared.learn({ passId, seq, feedback, at: this.#clock.now() });
        this.#runner.request();
        return pauseMs;
      }),
    );
  }

  #sleep(budget: GateBudget, now: number): void {
    const max = this.#options.maxInFlight;
    // Nobody waits, or this process's own passes fill the slots: a finish here kicks.
    if (this.#line.size === 0 || this.#closed || this.#inFlight >= max) return this.#timer.set(null);
    let at = budget.earliest(now);
    // Other processes' passes fill the slots; they do not announce their releases.
    if (budget.openCount(now) >= max) {
      at = Math.max(at, Math.min(budget.nextLapse() ?? Infinity, now + this.#pollMs));
      this.#stale = true;
    }
    this.#timer.set(at);
  }
}
