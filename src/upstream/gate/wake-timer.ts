import type { Clock } from '../../clock.ts';

/**
 * A gate's one pending wake-up on the injected clock. Asking for another time replaces
 * it, asking for the same time keeps it (no churn of timers while a queue waits), and
 * null cancels it.
 */
export class WakeTimer {
  private pending: { at: number; cancel: AbortController } | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly onWake: () => void,
  ) {}

  set(at: number | null): void {
    if (this.pending && this.pending.at === at) return;
    this.pending?.cancel.abort();
    this.pending = null;
    if (at === null) return;
    const timer = { at, cancel: new AbortController() };
    this.pending = timer;
    this.clock.sleep(at - this.clock.now(), timer.cancel.signal).then(
      () => {
        if (this.pending === timer) this.pending = null;
        this.onWake();
      },
      () => undefined,
    );
  }
}
