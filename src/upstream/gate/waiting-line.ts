import type { AcquireOptions, GateFeedback, GatePass, Priority } from './rate-gate.ts';

/** A caller waiting for a pass. */
export interface Waiter {
  readonly priority: Priority;
  /** When it joined the line, ms since epoch: the pass's `waitedMs` counts from here. */
  readonly enqueuedAt: number;
  resolve(pass: GatePass): void;
}

interface Entry extends Waiter {
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * The callers waiting for one gate's passes: interactive before background, first come
 * first served within each. A caller whose signal aborts leaves at once, rejected with the
 * signal's reason; `onAbort` then lets the gate look again, since the one that left may
 * have been the one it was waiting for.
 */
export class WaitingLine {
  private readonly queues: Record<Priority, Entry[]> = { interactive: [], background: [] };

  constructor(private readonly onAbort: () => void) {}

  /** Joins the line; settles when the gate hands this caller a pass, or when its signal aborts. */
  join(options: AcquireOptions, now: number): Promise<GatePass> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<GatePass>((resolve, reject) => {
      const entry: Entry = { priority: options.priority ?? 'interactive', enqueuedAt: now, resolve, reject, signal };
      if (signal) {
        entry.onAbort = () => {
          if (this.remove(entry)) reject(signal.reason);
          this.onAbort();
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.queues[entry.priority].push(entry);
    });
  }

  get size(): number {
    return this.queues.interactive.length + this.queues.background.length;
  }

  /** The waiters in the order they are served. */
  inOrder(): readonly Waiter[] {
    return [...this.queues.interactive, ...this.queues.background];
  }

  first(): Waiter | undefined {
    return this.queues.interactive[0] ?? this.queues.background[0];
  }

  /** Takes a waiter out of the line before handing it a pass; false when it has left already (aborted). */
  remove(waiter: Waiter): boolean {
    const queue = this.queues[waiter.priority];
    const at = queue.indexOf(waiter as Entry);
    if (at < 0) return false;
    const [entry] = queue.splice(at, 1);
    if (entry!.onAbort) entry!.signal!.removeEventListener('abort', entry!.onAbort);
    return true;
  }

  /** Empties the line, rejecting everyone in it with `reason`. */
  rejectAll(reason: unknown): void {
    for (const waiter of this.inOrder() as Entry[]) {
      this.remove(waiter);
      waiter.reject(reason);
    }
  }
}

/**
 * A pass whose `finish` reports once: later calls are ignored, so a caller that finishes
 * twice cannot free a second slot. `report` applies the feedback and returns the pause, ms.
 */
export function onePass(waitedMs: number, report: (feedback: GateFeedback) => number): GatePass {
  let finished = false;
  return {
    waitedMs,
    finish(feedback) {
      if (finished) return { pauseMs: 0 };
      finished = true;
      return { pauseMs: report(feedback) };
    },
  };
}
