import type { Clock } from '../../clock.ts';
import { GateBudget } from './gate-budget.ts';
import type { PaceMemory } from './pace-memory.ts';
import { validateGateOptions, type AcquireOptions, type GatePass, type GateSnapshot, type RateGate, type RateGateOptions } from './rate-gate.ts';
import { onePass, WaitingLine, type Waiter } from './waiting-line.ts';
import { WakeTimer } from './wake-timer.ts';

/** A RateGate for one process: every caller in it shares one GateBudget. */
export class MemoryRateGate implements RateGate {
  private readonly budget: GateBudget;
  private readonly line = new WaitingLine(() => this.pump());
  private readonly timer: WakeTimer;
  /** Passes handed out so far: each open pass is known to the budget by this number. */
  private passes = 0;

  constructor(
    private readonly options: RateGateOptions,
    private readonly clock: Clock,
    /** Where the pace earlier runs learnt comes from and what this one learns goes. Default: none. */
    private readonly memory?: PaceMemory,
  ) {
    validateGateOptions(options);
    this.budget = new GateBudget(options, clock.now(), null, memory?.recalled);
    this.timer = new WakeTimer(clock, () => this.pump());
  }

  acquire(options: AcquireOptions = {}): Promise<GatePass> {
    const pass = this.line.join(options, this.clock.now());
    this.pump();
    return pass;
  }

  snapshot(): GateSnapshot {
    const now = this.clock.now();
    return {
      ratePerMinute: this.budget.ratePerMinute,
      scale: this.budget.scale,
      inFlight: this.budget.openCount(now),
      queued: this.line.size,
      pausedUntil: this.budget.pausedAt(now),
    };
  }

  /** Grants every waiter that may go now, then sleeps until the next one may. */
  private pump(): void {
    for (;;) {
      const waiter = this.line.first();
      const now = this.clock.now();
      if (!waiter || this.budget.openCount(now) >= this.options.maxInFlight) return this.timer.set(null);
      const at = this.budget.earliest(now);
      if (at > now) return this.timer.set(at);
      this.line.remove(waiter);
      this.grant(waiter, now);
    }
  }

  private grant(waiter: Waiter, now: number): void {
    const passId = String(++this.passes);
    // This process is alive for as long as its passes are open: they never lapse.
    const seq = this.budget.grant(now, passId, Number.POSITIVE_INFINITY);
    waiter.resolve(
      onePass(now - waiter.enqueuedAt, (feedback) => {
        const pauseMs = this.budget.learn({ passId, seq, feedback, at: this.clock.now() });
        this.memory?.remember(this.budget.learnedPace());
        this.pump();
        return pauseMs;
      }),
    );
  }
}
