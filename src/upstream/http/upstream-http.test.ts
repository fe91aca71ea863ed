import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { systemClock } from '../../clock.ts';
import { silentLogger } from '../../log.ts';
import { MemoryRateGate } from '../gate/memory-rate-gate.ts';
import type { RateGateOptions } from '../gate/rate-gate.ts';
import { UpstreamError } from '../upstream-error.ts';
import type { UpstreamObserver } from '../upstream-observer.ts';
import { UpstreamHttp, type UpstreamHttpOptions } from './upstream-http.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A loopback server answering the n-th request (1-based) with `handler`; records arrival times and headers. */
async function serve(handler: Handler) {
  const arrivals: { at: number; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((req, res) => {
    arrivals.push({ at: Date.now(), headers: req.headers });
    req.resume();
    req.on('end', () => handler(req, res, arrivals.length));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url, arrivals };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

const roomyGate: RateGateOptions = {
  windows: [{ limit: 1000, windowMs: 1000 }],
  maxInFlight: 8,
  rateLimitBackoff: { initialMs: 200, maxMs: 1000 },
  guardMs: 0,
};

function client(overrides: Partial<UpstreamHttpOptions> = {}) {
  return new UpstreamHttp({
    upstream: 'jikan',
    gate: new MemoryRateGate(roomyGate, systemClock),
    fetch,
    clock: systemClock,
    logger: silentLogger,
    timeoutMs: 2_000,
    retries: 3,
    rateLimitRetries: 3,
    backoff: { baseMs: 10, maxMs: 50 },
    headers: { 'User-Agent': 'tsunagu-test', Referer: 'https://example.test/' },
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UpstreamError, `expected UpstreamError, got ${error}`);
    return error;
  }
  assert.fail('expected a failure');
}

describe('UpstreamHttp', () => {
  it('retries a 5xx and an empty body, then returns the JSON, sending its headers and passing rate headers to the gate', async () => {
    const { url, arrivals } = await serve((_req, res, n) => {
      if (n === 1) return json(res, 500, '');
      if (n === 2) return json(res, 200, '');
      json(res, 200, { ok: n }, { 'X-RateLimit-Limit': '30', 'X-RateLimit-Remaining': '27' });
    });
    const gate = new MemoryRateGate({ ...roomyGate, windows: [{ limit: 90, windowMs: 60_000 }] }, systemClock);
    const http = client({ gate });
    const result = await http.call({ method: 'GET', url });
    assert.deepEqual(result, { status: 200, json: { ok: 3 }, attempts: 3 });
    assert.equal(http.requestCount, 3);
    assert.ok(arrivals.every((a) => a.headers['user-agent'] === 'tsunagu-test' && a.headers.referer === 'https://example.test/'));
    assert.equal(gate.snapshot().ratePerMinute, 28, 'X-RateLimit-Limit 30 reaches the gate: 30 minus headroom');
  });

  it('retries HTML (a Cloudflare 403) and truncated JSON as retryable parse failures', async () => {
    const { url } = await serve((_req, res, n) => {
      if (n === 1) {
        res.writeHead(403, { 'content-type': 'text/html' });
        return res.end('<!DOCTYPE html><title>Just a moment...</title>');
      }
      if (n === 2) return json(res, 200, '{"data":{"Page":{"media":[{"id":1');
      json(res, 200, { fine: true });
    });
    assert.deepEqual((await client().call({ method: 'GET', url })).json, { fine: true });
    const always = await serve((_req, res) => {
      res.writeHead(403, { 'content-type': 'text/html' });
      res.end('<html>Just a moment...</html>');
    });
    const error = await failure(client({ retries: 2 }).call({ method: 'GET', url: always.url }));
    assert.equal(error.kind, 'parse');
    assert.equal(error.status, 403);
    assert.equal(error.attempts, 3);
    assert.match(error.bodyExcerpt ?? '', /Just a moment/);
    assert.equal(always.arrivals.length, 3);
  });

  it('never retries other 4xx, and names upstream, status and request', async () => {
    const { url, arrivals } = await serve((_req, res) =>
      json(res, 404, { status: 404, type: 'BadResponseException', message: 'Resource does not exist', error: null }),
    );
    const error = await failure(client().call({ method: 'GET', url }));
    assert.equal(arrivals.length, 1);
    assert.equal(error.upstream, 'jikan');
    assert.equal(error.kind, 'http');
    assert.equal(error.status, 404);
    assert.equal(error.retryable, false);
    assert.equal(error.request, `GET ${url}`);
    assert.match(error.message, /Resource does not exist/);
  });

  it('gives up after the retries with a timeout error when nothing answers', async () => {
    const { url, arrivals } = await serve(() => undefined);
    const error = await failure(client({ timeoutMs: 150, retries: 1 }).call({ method: 'GET', url }));
    assert.equal(error.kind, 'timeout');
    assert.equal(error.status, null);
    assert.equal(error.attempts, 2);
    assert.equal(arrivals.length, 2);
  });

  it('reports a refused connection as a network error', async () => {
    const { url } = await serve(() => undefined);
    const closed = url.replace(/:\d+\//, ':1/');
    const error = await failure(client({ retries: 0 }).call({ method: 'GET', url: closed }));
    assert.equal(error.kind, 'network');
    assert.equal(error.retryable, true);
  });

  it('on 429 pauses the gate for Retry-After before the one retry, and tells the observer', async () => {
    const { url, arrivals } = await serve((_req, res, n) => {
      if (n === 1) return json(res, 429, { data: null, errors: [{ message: 'Too Many Requests.', status: 429 }] }, { 'Retry-After': '1' });
      json(res, 200, { data: 'ok' }, { 'X-RateLimit-Limit': '30', 'X-RateLimit-Remaining': '28' });
    });
    const events: string[] = [];
    const observer: UpstreamObserver = {
      onRequest: (e) => events.push(`request ${e.upstream} ${e.status} #${e.attempt}`),
      onRateLimited: (e) => events.push(`paused ${e.upstream} ${e.pauseMs >= 1000}`),
      onGateWait: (e) => events.push(`waited ${e.waitedMs >= 900 ? 'long' : 'short'}`),
    };
    const gate = new MemoryRateGate({ ...roomyGate, windows: [{ limit: 100, windowMs: 60_000 }] }, systemClock);
    const http = client({ upstream: 'anilist', gate, observer });
    assert.equal((await http.call({ method: 'POST', url, body: { query: '{}' } })).attempts, 2);
    assert.equal(arrivals.length, 2);
    assert.ok(arrivals[1].at - arrivals[0].at >= 1000, `retried after ${arrivals[1].at - arrivals[0].at} ms`);
    assert.deepEqual(events, ['waited short', 'request anilist 429 #1', 'paused anilist true', 'waited long', 'request anilist 200 #2']);
  });

  it('counts 429s apart from other failures, each against its own limit', async () => {
    const answers = [429, 500, 429, 200];
    const { url } = await serve((_req, res, n) => json(res, answers[n - 1] ?? 200, { n }));
    const gate = new MemoryRateGate({ ...roomyGate, rateLimitBackoff: { initialMs: 10, maxMs: 10 } }, systemClock);
    assert.equal((await client({ gate, retries: 1, rateLimitRetries: 2 }).call({ method: 'GET', url })).attempts, 4);
    const strict = await serve((_req, res, n) => json(res, answers[n - 1] ?? 200, { n }));
    const error = await failure(client({ gate, retries: 5, rateLimitRetries: 1 }).call({ method: 'GET', url: strict.url }));
    assert.deepEqual([error.kind, error.status, error.attempts], ['rate-limited', 429, 3], 'the second 429 is one too many');
  });

  it('treats a 2xx whose body carries a 429 status (Jikan\'s string "429") as rate limited', async () => {
    const { url } = await serve((_req, res, n) => {
      if (n === 1) return json(res, 200, { status: '429', type: 'RateLimitException', message: 'You are being rate-limited.', error: null });
      json(res, 200, { data: 1 });
    });
    const events: number[] = [];
    const http = client({
      observer: { onRateLimited: (e) => events.push(e.pauseMs) },
      bodyStatus: (body) => Number((body as { status?: unknown }).status) || null,
    });
    assert.equal((await http.call({ method: 'GET', url })).attempts, 2);
    assert.deepEqual(events, [200], 'no Retry-After: the gate\'s own first backoff');
  });

  it('cancels promptly, in flight and while queued in the gate, with kind aborted', async () => {
    const { url, arrivals } = await serve(() => undefined);
    const gate = new MemoryRateGate({ ...roomyGate, maxInFlight: 1 }, systemClock);
    const http = client({ gate, timeoutMs: 60_000 });
    const abort = new AbortController();
    const inFlight = failure(http.call({ method: 'GET', url, signal: abort.signal }));
    const queued = failure(http.call({ method: 'GET', url, signal: abort.signal }));
    while (arrivals.length === 0) await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    const errors = await Promise.all([inFlight, queued]);
    assert.deepEqual(errors.map((e) => [e.kind, e.retryable, e.attempts]), [['aborted', false, 1], ['aborted', false, 0]]);
    assert.equal(arrivals.length, 1, 'the queued call never reached the server');
    assert.equal(gate.snapshot().inFlight, 0);
    await assert.rejects(http.call({ method: 'GET', url, signal: AbortSignal.abort() }), (e: UpstreamError) => e.kind === 'aborted');
  });

  it('cancels during the backoff between retries', async () => {
    const { url, arrivals } = await serve((_req, res) => json(res, 503, { message: 'down' }));
    const abort = new AbortController();
    const call = failure(client({ backoff: { baseMs: 60_000, maxMs: 60_000 } }).call({ method: 'GET', url, signal: abort.signal }));
    while (arrivals.length === 0) await new Promise((r) => setTimeout(r, 5));
    setTimeout(() => abort.abort(), 20);
    const error = await call;
    assert.equal(error.kind, 'aborted');
    assert.equal(error.attempts, 1);
  });
});
