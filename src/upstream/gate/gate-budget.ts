import { AdaptiveRate, type AdaptiveRateState, type LearnedPace } from './adaptive-rate.ts';
import type { GateFeedback, RateGateOptions } from './rate-gate.ts';
import { RateWindow, type RateWindowState } from './rate-window.ts';

/** Everything a gate's budget is, as plain JSON: what processes sharing one upstream keep in Redis. */
export interface GateBudgetState {
  windows: RateWindowState[];
  adaptive: AdaptiveRateState;
  /** null: never paused. */
  pausedUntil: number | null;
  granted: number;
  grantedBeforePause: number;
  pausesInARow: number;
  /**
   * Passes granted and not finished, by id, to the time they lapse. A process that dies
   * never finishes its passes; without a lapse its slots would be lost for good.
   */
  open: Record<string, number>;
}

/** A finished pass's news, kept until it is written to the shared budget. */
export interface GateLesson {
  passId: string;
  seq: number;
  feedback: GateFeedback;
  /** When the pass finished, ms since epoch: the lesson is applied as of then. */
  at: number;
}

/**
 * A rate gate's budget without its waiting line: windows, pace, 429 pause and open passes,
 * restorable from plain data. The Redis gate reads it, grants and learns on a copy, and
 * writes it back only if nobody else wrote in between, so every process applies the same
 * rules as the in-memory gate to one shared budget.
 */
export class GateBudget {
  private readonly windows: RateWindow[];
  /** The window rate headers describe (the longest). */
  private readonly main: RateWindow;
  private readonly adaptive: AdaptiveRate;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private granted = 0;
  /** Passes numbered up to this were sent before the last pause began: their 429s belong to it. */
  private grantedBeforePause = 0;
  private pausesInARow = 0;
  private open: Record<string, number> = {};

  constructor(
    private readonly options: RateGateOptions,
    now: number,
    state?: GateBudgetState | null,
    /** The pace remembered from earlier runs, for a budget that starts afresh (no `state`). */
    recalled?: LearnedPace | null,
  ) {
    this.windows = options.windows.map((spec) => new RateWindow(spec, spec.guardMs ?? options.guardMs));
    this.main = this.windows.reduce((a, b) => (b.spec.windowMs > a.spec.windowMs ? b : a));
    this.adaptive = new AdaptiveRate(this.main.spec.limit, this.main.spec.windowMs, now, {
      start: this.main.spec.start,
      learnFromRateLimits: options.learnFromRateLimits,
      followAnnounced: this.main.spec.followAnnounced,
    });
    // A state written under other windows (the settings changed) would pace wrongly: start afresh.
    if (state && state.windows.length === this.windows.length) {
      state.windows.forEach((w, i) => this.windows[i]!.restore(w));
      this.adaptive.restore(state.adaptive);
      this.pausedUntil = state.pausedUntil ?? Number.NEGATIVE_INFINITY;
      this.granted = state.granted;
      this.grantedBeforePause = state.grantedBeforePause;
      this.pausesInARow = state.pausesInARow;
      this.open = { ...state.open };
    } else if (recalled) {
      this.adaptive.recall(recalled);
    }
  }

  state(): GateBudgetState {
    return {
      windows: this.windows.map((w) => w.state()),
      adaptive: this.adaptive.state(),
      pausedUntil: Number.isFinite(this.pausedUntil) ? this.pausedUntil : null,
      granted: this.granted,
      grantedBeforePause: this.grantedBeforePause,
      pausesInARow: this.pausesInARow,
      open: { ...this.open },
    };
  }

  get scale(): number {
    return this.adaptive.scale;
  }

  /** What 429s and low `remaining` taught, worth keeping across runs. */
  learnedPace(): LearnedPace {
    return this.adaptive.learnedPace();
  }

  /** Requests per minute the longest window allows at the current pace. */
  get ratePerMinute(): number {
    return (this.adaptive.ceiling * this.adaptive.scale * 60_000) / this.main.spec.windowMs;
  }

  /**
   * What every window's configured limit is multiplied by now: the pace, and for a gate
   * that follows the upstream past its configured ceiling, how far it followed.
   */
  private get windowScale(): number {
    return (this.adaptive.scale * this.adaptive.ceiling) / this.main.spec.limit;
  }

  /** ms since epoch, or null when not paused at `now`. */
  pausedAt(now: number): number | null {
    return this.pausedUntil > now ? this.pausedUntil : null;
  }

  /** The earliest time every window and the pause let a request go (may be in the past); in-flight aside. */
  earliest(now: number): number {
    const scale = this.windowScale;
    const unpaced = this.adaptive.bursting(this.main.sentInWindow(now));
    return Math.max(this.pausedUntil, ...this.windows.map((w) => w.earliest(now, scale, unpaced && w === this.main)));
  }

  /** Open passes at `now`, lapsed ones dropped. */
  openCount(now: number): number {
    for (const [id, lapse] of Object.entries(this.open)) if (lapse <= now) delete this.open[id];
    return Object.keys(this.open).length;
  }

  /** When the first open pass lapses, or null when none is open. */
  nextLapse(): number | null {
    const lapses = Object.values(this.open);
    return lapses.length === 0 ? null : Math.min(...lapses);
  }

  /** Records a send now; returns the pass's number. */
  grant(now: number, passId: string, lapseAt: number): number {
    const scale = this.windowScale;
    const unpaced = this.adaptive.spendCredit(this.main.sentInWindow(now));
    for (const w of this.windows) w.record(now, scale, unpaced && w === this.main);
    this.open[passId] = lapseAt;
    return ++this.granted;
  }

  /** Closes the pass and applies what its response said; returns the pause now running, ms. */
  learn({ passId, seq, feedback, at: now }: GateLesson): number {
    delete this.open[passId];
    if (feedback.outcome === 'failed') return 0;
    if (feedback.outcome === 'ok') {
      if (seq > this.grantedBeforePause) this.pausesInARow = 0;
      const low = this.adaptive.onResponse(now, feedback.limit ?? null, feedback.remaining ?? null, this.openCount(now));
      if (low) {
        const scale = this.windowScale;
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
    const scale = this.windowScale;
    for (const w of this.windows) w.holdUntil(this.pausedUntil, scale);
    return Math.max(0, this.pausedUntil - now);
  }
}
