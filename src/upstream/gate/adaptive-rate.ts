/**
 * How fast a gate goes, as a share of its configured ceiling. Pure state, fed by what
 * responses say: rate headers set the cap (from the start pace up to the ceiling, never
 * past it), a generous `remaining` lends a burst, low `remaining` and 429s cut the pace,
 * and quiet windows let it climb back slowly.
 */
export class AdaptiveRate {
  /** The pace, a share of the ceiling. */
  private pace = 1;
  /**
   * The most a 429 has shown the upstream to take, a share of the ceiling. The pace climbs
   * back to it quickly, and past it only one step per RELAX_WINDOWS quiet windows, so an
   * upstream whose headers lie costs one 429 per probe, not one per window.
   */
  private learned = 1;
  /** The most the upstream's headers allow, a share of the ceiling; the start pace until they say. */
  private headerCap: number;
  /**
   * Requests that may still go back to back because the upstream said that many remain in
   * its window (minus a margin and what was in flight). Spent one per grant; a 429 voids it.
   */
  private credit = 0;
  /** When the pace last changed, ms since epoch. */
  private changedAt: number;

  constructor(
    /** The configured requests per window of the gate's longest window. */
    private readonly ceiling: number,
    private readonly windowMs: number,
    now: number,
    options: { start?: number; learnFromRateLimits?: boolean } = {},
  ) {
    this.changedAt = now;
    this.startLimit = Math.min(ceiling, options.start ?? ceiling);
    this.headerCap = this.startLimit / ceiling;
    this.learns = options.learnFromRateLimits ?? true;
  }

  /** The pace before any header, requests per window. */
  private readonly startLimit: number;
  private readonly learns: boolean;

  /**
   * Whether the next request may skip pacing because the upstream's `remaining` allows it;
   * the window's log still holds. Never past the start pace within one window: that much
   * every mode of the upstream accepts, so even headers that overstate cannot turn the
   * burst into a row of 429s; above it requests go paced, and a lie costs one 429.
   */
  bursting(sentInWindow: number): boolean {
    return this.credit >= 1 && sentInWindow < Math.floor(this.startLimit + 1e-9);
  }

  /** Takes one request of the burst credit if `bursting`; true when it was taken. */
  spendCredit(sentInWindow: number): boolean {
    if (!this.bursting(sentInWindow)) return false;
    this.credit--;
    return true;
  }

  get scale(): number {
    return Math.max(MIN_SCALE, Math.min(this.pace, this.headerCap));
  }

  /**
   * A response, with the upstream's own count for its longest window when it sends one.
   * Returns true when the pace was cut because `remaining` ran low, so the caller also
   * drops its burst. `inFlight` is what was sent and not yet answered (this response's
   * request excluded): the upstream may not have counted it in `remaining` yet.
   */
  onResponse(now: number, limit: number | null, remaining: number | null, inFlight = 0): boolean {
    if (limit !== null && limit > 0) {
      this.headerCap = Math.min(1, Math.max(MIN_SCALE, (limit - headroom(limit)) / this.ceiling));
      // Trusted only while no 429 has shown the headers to overstate (learned < 1) and the pace is not cut.
      this.credit =
        remaining !== null && this.learned >= 1 && this.pace >= this.headerCap ? Math.max(0, remaining - burstMargin(limit) - inFlight) : 0;
      if (remaining !== null && remaining <= Math.floor(headroom(limit) / 2)) {
        // The upstream counts more than we send (another client on the address, or
        // queries costing more than one): slow down before it answers 429.
        if (now - this.changedAt >= this.windowMs / 10) {
          this.pace = Math.max(MIN_SCALE, this.scale * LOW_REMAINING_FACTOR);
          this.changedAt = now;
        }
        return true;
      }
    }
    const quiet = now - this.changedAt;
    if (this.pace < this.learned && quiet >= this.windowMs) {
      this.pace = Math.min(this.learned, this.pace + STEP);
      this.changedAt = now;
    } else if (this.pace >= this.learned && this.learned < 1 && quiet >= RELAX_WINDOWS * this.windowMs) {
      this.learned = Math.min(1, this.learned + STEP);
      this.pace = this.learned;
      this.changedAt = now;
    }
    return false;
  }

  /** The pace as plain data, so a gate shared by processes (Redis) can keep it between calls. */
  state(): AdaptiveRateState {
    return { pace: this.pace, learned: this.learned, headerCap: this.headerCap, changedAt: this.changedAt, credit: this.credit };
  }

  restore(state: AdaptiveRateState): void {
    ({ pace: this.pace, learned: this.learned, headerCap: this.headerCap, changedAt: this.changedAt } = state);
    this.credit = state.credit ?? 0;
  }

  /** A 429 starting a new pause; `sentInWindow` is what we sent in the last window, the refused request included. */
  onRateLimited(now: number, sentInWindow: number): void {
    this.credit = 0;
    // A fixed, published limit (Jikan): the pause is the whole lesson.
    if (!this.learns) return;
    const accepted = Math.max(0, sentInWindow - 1);
    if (accepted >= Math.min(EVIDENCE, (this.ceiling * this.scale) / 2)) {
      // Refused after a fair number in one window: that number is the real limit (or our share of it).
      this.learned = Math.max(MIN_SCALE, (accepted * (1 - HEADROOM_SHARE)) / this.ceiling);
      this.pace = this.learned;
    } else {
      // Refused after few requests: a burst limiter or someone else's traffic, not our
      // window. Halve for a while; the limit learnt so far stands.
      this.pace = Math.max(MIN_SCALE, this.scale / 2);
    }
    this.changedAt = now;
  }
}

export interface AdaptiveRateState {
  pace: number;
  learned: number;
  headerCap: number;
  changedAt: number;
  /** Absent in budgets written before bursting on `remaining` existed: no credit. */
  credit?: number;
}

/** Below this share of the ceiling the gate never goes, so a run of 429s cannot stall it for good. */
const MIN_SCALE = 0.05;
/** Kept unused of what the upstream says it allows: clocks and windows never line up exactly. */
const HEADROOM_SHARE = 0.05;
const LOW_REMAINING_FACTOR = 0.75;
/** Climb per quiet window, a share of the ceiling. */
const STEP = 0.05;
/** Requests accepted in a window before a 429 counts as showing the window's real limit. */
const EVIDENCE = 5;
/** Quiet windows before probing above a limit a 429 taught (AniList: ten minutes). */
const RELAX_WINDOWS = 10;

/** Below this many remaining in the upstream's window, stop bursting (10 % of the limit: 90 -> 9, 30 -> 3). */
function burstMargin(limit: number): number {
  return Math.max(headroom(limit), Math.ceil(limit * 0.1));
}

/** Requests per window left unused below an upstream's stated limit (30 -> 2, 90 -> 5). */
export function headroom(limit: number): number {
  return Math.max(1, Math.ceil(limit * HEADROOM_SHARE));
}
