/**
 * Arrival times (ms) kept for the longest window asked about. Counting is over the half-open
 * window (now - windowMs, now], the same rule for enforcement and for the reported peaks.
 */
export class SlidingLog {
  /** Ascending arrival times, none older than `keepMs` before the latest. */
  private times: number[] = [];
  /** Index of the oldest kept time; the array is compacted now and then instead of shifted each time. */
  private head = 0;

  constructor(private readonly keepMs: number) {}

  add(now: number): void {
    this.prune(now);
    this.times.push(now);
  }

  /** Arrivals in (now - windowMs, now]. */
  count(now: number, windowMs: number): number {
    this.prune(now);
    const from = now - windowMs;
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] <= from) lo = mid + 1;
      else hi = mid;
    }
    return this.times.length - lo;
  }

  /**
   * When the window will hold fewer than `limit` arrivals again (ms since epoch), or `now` if it already does.
   * The (count - limit + 1)-th oldest arrival in the window has to age out first.
   */
  freesAt(now: number, windowMs: number, limit: number): number {
    const inWindow = this.count(now, windowMs);
    if (inWindow < limit) return now;
    const blocking = this.times[this.times.length - inWindow + (inWindow - limit)];
    return blocking + windowMs;
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }

  private prune(now: number): void {
    const from = now - this.keepMs;
    while (this.head < this.times.length && this.times[this.head] <= from) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
