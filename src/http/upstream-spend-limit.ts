import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { HttpProblem } from './problem.ts';

/** Counts one client's requests that spend upstream budget; throws a 429 problem past the limit. */
export interface UpstreamSpendLimit {
  /** Takes one point for `client`, or throws a 429 problem with Retry-After. */
  consume(client: string): Promise<void>;
  /** Takes one point when there is one: false instead of a 429 (a read that may refresh, but need not). */
  tryConsume(client: string): Promise<boolean>;
}

/**
 * Requests that spend upstream budget (ingests, refreshes of stale data, remote searches),
 * per client per minute. That budget is shared by everyone, so one client must not be able
 * to spend it all. Clients are told apart by socket address: forwarded headers are not
 * trusted, since the server binds loopback by default. The limiter is in memory for one
 * process, or in Redis (`RateLimiterRedis`) so that every API process counts together.
 */
export function upstreamSpendLimit(perMinute: number, limiter: RateLimiterAbstract = new RateLimiterMemory({ points: perMinute, duration: 60 })): UpstreamSpendLimit {
  const consume = async (client: string) => {
    try {
      await limiter.consume(client);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new HttpProblem(
        429,
        'rate-limited',
        'Too many requests that spend upstream budget',
        `at most ${perMinute} ingests, refreshes and remote searches per minute per client; try again in ${seconds} s`,
        { headers: { 'retry-after': String(seconds) } },
      );
    }
  };
  return {
    consume,
    async tryConsume(client) {
      try {
        await consume(client);
        return true;
      } catch (error) {
        if (error instanceof HttpProblem) return false;
        throw error;
      }
    },
  };
}
