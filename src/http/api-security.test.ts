import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { AOT, readProblem, startApiFixture, type ApiFixture } from '../../test/support/api-fixture.ts';

const TOKEN = 'correct-horse-battery-staple';

/** A POST from a chosen loopback source address (Linux routes all of 127/8 to lo), so tests can be several clients. */
function postFrom(url: string, localAddress: string, body: unknown): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/ingest`, { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('API token', () => {
  let api: ApiFixture;
  before(async () => {
    api = await startApiFixture({ config: { apiToken: TOKEN } });
  });
  after(() => api.close());

  const ingest = (headers: Record<string, string>) =>
    fetch(`${api.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"Gundam"}' });

  test('writes without the token, or with a wrong one, are 401 problems and start nothing', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token-123' }, { authorization: `Basic ${TOKEN}` }, { authorization: `Bearer ${TOKEN}x` }]) {
      const response = await ingest(headers);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="tsunagu"');
      assert.equal((await readProblem(response)).status, 401, JSON.stringify(headers));
    }
    assert.equal((await readProblem(await fetch(`${api.url}/api/jobs/x/cancel`, { method: 'POST' }))).status, 401);
    assert.deepEqual(await api.jobs(), []);
    const metrics = await api.metrics.registry.metrics();
    assert.match(metrics, /tsunagu_http_request_duration_seconds_count\{route="\/api\/ingest",method="POST",status="401"\} 4/, 'refusals count under their route');
  });

  test('writes with the token go through', async () => {
    assert.equal((await ingest({ authorization: `Bearer ${TOKEN}` })).status, 202);
    assert.equal((await ingest({ authorization: `bearer   ${TOKEN}` })).status, 202, 'scheme is case-insensitive');
  });

  test('reads need no token, but a read that would start an ingest does', async () => {
    assert.equal((await fetch(`${api.url}/api/anime/${AOT}/franchise`)).status, 200);
    assert.equal((await readProblem(await fetch(`${api.url}/api/anime/5/franchise`))).status, 401);
    assert.equal((await fetch(`${api.url}/api/anime/5/franchise`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 202);
  });
});

describe('ingest rate limit', () => {
  let api: ApiFixture;
  before(async () => {
    api = await startApiFixture({ config: { ingestRatePerMinute: 3 } });
  });
  after(() => api.close());

  test('a client over its per-minute budget gets 429 with Retry-After; another client is not affected', async () => {
    const statuses: number[] = [];
    for (const id of ['1', '6', '19']) statuses.push((await postFrom(api.url, '127.0.0.2', { query: id })).status);
    assert.deepEqual(statuses, [202, 202, 202]);
    const refused = await postFrom(api.url, '127.0.0.2', { query: '20' });
    assert.equal(refused.status, 429);
    assert.match(String(refused.headers['content-type']), /^application\/problem\+json/);
    const seconds = Number(refused.headers['retry-after']);
    assert.ok(seconds >= 1 && seconds <= 60, `Retry-After ${seconds}`);
    assert.equal(JSON.parse(refused.body).type, 'urn:tsunagu:problem:rate-limited');
    assert.equal((await postFrom(api.url, '127.0.0.3', { query: '21' })).status, 202);
    assert.equal((await api.jobs()).length, 4, 'the refused request started nothing');
  });

  test('reads are not limited', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await fetch(`${api.url}/api/anime/${AOT}`)).status, 200);
  });
});

describe('browser-facing headers', () => {
  test('security headers everywhere; CORS off by default', async () => {
    const api = await startApiFixture();
    try {
      for (const path of ['/', `/api/anime/${AOT}`, '/api/nope']) {
        const response = await fetch(`${api.url}${path}`, { headers: { origin: 'http://evil.example' } });
        const csp = response.headers.get('content-security-policy') ?? '';
        assert.match(csp, /default-src 'self'/, path);
        assert.match(csp, /script-src 'self'/, path);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, path);
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
        assert.equal(response.headers.get('access-control-allow-origin'), null, path);
      }
    } finally {
      await api.close();
    }
  });

  test('CORS_ORIGIN allows the listed origins only', async () => {
    const api = await startApiFixture({ config: { corsOrigin: 'http://app.example,http://other.example' } });
    try {
      const preflight = await fetch(`${api.url}/api/ingest`, {
        method: 'OPTIONS',
        headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://app.example');
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
      const read = await fetch(`${api.url}/api/anime/${AOT}`, { headers: { origin: 'http://evil.example' } });
      assert.equal(read.headers.get('access-control-allow-origin'), null);
    } finally {
      await api.close();
    }
  });
});
