import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.ts';

test('defaults apply when the environment is empty', () => {
  const config = loadConfig({});
  assert.equal(config.anilistUrl, 'https://graphql.anilist.co');
  assert.equal(config.jikanUrl, 'https://api.jikan.moe/v4');
  assert.equal(config.databaseUrl, 'sqlite:./data/tsunagu.sqlite');
  assert.equal(config.port, 3000);
  assert.equal(config.redisUrl, undefined);
  assert.deepEqual(config.franchiseFollow.slice(0, 2), ['SEQUEL', 'PREQUEL']);
});

test('environment and overrides are parsed, overrides win', () => {
  const config = loadConfig({ PORT: '8080', ANILIST_URL: 'http://127.0.0.1:4000/anilist' }, { port: 9090 });
  assert.equal(config.port, 9090);
  assert.equal(config.anilistUrl, 'http://127.0.0.1:4000/anilist');
});

test('bad values fail naming each option', () => {
  assert.throws(
    () => loadConfig({ PORT: '70000', JIKAN_URL: 'ftp://x', LOG_LEVEL: 'loud' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 3);
      assert.match(error.message, /PORT="70000"/);
      assert.match(error.message, /JIKAN_URL="ftp:\/\/x": must be a URL starting with http:\/\/ or https:\/\//);
      assert.match(error.message, /LOG_LEVEL="loud"/);
      return true;
    },
  );
});

test('rates below their documented range are refused, naming the option', () => {
  const low = { JIKAN_RATE_PER_SECOND: '0.05', JIKAN_RATE_PER_MINUTE: '0.5', ANILIST_RATE_PER_MINUTE: '0.5', ANILIST_MAX_RATE_PER_MINUTE: '0.5' };
  assert.throws(
    () => loadConfig(low),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      for (const name of Object.keys(low)) assert.match(error.message, new RegExp(`${name}="`));
      return true;
    },
  );
  const lowest = loadConfig({ JIKAN_RATE_PER_SECOND: '0.1', JIKAN_RATE_PER_MINUTE: '1', ANILIST_RATE_PER_MINUTE: '1', ANILIST_MAX_RATE_PER_MINUTE: '1' });
  assert.equal(lowest.jikanRatePerSecond, 0.1);
});
