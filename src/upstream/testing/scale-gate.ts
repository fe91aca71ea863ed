import type { RateGateOptions } from '../gate/rate-gate.ts';

/** The same gate with every window's limit multiplied by `factor` (bursts, in-flight caps and backoff unchanged). */
export function scaleGateOptions(options: RateGateOptions, factor: number): RateGateOptions {
  return { ...options, windows: options.windows.map((w) => ({ ...w, limit: w.limit * factor })) };
}
