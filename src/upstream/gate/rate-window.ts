import type { RateWindowSpec } from './rate-gate.ts';

/** A window's moving parts as plain data, so a gate shared by processes (Redis) can keep them between calls. */
export interface RateWindowState {
  /** null: no request yet (the TAT is minus infinity, which JSON cannot hold). */
  tat: number | null;
  sent: number[];
}

/**
 * One window of a gate, held two ways at once: a token bucket (GCRA form) spreads
 * requests after the burst, and a log of send times makes "at most N in any window" exact,
 * which a token bucket alone overshoots by its burst.
 */
export class RateWindow {
  /** Theoretical arrival time of the next request at the current pace (GCRA), ms since epoch. */
  private tat = Number.NEGATIVE_INFINITY;
  /** Send times still inside the window (plus guard), oldest first. */
  private readonly sent: number[] = [];

  constructor(
    readonly spec: RateWindowSpec,
    private readonly guardMs: number,
  ) {}

  /** Requests allowed per window at this scale, at least one. */
  capacity(scale: number): number {
    return Math.max(1, Math.floor(this.spec.limit * scale + 1e-9));
  }

  /** ms between requests once the burst is spent. */
  interval(scale: number): number {
    return this.spec.windowMs / Math.max(1e-9, this.spec.limit * scale);
  }

  private tolerance(scale: number): number {
    const burst = Math.min(this.spec.burst ?? this.spec.limit, this.capacity(scale));
    return (Math.max(1, burst) - 1) * this.interval(scale);
  }

  /**
   * The earliest time a request may be sent, ms since epoch (may be in the past).
   * `unpaced`: the upstream lent a burst, so only the log (at most N in any window) holds.
   */
  earliest(now: number, scale: number, unpaced = false): number {
    this.prune(now);
    const paced = unpaced ? Number.NEGATIVE_INFINITY : this.tat - this.tolerance(scale);
    const cap = this.capacity(scale);
    const full = this.sent.length >= cap ? this.sent[this.sent.length - cap] + this.spec.windowMs + this.guardMs : Number.NEGATIVE_INFINITY;
    return Math.max(paced, full);
  }

  /** `unpaced`: sent on the upstream's lent burst, which does not use up the bucket's own. */
  record(now: number, scale: number, unpaced = false): void {
    this.tat = unpaced ? Math.max(this.tat, now) : Math.max(this.tat, now) + this.interval(scale);
    this.sent.push(now);
  }

  /** Forgets the unused burst: the next request goes no earlier than `from`, later ones one interval apart. */
  holdUntil(from: number, scale: number): void {
    this.tat = Math.max(this.tat, from + this.tolerance(scale));
  }

  /** Requests sent in the last `windowMs`. */
  sentInWindow(now: number): number {
    this.prune(now);
    return this.sent.filter((t) => t > now - this.spec.windowMs).length;
  }

  state(): RateWindowState {
    return { tat: Number.isFinite(this.tat) ? this.tat : null, sent: [...this.sent] };
  }

  restore(state: RateWindowState): void {
    this.tat = state.tat ?? Number.NEGATIVE_INFINITY;
    this.sent.splice(0, this.sent.length, ...state.sent);
  }

  private prune(now: number): void {
    const horizon = now - this.spec.windowMs - this.guardMs;
    let drop = 0;
    while (drop < this.sent.length && this.sent[drop] <= horizon) drop++;
    if (drop > 0) this.sent.splice(0, drop);
  }
}
