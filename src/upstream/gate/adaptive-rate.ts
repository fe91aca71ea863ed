/**
 * How fast a gate goes, as a share of its configured ceiling. Pure state, fed by what
 * responses say: rate headers lower the cap (never raise it past the ceiling), low
 * `remaining` and 429s cut the pace, and quiet windows let it creep back up (AIMD).
 */
export class AdaptiveRate {
  /** The AIMD pace, a share of the ceiling. */
  private pace = 1;
  /** The most the upstream's headers allow, a share of the ceiling. */
  private headerCap = 1;
  /** When the pace last changed; increases wait a whole window after any change. */
  private changedAt: number;

  constructor(
    /** The configured requests per window of the gate's longest window. */
    private readonly ceiling: number,
    private readonly windowMs: number,
    now: number,
  ) {
    this.changedAt = now;
  }

  get scale(): number {
    return Math.max(MIN_SCALE, Math.min(this.pace, this.headerCap));
  }

  /**
   * A response with the upstream's own count, per its longest window. Returns true when
   * the pace was cut because `remaining` ran low, so the caller also drops its burst.
   */
  onResponse(now: number, limit: number | null, remaining: number | null): boolean {
    if (limit !== null && limit > 0) {
      this.headerCap = Math.min(1, Math.max(MIN_SCALE, (limit - headroom(limit)) / this.ceiling));
      if (remaining !== null && remaining <= Math.floor(headroom(limit) / 2)) {
        // The upstream counts more than we send (another client on the address, or
        // queries costing more than one): slow down before it answers 429.
        if (now - this.changedAt >= this.windowMs / 10) this.cut(now, LOW_REMAINING_FACTOR);
        return true;
      }
    }
    if (now - this.changedAt >= this.windowMs && this.pace < 1) {
      this.pace = Math.min(1, this.pace + INCREASE_STEP);
      this.changedAt = now;
    }
    return false;
  }

  /**
   * A 429 starting a new pause. `sentInWindow` is what we sent in the last window, which
   * the upstream evidently would not take: pace below it and at most half the old pace,
   * but keep a quarter, because a 429 after few requests says more about someone else
   * (another client, or MAL limiting Jikan) than about our pace.
   */
  onRateLimited(now: number, sentInWindow: number): void {
    const accepted = (Math.max(0, sentInWindow - 1) * (1 - HEADROOM_SHARE)) / this.ceiling;
    this.pace = Math.max(MIN_SCALE, this.scale * 0.25, Math.min(this.scale * 0.5, accepted));
    this.changedAt = now;
  }

  private cut(now: number, factor: number): void {
    this.pace = Math.max(MIN_SCALE, this.scale * factor);
    this.changedAt = now;
  }
}

/** Below this share of the ceiling the gate never goes, so a run of 429s cannot stall it for good. */
const MIN_SCALE = 0.05;
/** Kept unused of what the upstream says it allows: clocks and windows never line up exactly. */
const HEADROOM_SHARE = 0.05;
const LOW_REMAINING_FACTOR = 0.75;
/** Per quiet window; from half pace back to full takes ten windows (AniList: ten minutes). */
const INCREASE_STEP = 0.05;

/** Requests per window left unused below an upstream's stated limit (30 -> 2, 90 -> 5). */
export function headroom(limit: number): number {
  return Math.max(1, Math.ceil(limit * HEADROOM_SHARE));
}
