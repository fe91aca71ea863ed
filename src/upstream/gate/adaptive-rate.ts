/**
 * How fast a gate goes, as a share of its ceiling. Pure state, fed by what responses say:
 * rate headers set the cap (from the start pace up to the ceiling, never past it), a
 * generous `remaining` lends a burst, low `remaining` and 429s cut the pace, and quiet
 * windows let it climb back slowly. What 429s taught can be kept across runs
 * (learnedPace, recall).
 *
 * The ceiling is the configured limit of the gate's longest window; a gate that follows
 * the upstream (AniList without a cap) raises it to whatever the headers announce, and
 * every cut pace keeps its rate in requests when it does.
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
  /** Requests per window at full pace. */
  private ceilingLimit: number;
  /** The pace before any header, requests per window. */
  private readonly startLimit: number;
  /** Requests per window the gate never goes below, so a run of 429s cannot stall it for good. */
  private readonly floorLimit: number;
  private readonly learns: boolean;
  private readonly follows: boolean;

  constructor(
    /** The configured requests per window of the gate's longest window. */
    ceiling: number,
    private readonly windowMs: number,
    now: number,
    options: { start?: number; learnFromRateLimits?: boolean; followAnnounced?: boolean } = {},
  ) {
    this.changedAt = now;
    this.ceilingLimit = ceiling;
    this.startLimit = Math.min(ceiling, options.start ?? ceiling);
    this.floorLimit = MIN_SCALE * ceiling;
    this.headerCap = this.startLimit / ceiling;
    this.learns = options.learnFromRateLimits ?? true;
    this.follows = options.followAnnounced ?? false;
  }

  /** Requests per window at full pace: the configured ceiling, or more when following what the upstream announced. */
  get ceiling(): number {
    return this.ceilingLimit;
  }

  private get minScale(): number {
    return Math.min(1, this.floorLimit / this.ceilingLimit);
  }

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

  /** The pace now, a share of the ceiling. */
  get scale(): number {
    return Math.max(this.minScale, Math.min(this.pace, this.headerCap));
  }

  /**
   * A response, with the upstream's own count for its longest window when it sends one.
   * Returns true when the pace was cut because `remaining` ran low, so the caller also
   * drops its burst. `inFlight` is what was sent and not yet answered (this response's
   * request excluded): the upstream may not have counted it in `remaining` yet.
   */
  onResponse(now: number, limit: number | null, remaining: number | null, inFlight = 0): boolean {
    if (limit !== null && limit > 0) {
      if (this.follows && limit > this.ceilingLimit) this.adopt({ pace: this.pace, learned: this.learned }, this.ceilingLimit, limit);
      this.headerCap = Math.min(1, Math.max(this.minScale, (limit - headroom(limit)) / this.ceilingLimit));
      // Trusted only while no 429 has shown the headers to overstate (learned < 1) and the pace is not cut.
      this.credit =
        remaining !== null && this.learned >= 1 && this.pace >= this.headerCap ? Math.max(0, remaining - burstMargin(limit) - inFlight) : 0;
      if (remaining !== null && remaining <= Math.floor(headroom(limit) / 2)) {
        // The upstream counts more than we send (another client on the address, or
        // queries costing more than one): slow down before it answers 429.
        if (now - this.changedAt >= this.windowMs / 10) {
          this.pace = Math.max(this.minScale, this.scale * LOW_REMAINING_FACTOR);
          this.changedAt = now;
        }
        return true;
      }
    }
    const quiet = now - this.changedAt;
    // A cut for low `remaining` (traffic the upstream counted that this gate did not send: a
    // process that stopped a moment ago, another client) is undone a step every tenth of a
    // window while the upstream shows room beyond its headroom again, instead of one step a
    // window: a rerun of a long sync would otherwise crawl for minutes after its predecessor's
    // requests left the upstream's window. Room means that traffic is gone; if it is not, the
    // next low `remaining` cuts again before a 429.
    const roomy = limit !== null && remaining !== null && remaining > 2 * headroom(limit);
    if (this.pace < this.learned && (quiet >= this.windowMs || (roomy && quiet >= this.windowMs / 10))) {
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
    return { ...this.learnedPace(), headerCap: this.headerCap, credit: this.credit };
  }

  restore(state: AdaptiveRateState): void {
    const from = state.ceiling ?? this.ceilingLimit;
    this.headerCap = Math.min(1, (state.headerCap * from) / this.adopt(state, from));
    this.changedAt = state.changedAt;
    this.credit = state.credit ?? 0;
  }

  /** A 429 starting a new pause; `sentInWindow` is what we sent in the last window, the refused request included. */
  onRateLimited(now: number, sentInWindow: number): void {
    this.credit = 0;
    const accepted = Math.max(0, sentInWindow - 1);
    if (this.learns && accepted >= Math.min(EVIDENCE, (this.ceilingLimit * this.scale) / 2)) {
      // Refused after a fair number in one window: that number is the real limit (or our share of it).
      this.learned = Math.max(this.minScale, (accepted * (1 - HEADROOM_SHARE)) / this.ceilingLimit);
      this.pace = this.learned;
    } else {
      // Refused after few requests (a burst limiter, someone else's traffic), or by an
      // upstream whose limits are fixed and published (Jikan: MyAnimeList limiting it,
      // other clients on the address): not our window's real limit. Halve the pace
      // (multiplicative decrease); quiet windows climb it back (additive increase) to the
      // limit learnt so far.
      this.pace = Math.max(this.minScale, this.scale / 2);
    }
    this.changedAt = now;
  }

  /** What 429s and low `remaining` taught, the part worth keeping across runs (headers are read afresh). */
  learnedPace(): LearnedPace {
    return { pace: this.pace, learned: this.learned, ceiling: this.ceilingLimit, changedAt: this.changedAt };
  }

  /** Starts from a pace remembered from an earlier run; anything out of range is ignored. */
  recall(remembered: LearnedPace): void {
    const { pace, learned, ceiling, changedAt } = remembered;
    const share = (x: number) => Number.isFinite(x) && x > 0 && x <= 1;
    if (!share(pace) || !share(learned) || !(ceiling > 0 && Number.isFinite(ceiling)) || !Number.isFinite(changedAt)) return;
    this.adopt(remembered, ceiling);
    this.changedAt = changedAt;
  }

  /**
   * Takes over a pace and learned limit that were shares of `from` requests per window,
   * keeping their rates in requests (full stays full: the headers then cap it). A gate
   * that follows the upstream keeps the higher of the two ceilings; others keep their own.
   * Returns the ceiling now held.
   */
  private adopt(shares: { pace: number; learned: number }, from: number, to = this.follows ? Math.max(this.ceilingLimit, from) : this.ceilingLimit): number {
    const rescale = (share: number) => (share >= 1 ? 1 : Math.max(this.floorLimit / to, Math.min(1, (share * from) / to)));
    this.pace = rescale(shares.pace);
    this.learned = rescale(shares.learned);
    this.ceilingLimit = to;
    return to;
  }
}

/**
 * What a gate learnt about an upstream, as shares of `ceiling`: the pace it goes at, the
 * most a 429 showed the upstream to take, and when either last changed.
 */
export interface LearnedPace {
  pace: number;
  learned: number;
  /** Requests per window the shares are of. */
  ceiling: number;
  /** ms since epoch. */
  changedAt: number;
}

export interface AdaptiveRateState extends Omit<LearnedPace, 'ceiling'> {
  /** Absent in budgets written before ceilings could follow the upstream: the configured one. */
  ceiling?: number;
  headerCap: number;
  /** Absent in budgets written before bursting on `remaining` existed: no credit. */
  credit?: number;
}

/** Below this share of the configured ceiling the gate never goes, so a run of 429s cannot stall it for good. */
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
