import { performance } from 'node:perf_hooks';
import { systemClock, type Clock } from '../../clock.ts';

/**
 * A real clock running `speed` times faster. Shared by a client and the simulator, it
 * plays minutes of rate windows in seconds: both sides see the same (virtual) time, so
 * limits, Retry-After and pauses keep their true proportions.
 */
export class ScaledClock implements Clock {
  private readonly realStart = performance.now();
  private readonly virtualStart: number;

  constructor(
    readonly speed: number,
    start = Date.now(),
  ) {
    if (!Number.isFinite(speed) || speed <= 0) throw new TypeError(`Expected \`speed\` to be a finite number > 0, got \`${speed}\` (${typeof speed})`);
    this.virtualStart = start;
  }

  now(): number {
    return this.virtualStart + (performance.now() - this.realStart) * this.speed;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms / this.speed, signal);
  }
}
