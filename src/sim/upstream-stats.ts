import { SlidingLog } from './sliding-window.ts';

export interface UpstreamStats {
  requests: number;
  /** By HTTP status, e.g. { "200": 10, "429": 1 }; a hung request has none. */
  responses: Record<string, number>;
  /** 429s served (rate limit, storm or spurious). */
  rateLimited: number;
  /** Most requests that arrived in any sliding 1 s window. */
  peak1s: number;
  /** Most requests that arrived in any sliding 60 s window. */
  peak60s: number;
}

/** Counts one upstream's traffic; peaks are over arrival times, rejected requests included. */
export class UpstreamStatsRecorder {
  private requests = 0;
  private responses: Record<string, number> = {};
  private rateLimited = 0;
  private peak1s = 0;
  private peak60s = 0;
  private readonly arrivals = new SlidingLog(60_000);

  arrived(now: number): void {
    this.requests++;
    this.arrivals.add(now);
    // The peak over all windows equals the largest count ending at some arrival, so checking here is exact.
    this.peak1s = Math.max(this.peak1s, this.arrivals.count(now, 1_000));
    this.peak60s = Math.max(this.peak60s, this.arrivals.count(now, 60_000));
  }

  responded(status: number): void {
    const key = String(status);
    this.responses[key] = (this.responses[key] ?? 0) + 1;
    if (status === 429) this.rateLimited++;
  }

  snapshot(): UpstreamStats {
    return {
      requests: this.requests,
      responses: { ...this.responses },
      rateLimited: this.rateLimited,
      peak1s: this.peak1s,
      peak60s: this.peak60s,
    };
  }

  reset(): void {
    this.requests = 0;
    this.responses = {};
    this.rateLimited = 0;
    this.peak1s = 0;
    this.peak60s = 0;
    this.arrivals.clear();
  }
}
