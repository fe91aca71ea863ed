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

/**
 * Calls `fn` once `ms` have passed on `clock`, unless cancelled first (the returned
 * function, or `signal` aborting). The one way product code schedules work for later, so a
 * test clock governs every timer.
 */
export function runAfter(clock: Clock, ms: number, fn: () => void, signal?: AbortSignal): () => void {
  const cancel = new AbortController();
  const stop = () => cancel.abort();
  if (signal?.aborted) return stop;
  signal?.addEventListener('abort', stop, { once: true });
  clock.sleep(ms, cancel.signal).then(
    () => {
      signal?.removeEventListener('abort', stop);
      fn();
    },
    () => signal?.removeEventListener('abort', stop),
  );
  return stop;
}

/** Calls `fn` every `ms` on `clock` until the returned function is called. */
export function runEvery(clock: Clock, ms: number, fn: () => void): () => void {
  let cancel = () => {};
  const next = () => {
    cancel = runAfter(clock, ms, () => {
      next();
      fn();
    });
  };
  next();
  return () => cancel();
}
