import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom, type Random } from '../sim/seeded-random.ts';
import { AOT, startApiFixture, type ApiFixture } from '../../test/support/api-fixture.ts';

/** One generated request that must be refused with a 4xx problem. */
interface BadRequest {
  kind: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

const INJECTIONS = [
  "1' OR '1'='1",
  '1; DROP TABLE anime; --',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '\u202e\u202d',
  'アニメ',
  '🎌🎌🎌',
  'Ｆｕｌｌ　ｗｉｄｔｈ',
  'null',
  'undefined',
  '__proto__',
  'constructor',
];
const BAD_NUMBERS = ['-1', '0', '-0', '1.5', '1e3', '0x10', 'NaN', 'Infinity', '-Infinity', ' 1', '+1', '2147483648', '99999999999999999999', '1,2', '١٢', ''];
// Header values must be Latin-1 for fetch to send them at all, and fetch trims them.
const LAST_EVENT_IDS = ['-1', '1.5', '1e3', '0x10', 'NaN', 'Infinity', '+1', '99999999999999999999', '1,2', 'abc', '1 2', "1' OR 1=1"];
const WRONG_METHODS = ['PUT', 'DELETE', 'PATCH'];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random.next() * items.length)];
}

function noise(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCodePoint(pick(random, [0x41 + Math.floor(random.next() * 26), 0x3042 + Math.floor(random.next() * 80), 0x1f600 + Math.floor(random.next() * 50), 0x20, 0x2f, 0x25, 0x3f]));
  return out;
}

const enc = encodeURIComponent;

/** Every generator yields a request that is wrong in at least one way. */
const generators: ((random: Random, jobId: string) => BadRequest)[] = [
  (r) => ({ kind: 'bad anime id', method: 'GET', path: `/api/anime/${enc(pick(r, [...BAD_NUMBERS.filter(Boolean), ...INJECTIONS]))}` }),
  (r) => ({ kind: 'bad MAL id', method: 'GET', path: `/api/anime/mal/${enc(pick(r, [...BAD_NUMBERS.filter(Boolean), ...INJECTIONS]))}` }),
  (r) => ({ kind: 'bad franchise id', method: 'GET', path: `/api/anime/${enc(pick(r, [...BAD_NUMBERS.filter(Boolean), ...INJECTIONS]))}/franchise` }),
  (r) => ({ kind: 'bad ingest flag', method: 'GET', path: `/api/anime/${AOT}/franchise?ingest=${enc(pick(r, ['yes', '1', 'TRUE', '', ...INJECTIONS]))}` }),
  (r) => ({ kind: 'bad job id', method: 'GET', path: `/api/jobs/${enc(pick(r, ['x'.repeat(129), '-leading', '.dot', ...INJECTIONS.filter((s) => !/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(s))]))}` }),
  (r) => {
    const which = Math.floor(r.next() * 4);
    const q = which === 0 ? '' : which === 1 ? '   ' : which === 2 ? 'a'.repeat(201 + Math.floor(r.next() * 500)) : 'ok';
    const limit = which === 3 ? pick(r, BAD_NUMBERS.filter((n) => n !== '')) : '5';
    return { kind: 'bad search', method: 'GET', path: `/api/search?q=${enc(q)}&limit=${enc(limit)}` };
  },
  (r) => ({ kind: 'bad search flag', method: 'GET', path: `/api/search?q=x&remote=${enc(pick(r, ['yes', '2', 'on', ...INJECTIONS]))}` }),
  (r) => ({ kind: 'repeated param', method: 'GET', path: `/api/search?q=a&q=b&limit=${Math.floor(r.next() * 50) + 1}` }),
  (r) => ({
    kind: 'bad JSON',
    method: 'POST',
    path: '/api/ingest',
    headers: { 'content-type': 'application/json' },
    body: pick(r, ['{', '{"query":', "{'query':'x'}", '{"query":"x",}', 'undefined', '\u0000', '{"query":"x"}}', noise(r, 20)]),
  }),
  (r) => ({
    kind: 'wrong body type',
    method: 'POST',
    path: '/api/ingest',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      pick(r, [
        null,
        [],
        42,
        'Gundam',
        {},
        { query: 42 },
        { query: null },
        { query: ['Gundam'] },
        { query: { $ne: '' } },
        { query: '' },
        { query: 'x'.repeat(1001) },
        { query: 'Gundam', enrich: 'yes' },
        { query: 'Gundam', enrich: 1 },
        { query: 'Gundam', extra: pick(r, INJECTIONS) },
        { Query: 'Gundam' },
        { query: `${pick(r, INJECTIONS)}\u0007` },
        { query: `mal:${pick(r, BAD_NUMBERS)}` },
        { query: pick(r, ['-5', '0', '99999999999999999999', '2147483648']) },
      ]),
    ),
  }),
  (r) => ({ kind: 'oversized body', method: 'POST', path: '/api/ingest', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'a'.repeat(16 * 1024 + Math.floor(r.next() * 50_000)) }) }),
  (r) => ({ kind: 'wrong content type', method: 'POST', path: '/api/ingest', headers: { 'content-type': pick(r, ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'image/png']) }, body: 'query=Gundam' }),
  (r) => ({ kind: 'no body', method: 'POST', path: '/api/ingest', headers: r.next() < 0.5 ? { 'content-type': 'application/json' } : {} }),
  (r) => ({ kind: 'wrong method', method: pick(r, WRONG_METHODS), path: pick(r, [`/api/anime/${AOT}`, `/api/anime/${AOT}/franchise`, '/api/ingest', '/api/search?q=x', '/healthz', '/metrics', '/api/openapi.json']) }),
  (r) => ({ kind: 'GET on a POST route', method: 'GET', path: pick(r, ['/api/ingest', '/api/jobs/fake-1/cancel']) }),
  (r) => ({ kind: 'unknown API route', method: pick(r, ['GET', 'POST', 'DELETE', 'PUT']), path: `/api/${enc(noise(r, 1 + Math.floor(r.next() * 30)))}${r.next() < 0.3 ? `/${enc(pick(r, INJECTIONS))}` : ''}` }),
  (r, jobId) => ({ kind: 'bad Last-Event-ID', method: 'GET', path: `/api/jobs/${jobId}/events`, headers: { 'last-event-id': pick(r, LAST_EVENT_IDS) } }),
  (r, jobId) => ({ kind: 'bad lastEventId', method: 'GET', path: `/api/jobs/${jobId}/events?lastEventId=${enc(pick(r, ['-1', 'abc', '1.5', '1e3', ...INJECTIONS]))}` }),
];

describe('generated bad requests', () => {
  let api: ApiFixture;
  before(async () => {
    api = await startApiFixture();
  });
  after(() => api.close());

  test('1,200 seeded bad requests: every one a 4xx application/problem+json, never a 5xx or a stack', async () => {
    const random = seededRandom(20260601);
    const { job } = await api.runtime.ingest.requestIngest({ query: '1' });
    const requests = Array.from({ length: 1200 }, () => pick(random, generators)(random, job.id));
    const kinds = new Map<string, number>();
    const statuses = new Set<number>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const req = requests[next++];
        kinds.set(req.kind, (kinds.get(req.kind) ?? 0) + 1);
        const response = await fetch(`${api.url}${req.path}`, {
          method: req.method,
          headers: req.headers,
          body: req.body,
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        statuses.add(response.status);
        const type = response.headers.get('content-type') ?? '';
        let problem: { status?: unknown; type?: unknown; title?: unknown } | null = null;
        try {
          problem = JSON.parse(text);
        } catch {
          /* reported below */
        }
        const wrong =
          response.status < 400 || response.status >= 500
            ? `status ${response.status}`
            : !type.startsWith('application/problem+json')
              ? `content-type ${type}`
              : problem?.status !== response.status || typeof problem?.type !== 'string' || typeof problem?.title !== 'string'
                ? 'not a problem document'
                : /\n\s+at |\.ts:\d+/.test(text)
                  ? 'stack trace in body'
                  : null;
        if (wrong) failures.push(`${req.kind}: ${req.method} ${req.path.slice(0, 120)} -> ${wrong}: ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${requests.length} requests were mishandled`);
    assert.equal(kinds.size, generators.length, 'every kind of bad request was generated');
    assert.deepEqual([...statuses].sort(), [400, 404, 405, 413, 415]);
    assert.equal(api.bus.listenerCount(), 0, 'no stream left open');
    assert.equal((await api.jobs()).length, 1, 'no bad request started an ingest');
  });
});
