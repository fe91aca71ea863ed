import type { Clock } from '../../src/clock.ts';

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * The one fake clock of the tests: time stands still until the test moves it, and a
 * `sleep` ends only when `advance` (or `advanceToNext`) reaches its end, never by real
 * time passing. So gate pacing, simulator latency, job leases and retention are tested
 * exactly and instantly. `advance` fires due sleepers in time order and lets the promise
 * chains they start settle before moving on, like real time would.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private sleepers: Sleeper[] = [];
  /** Work outside this process that time waits for, like a request on the wire (see waitFor). */
  private readonly quiescers: (() => Promise<boolean>)[] = [];

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = { at: this.time + Math.max(0, ms), seq: this.seq++, resolve: () => undefined };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal!.reason);
      };
      sleeper.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /**
   * Makes every step of `advance` also wait for `quiesce`, which resolves true when it had
   * something to wait for. A gate that keeps its state in Redis does a round trip between a
   * wake-up and its next sleep; that is I/O, which letting promise callbacks run does not cover.
   */
  waitFor(quiesce: () => Promise<boolean>): void {
    this.quiescers.push(quiesce);
  }

  private async settleAll(): Promise<void> {
    for (;;) {
      await settle();
      let waited = false;
      for (const quiesce of this.quiescers) if (await quiesce()) waited = true;
      if (!waited) return;
    }
  }

  /** Sleepers still waiting (for assertions that nothing is left scheduled). */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Jumps to the earliest sleeper and wakes it (and any due with it); false when nobody sleeps. */
  async advanceToNext(): Promise<boolean> {
    await this.settleAll();
    if (this.sleepers.length === 0) return false;
    const next = Math.min(...this.sleepers.map((s) => s.at));
    await this.advance(Math.max(0, next - this.time));
    return true;
  }

  /** Moves time forward by `ms`, waking sleepers in order. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await this.settleAll();
    for (;;) {
      const next = this.sleepers.reduce<Sleeper | undefined>(
        (a, s) => (!a || s.at < a.at || (s.at === a.at && s.seq < a.seq) ? s : a),
        undefined,
      );
      if (!next || next.at > end) break;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      this.time = Math.max(this.time, next.at);
      next.resolve();
      await this.settleAll();
    }
    this.time = end;
    await this.settleAll();
  }
}

/** Lets pending promise callbacks (several hops deep) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
