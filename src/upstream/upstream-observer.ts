import type { UpstreamName } from './upstream-error.ts';

/** Hooks for metrics; every method optional, called synchronously, must not throw. */
export interface UpstreamObserver {
  /** After each HTTP attempt; status null when no response arrived. */
  onRequest?(event: { upstream: UpstreamName; status: number | null; durationMs: number; attempt: number }): void;
  /** After each wait at the rate gate (0 when a slot was free). */
  onGateWait?(event: { upstream: UpstreamName; waitedMs: number }): void;
  /** When a 429 paused the whole upstream. */
  onRateLimited?(event: { upstream: UpstreamName; pauseMs: number }): void;
}
