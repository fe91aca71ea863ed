import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { followJob, sqliteDatabase, startFastSimulator, testRuntime, type TestDatabase, type TestRuntime } from '../../test/support/ingest-harness.ts';
import type { RunningSimulator } from '../sim/simulator.ts';
import { seededRandom, type Random } from '../sim/seeded-random.ts';
import { createMetrics } from './metrics.ts';
import { createRuntimeApp } from './runtime-app.ts';
import { startServer, type RunningServer } from './server.ts';

const TOKEN = 'fuzzing-token-123';
const REQUESTS = 2_400;

const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r.next() * items.length)]!;
const int = (r: Random, max: number) => Math.floor(r.next() * max);

/** Printable ASCII and a few bytes fetch still sends in a header. */
function junk(r: Random, length: number, alphabet = ' !"#$%&\'()*+,-./0123456789:;<=>?@AZaz[\\]^_`{|}~\t'): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[int(r, alphabet.length)];
  return out;
}

function unicodeJunk(r: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCodePoint(pick(r, [0, 0x7, 0x20 + int(r, 95), 0x3042 + int(r, 80), 0x1f600 + int(r, 50), 0xd800, 0x202e, 0xfeff]));
  return out;
}

const IDS = ['16498', '80', '9253', '1535', '0', '-1', '1.5', '2147483648', '99999999999999999999', 'abc', '%00', '..', '%2e%2e', 'mal', ''];
const WORDS = ['Attack on Titan', 'gundam', 'Steins;Gate', '<script>', "' OR 1=1 --", '%', '_', '\\', 'ａ', ''];

function path(r: Random, jobIds: string[]): string {
  const id = () => pick(r, [...IDS, String(1 + int(r, 200_000))]);
  const job = () => pick(r, [...jobIds, 'no-such-job', junk(r, 1 + int(r, 40)).replace(/[/?#]/g, '')]);
  // Lone surrogates cannot be percent-encoded; broken escapes go in raw instead.
  const q = () => (r.next() < 0.2 ? pick(r, ['%ED%A0%80', '%FF', '%', '%%', '%u0041', '%C0%AF']) : encodeURIComponent(pick(r, [...WORDS, unicodeJunk(r, int(r, 30)).replace(/[\uD800-\uDFFF]/g, '?')])));
  const paths = [
    () => `/api/anime/${id()}`,
    () => `/api/anime/mal/${id()}`,
    () => `/api/anime/${id()}/franchise${pick(r, ['', '?ingest=false', '?ingest=true', '?ingest=maybe', '?ingest=false&ingest=true'])}`,
    () => '/api/ingest',
    () => `/api/jobs/${encodeURIComponent(job())}`,
    () => `/api/jobs/${encodeURIComponent(job())}/cancel`,
    () => `/api/jobs/${encodeURIComponent(job())}/events${pick(r, ['', '?lastEventId=0', `?lastEventId=${int(r, 500)}`, '?lastEventId=-3', '?lastEventId=x'])}`,
    () => `/api/search?q=${q()}&limit=${pick(r, ['1', '10', '50', '51', '0', 'x', ''])}${pick(r, ['', '&remote=true', '&remote=false', '&remote=yes'])}`,
    () => pick(r, ['/healthz', '/readyz', '/metrics', '/api/openapi.json', '/api/docs', '/', '/anime/16498', '/assets/none.js', '/favicon.svg']),
    () => `/${junk(r, int(r, 60), 'abcxyz019/._-~%?&=#')}`,
    () => `/api/${'../'.repeat(int(r, 5))}${junk(r, int(r, 20), 'abc/._%')}`,
    () => `//api//anime//${id()}`,
    () => `/api/anime/${'9'.repeat(1 + int(r, 4000))}`,
  ];
  return pick(r, paths)();
}

function body(r: Random): string | undefined {
  const bodies = [
    () => undefined,
    () => JSON.stringify({ query: pick(r, [...WORDS, ...IDS, `mal:${pick(r, IDS)}`]), ...(r.next() < 0.5 ? { enrich: r.next() < 0.5 } : {}) }),
    () => JSON.stringify({ query: unicodeJunk(r, int(r, 50)) }),
    () => JSON.stringify(pick(r, [null, [], {}, 1, 'x', { query: null }, { query: 1 }, { __proto__: { query: 'x' } }, { query: 'x', enrich: 'yes' }])),
    () => junk(r, int(r, 200)),
    () => unicodeJunk(r, int(r, 200)),
    () => `{"query":"${'a'.repeat(int(r, 40_000))}"}`,
    () => '{'.repeat(1 + int(r, 5_000)),
  ];
  return pick(r, bodies)();
}

function headers(r: Random): Record<string, string> {
  const out: Record<string, string> = {};
  if (r.next() < 0.5) out['content-type'] = pick(r, ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', junk(r, 20)]);
  if (r.next() < 0.4) out.authorization = pick(r, [`Bearer ${TOKEN}`, 'Bearer wrong', 'Bearer', 'Basic Zm9vOmJhcg==', `bearer ${TOKEN}`, junk(r, 30)]);
  if (r.next() < 0.3) out['last-event-id'] = pick(r, ['0', '1', '3', String(int(r, 1_000)), '-1', 'x', '1e3', junk(r, 10)]).trim() || '0';
  if (r.next() < 0.2) out.accept = pick(r, ['text/event-stream', 'application/json', '*/*', junk(r, 15)]);
  if (r.next() < 0.1) out['x-forwarded-for'] = junk(r, 15);
  if (r.next() < 0.1) out.origin = pick(r, ['http://evil.example', 'null', junk(r, 10)]);
  return out;
}

describe('generated requests of every kind against the real app', () => {
  let sim: RunningSimulator;
  let db: TestDatabase;
  let runtime: TestRuntime;
  let server: RunningServer;
  const shutdown = new AbortController();
  before(async () => {
    sim = await startFastSimulator();
    db = await sqliteDatabase();
    runtime = await testRuntime(sim, db.url, { env: { TSUNAGU_API_TOKEN: TOKEN, INGEST_RATE_PER_MINUTE: '40' } });
    server = await startServer(createRuntimeApp(runtime, { metrics: createMetrics(), shutdown: shutdown.signal }), { port: 0, closeGraceMs: 200 });
  });
  after(async () => {
    shutdown.abort();
    await server.close();
    await runtime.close();
    await db.close();
    await sim.close();
  });

  test(`${REQUESTS.toLocaleString('en')} seeded requests (methods, paths, headers, bodies; good and bad): no 5xx, no stack trace`, async () => {
    const random = seededRandom(20261129);
    const seed = await runtime.ingest.requestIngest({ query: '9253' });
    await followJob(runtime, seed.job.id);
    const jobIds = [seed.job.id];
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let sent = 0;
    const worker = async () => {
      while (sent < REQUESTS) {
        sent++;
        const method = pick(random, ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
        const target = path(random, jobIds);
        const init: RequestInit = { method, headers: headers(random), signal: AbortSignal.timeout(3_000) };
        if (method !== 'GET' && method !== 'HEAD') init.body = body(random);
        let status: number;
        let text = '';
        try {
          const response = await fetch(`${server.url}${target}`, init);
          status = response.status;
          // Event streams of running jobs stay open: a reader that leaves is part of the mix.
          text = response.headers.get('content-type') === 'text/event-stream' ? '' : await response.text();
          if (response.headers.get('content-type') === 'text/event-stream') await response.body?.cancel();
          const job = /"job":\{"id":"([^"]+)"/.exec(text)?.[1];
          if (job && !jobIds.includes(job)) jobIds.push(job);
        } catch (error) {
          if ((error as Error).name === 'TimeoutError') continue;
          failures.push(`${method} ${target.slice(0, 100)} -> ${(error as Error).message}`);
          continue;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) failures.push(`${method} ${target.slice(0, 100)} -> ${status}: ${text.slice(0, 200)}`);
        else if (/\n\s+at |\.ts:\d+/.test(text)) failures.push(`${method} ${target.slice(0, 100)} -> stack trace: ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    if (process.env.FUZZ_REPORT) process.stderr.write(`fuzz statuses: ${JSON.stringify([...statuses].sort((a, b) => a[0] - b[0]))}\n`);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${REQUESTS} requests got a 5xx, a stack or a broken connection`);
    const counted = [...statuses.values()].reduce((a, b) => a + b, 0);
    assert.ok(counted >= REQUESTS * 0.95, `answered ${counted} of ${REQUESTS}`);
    for (const status of [200, 202, 400, 401, 404, 405, 413, 415]) assert.ok(statuses.has(status), `some request got ${status}: ${JSON.stringify([...statuses])}`);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the server still answers');
  });
});
