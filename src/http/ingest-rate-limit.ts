import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpProblem } from './problem.ts';

/**
 * Ingest requests per client per minute. Ingests cost upstream budget shared by everyone,
 * so one client must not be able to spend it all. Clients are told apart by socket
 * address: forwarded headers are not trusted, since the server binds loopback by default.
 */
export function ingestRateLimit(perMinute: number): (client: string) => Promise<void> {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  return async (client) => {
    try {
      await limiter.consume(client);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new HttpProblem(
        429,
        'rate-limited',
        'Too many ingest requests',
        `at most ${perMinute} ingest requests per minute per client; try again in ${seconds} s`,
        { headers: { 'retry-after': String(seconds) } },
      );
    }
  };
}
