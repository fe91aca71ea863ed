import { setTimeout as delay } from 'node:timers/promises';

/** Time as a port, so rate gates, freshness and backoff can be tested without waiting. */
export interface Clock {
  /** ms since epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
  },
};
