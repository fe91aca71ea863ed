export interface BackoffOptions {
  /** Wait before the first retry, ms; doubles per retry. */
  baseMs: number;
  /** Longest wait between retries, ms. */
  maxMs: number;
}

/**
 * Wait before retry number `attempt` (1-based): exponential, with "equal jitter" (half
 * fixed, half random) so callers that failed together do not all come back together.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
