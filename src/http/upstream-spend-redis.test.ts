import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { systemClock } from '../clock.ts';
import { loadConfig } from '../config/config.ts';
import { silentLogger } from '../log.ts';
import { createRedisParts } from '../redis/redis-parts.ts';
import { redisTarget } from '../../test/support/service-targets.ts';
import { HttpProblem } from './problem.ts';
import { upstreamSpendLimit } from './upstream-spend-limit.ts';

const redis = await redisTarget();
after(() => redis.cleanup());

test('with Redis, the per-client limit is one count across API processes', { skip: redis.skip }, async () => {
  const config = loadConfig({ REDIS_URL: redis.url, REDIS_PREFIX: `${redis.prefix}-spend`, LOG_LEVEL: 'silent' });
  // Two processes' worth of parts: each its own connection, one prefix.
  const a = createRedisParts({ ...config, redisUrl: redis.url }, { logger: silentLogger, clock: systemClock });
  const b = createRedisParts({ ...config, redisUrl: redis.url }, { logger: silentLogger, clock: systemClock });
  try {
    await Promise.all([a.ready(), b.ready()]);
    const first = upstreamSpendLimit(3, a.limiter(3));
    const second = upstreamSpendLimit(3, b.limiter(3));
    await first.consume('203.0.113.7');
    await second.consume('203.0.113.7');
    await first.consume('203.0.113.7');
    await assert.rejects(second.consume('203.0.113.7'), (error: unknown) => error instanceof HttpProblem && error.status === 429);
    assert.equal(await first.tryConsume('203.0.113.7'), false);
    assert.equal(await second.tryConsume('198.51.100.1'), true, 'another client has its own count');
  } finally {
    await a.close();
    await b.close();
  }
});
