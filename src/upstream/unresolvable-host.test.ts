import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/config.ts';
import { silentLogger } from '../log.ts';
import { UpstreamError } from './upstream-error.ts';
import { createUpstreams } from './upstreams.ts';

// `.invalid` is reserved (RFC 2606): it never resolves, and asking sends nothing off the machine.
describe('an upstream host that does not resolve', () => {
  const config = loadConfig({
    ANILIST_URL: 'http://graphql.anilist.invalid/',
    JIKAN_URL: 'http://api.jikan.invalid/v4',
    LOG_LEVEL: 'silent',
    // The retries a name that does not resolve would otherwise spend.
    UPSTREAM_RETRIES: '4',
    UPSTREAM_BACKOFF_MS: '1000',
  });
  const { anilist, jikan } = createUpstreams(config, { logger: silentLogger });

  it('fails on the first attempt, naming the URL and ANILIST_URL', async () => {
    await assert.rejects(anilist.search('Attack on Titan'), (error: unknown) => {
      assert.ok(error instanceof UpstreamError);
      assert.equal(error.attempts, 1, 'not retried');
      assert.equal(error.retryable, false);
      assert.match(error.message, /cannot resolve host graphql\.anilist\.invalid of http:\/\/graphql\.anilist\.invalid\/ \(set by ANILIST_URL\)/);
      return true;
    });
  });

  it('names JIKAN_URL for Jikan', async () => {
    await assert.rejects(jikan.fetchFull(16498), (error: unknown) => {
      assert.ok(error instanceof UpstreamError);
      assert.equal(error.attempts, 1);
      assert.match(error.message, /api\.jikan\.invalid.*\(set by JIKAN_URL\)/);
      return true;
    });
  });
});
