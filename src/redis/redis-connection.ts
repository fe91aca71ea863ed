import { Redis } from 'ioredis';
import type { Logger } from '../log.ts';

/**
 * A Redis connection for one role (commands, subscriptions, BullMQ). Commands wait while
 * Redis is away rather than fail after a few retries: BullMQ requires that of its
 * connections, and a worker should resume, not lose its place, when Redis comes back.
 */
export function openRedis(url: string, logger: Logger, role: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, connectionName: `tsunagu-${role}` });
  // Without a listener ioredis reports every reconnect attempt as an unhandled error.
  let reported = false;
  redis.on('error', (error: Error) => {
    if (!reported) logger.warn({ err: error, role }, 'Redis connection failed; reconnecting');
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) logger.info({ role }, 'Redis connection back');
    reported = false;
  });
  return redis;
}

/** Every key Tsunagu writes starts with `<prefix>:`, so installations and test runs can share one Redis. */
export function redisKey(prefix: string, ...parts: (string | number)[]): string {
  return [prefix, ...parts].join(':');
}
