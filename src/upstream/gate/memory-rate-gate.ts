import type { Clock } from '../../clock.ts';
import { AdaptiveRate } from './adaptive-rate.ts';
import {
  validateGateOptions,
  type AcquireOptions,
  type GateFeedback,
  type GatePass,
  type GateSnapshot,
  type Priority,
  type RateGate,
  type RateGateOptions,
} from './rate-gate.ts';
import { RateWindow } from './rate-window.ts';

interface Waiter {
  priority: Priority;
  enqueuedAt: number;
  resolve(pass: GatePass): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** A RateGate for one process: every caller in it shares the budget. */
export class MemoryRateGate implements RateGate {
  private readonly windows: RateWindow[];
  /** The window rate headers describe (the longest). */
  private readonly main: RateWindow;
  private readonly adaptive: AdaptiveRate;
  private readonly queues: Record<Priority, Waiter[]> = { interactive: [], background: [] };
  private inFlight = 0;
  /** Nothing is sent before this time (a 429 pause), ms since epoch. */
  private pausedUntil = Number.NEGATIVE_INFINITY;
  /** Passes granted so far; each pass knows its number. */
  private granted = 0;
  /** Passes numbered up to this were sent before the last pause began: their 429s belong to it. */
  private grantedBeforePause = 0;
  /** 429 pauses in a row without a success in between, for the growing backoff. */
  private pausesInARow = 0;
  /** The one pending wake-up, and when it fires. */
  private timer: { at: number; cancel: AbortController } | null = null;

  constructor(
    private readonly options: RateGateOptions,
    private readonly clock: Clock,
  ) {
    validateGateOptions(options);
    this.windows = options.windows.map((spec) => new RateWindow(spec, options.guardMs));
    this.main = this.windows.reduce((a, b) => (b.spec.windowMs > a.spec.windowMs ? b : a));
    this.adaptive = new AdaptiveRate(this.main.spec.limit, this.main.spec.windowMs, clock.now(), {
      start: this.main.spec.start,
      learnFromRateLimits: options.learnFromRateLimits,
    });
  }

  acquire(options: AcquireOptions = {}): Promise<GatePass> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<GatePass>((resolve, reject) => {
      const waiter: Waiter = { priority: options.priority ?? 'interactive', enqueuedAt: this.clock.now(), resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const queue = this.queues[waiter.priority];
          const at = queue.indexOf(waiter);
          if (at >= 0) queue.splice(at, 1);
          reject(signal.reason);
          this.pump();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queues[waiter.priority].push(waiter);
      this.pump();
    });
  }

  snapshot(): GateSnapshot {
    const now = this.clock.now();
    const scale = this.adaptive.scale;
    return {
      ratePerMinute: (this.main.spec.limit * scale * 60_000) / this.main.spec.windowMs,
      scale,
      inFlight: this.inFlight,
      queued: this.queues.interactive.length + this.queues.background.length,
      pausedUntil: this.pausedUntil > now ? this.pausedUntil : null,
    };
  }

  /** Grants every waiter that may go now, then sleeps until the next one may. */
  private pump(): void {
    for (;;) {
      const queue = this.queues.interactive.length > 0 ? this.queues.interactive : this.queues.background;
      if (queue.length === 0 || this.inFlight >= this.options.maxInFlight) return this.wakeAt(null);
      const now = this.clock.now();
      const at = this.earliest(now);
      if (at > now) return this.wakeAt(at);
      this.grant(queue.shift()!, now);
    }
  }

  private earliest(now: number): number {
    const scale = this.adaptive.scale;
    const unpaced = this.adaptive.bursting(this.main.sentInWindow(now));
    return Math.max(this.pausedUntil, ...this.windows.map((w) => w.earliest(now, scale, unpaced && w === this.main)));
  }

  private wakeAt(at: number | null): void {
    if (this.timer && this.timer.at === at) return;
    this.timer?.cancel.abort();
    this.timer = null;
    if (at === null) return;
    const timer = { at, cancel: new AbortController() };
    this.timer = timer;
    this.clock.sleep(at - this.clock.now(), timer.cancel.signal).then(
      () => {
        if (this.timer === timer) this.timer = null;
        this.pump();
      },
      () => undefined,
    );
  }

  private grant(waiter: Waiter, now: number): void {
    if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
    const scale = this.adaptive.scale;
    const unpaced = this.adaptive.spendCredit(this.main.sentInWindow(now));
    for (const w of this.windows) w.record(now, scale, unpaced && w === this.main);
    this.inFlight++;
    const seq = ++this.granted;
    let finished = false;
    waiter.resolve({
      waitedMs: now - waiter.enqueuedAt,
      finish: (feedback) => {
        if (finished) return { pauseMs: 0 };
        finished = true;
        this.inFlight--;
        const pauseMs = this.learn(feedback, seq);
        this.pump();
        return { pauseMs };
      },
    });
  }

  /** Applies a response's lesson; returns the pause now running, ms. */
  private learn(feedback: GateFeedback, seq: number): number {
    const now = this.clock.now();
    if (feedback.outcome === 'failed') return 0;
    if (feedback.outcome === 'ok') {
      if (seq > this.grantedBeforePause) this.pausesInARow = 0;
      const low = this.adaptive.onResponse(now, feedback.limit ?? null, feedback.remaining ?? null, this.inFlight);
      if (low) {
        const scale = this.adaptive.scale;
        for (const w of this.windows) w.holdUntil(now + w.interval(scale), scale);
      }
      return 0;
    }
    const asked = feedback.retryAfterMs === null ? null : Math.max(0, feedback.retryAfterMs) + this.options.guardMs;
    if (seq <= this.grantedBeforePause) {
      // Sent before the pause began: the same overload, already paid for. Only honour a longer wait.
      if (asked !== null) this.pausedUntil = Math.max(this.pausedUntil, now + asked);
    } else {
      this.pausesInARow++;
      const { initialMs, maxMs } = this.options.rateLimitBackoff;
      const pauseMs = asked ?? Math.min(maxMs, initialMs * 2 ** (this.pausesInARow - 1));
      this.grantedBeforePause = this.granted;
      this.pausedUntil = Math.max(this.pausedUntil, now + pauseMs);
      this.adaptive.onRateLimited(now, this.main.sentInWindow(now));
    }
    // Resume gently: one request when the pause ends, the rest paced, no saved-up burst.
    const scale = this.adaptive.scale;
    for (const w of this.windows) w.holdUntil(this.pausedUntil, scale);
    return Math.max(0, this.pausedUntil - now);
  }
}
