export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Throttled {
  /** Runs now if the last run is `intervalMs` old, else once at the end of the interval. */
  call(): void;
  cancel(): void;
}

/**
 * At most one run per interval, the first at once and the last never lost: while an import
 * stores batch after batch, the page refetches promptly but not once per batch.
 */
export function throttle(fn: () => void, intervalMs: number, timers: Timers = browserTimers): Throttled {
  let last = -Infinity;
  let pending: unknown = null;
  const run = () => {
    pending = null;
    last = timers.now();
    fn();
  };
  return {
    call() {
      if (pending !== null) return;
      const wait = last + intervalMs - timers.now();
      if (wait <= 0) run();
      else pending = timers.setTimeout(run, wait);
    },
    cancel() {
      if (pending !== null) timers.clearTimeout(pending);
      pending = null;
    },
  };
}
