import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { get } from 'node:http';
import { describe, test } from 'node:test';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import { followJob, postgresDatabase, type TestDatabase } from '../../test/support/ingest-harness.ts';
import { ReadCache } from './read-cache.ts';
import { AOT, seedFromCatalog } from '../../test/support/api-fixture.ts';
import { servedRuntimes } from '../../test/support/served-runtime.ts';

const run = promisify(execFile);
const STEINS_GATE = 9253;
const TOKEN = 'a-long-enough-token';
const DAY = 86_400_000;
const FRANCHISE = `/api/anime/${AOT}/franchise`;

/** One GET as it travels (fetch would decode it): status, headers and the raw body bytes. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res
        .on('data', (chunk: Buffer) => chunks.push(chunk))
        .on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
        .on('error', reject);
    }).on('error', reject);
  });
}

describe('reads from the cache', () => {
  const api = servedRuntimes();

  /** `serve` as it runs (real runtime, real app, loopback port) over a database seeded with Attack on Titan. */
  async function serve(options: { env?: Record<string, string>; clock?: Clock; db?: TestDatabase; seed?: boolean } = {}) {
    const served = await api.serve({ db: options.db, env: { TSUNAGU_ENRICH: 'false', ...options.env }, runtime: { clock: options.clock ?? systemClock } });
    if (options.seed ?? true) await seedFromCatalog(served.runtime.store, [AOT]);
    return served;
  }

  test('a franchise read carries a weak ETag, Cache-Control and Vary; If-None-Match with it (or *) answers 304 with no body', async () => {
    const { server } = await serve();
    const first = await rawGet(`${server.url}${FRANCHISE}`);
    assert.equal(first.status, 200);
    const etag = String(first.headers.etag);
    assert.match(etag, /^W\/"[A-Za-z0-9_-]+"$/);
    assert.equal(first.headers['cache-control'], 'public, no-cache');
    assert.match(String(first.headers.vary), /Accept-Encoding/i);
    assert.equal(JSON.parse(first.body.toString()).franchise.id, AOT);

    for (const header of [etag, etag.slice(2), `"other", ${etag}`, '*']) {
      const again = await rawGet(`${server.url}${FRANCHISE}`, { 'if-none-match': header });
      assert.equal(again.status, 304, `If-None-Match: ${header}`);
      assert.equal(again.body.byteLength, 0);
      assert.equal(again.headers.etag, etag);
      assert.match(String(again.headers.vary), /Accept-Encoding/i);
    }
  });

  test('a bad or foreign If-None-Match gets the whole answer, never an error', async () => {
    const { server } = await serve();
    const plain = await rawGet(`${server.url}${FRANCHISE}`);
    for (const header of ['nonsense', '"unterminated', 'W/', ',,,', '"a"'.repeat(2000), 'W/"x", "y"']) {
      const response = await rawGet(`${server.url}${FRANCHISE}`, { 'if-none-match': header });
      assert.equal(response.status, 200, `If-None-Match: ${header.slice(0, 40)}`);
      assert.deepEqual(response.body, plain.body);
    }
  });

  test('gzip and br follow Accept-Encoding and its q-values, decode to the same JSON, and share the ETag', async () => {
    const { server } = await serve();
    const plain = await rawGet(`${server.url}${FRANCHISE}`);
    assert.equal(plain.headers['content-encoding'], undefined);
    const cases: [string, string | undefined][] = [
      ['gzip', 'gzip'],
      ['gzip, deflate, br', 'br'],
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=0.5, br;q=0.4', 'gzip'],
      ['*', 'br'],
      ['identity', undefined],
      ['gzip;q=0', undefined],
      ['compress, nonsense;q=abc', undefined],
    ];
    for (const [accept, expected] of cases) {
      const response = await rawGet(`${server.url}${FRANCHISE}`, { 'accept-encoding': accept });
      assert.equal(response.status, 200);
      assert.equal(response.headers['content-encoding'], expected, `Accept-Encoding: ${accept}`);
      assert.equal(response.headers.etag, plain.headers.etag);
      assert.equal(Number(response.headers['content-length']), response.body.byteLength);
      const decoded = expected === 'gzip' ? gunzipSync(response.body) : expected === 'br' ? brotliDecompressSync(response.body) : response.body;
      assert.deepEqual(decoded, plain.body, `Accept-Encoding: ${accept}`);
      if (expected) assert.ok(response.body.byteLength < plain.body.byteLength / 3, `${expected} is smaller`);
    }
  });

  test('a write in the same process is seen on the next read: new body, new ETag, no 304 for the old tag', async () => {
    const { runtime, server } = await serve();
    const first = await rawGet(`${server.url}${FRANCHISE}`);
    await runtime.store.anime.setMal(AOT, { score: 9.99, rank: 1, members: 1, rating: null, status: 'ok', fetchedAt: Date.now() });
    const second = await rawGet(`${server.url}${FRANCHISE}`, { 'if-none-match': String(first.headers.etag) });
    assert.equal(second.status, 200);
    assert.notEqual(second.headers.etag, first.headers.etag);
    const root = JSON.parse(second.body.toString()).members.find((m: { id: number }) => m.id === AOT);
    assert.equal(root.malScore, 9.99);
  });

  test('a write from another process (SQLite file) is seen on the next read', async () => {
    const { server, db } = await serve();
    const first = await rawGet(`${server.url}${FRANCHISE}`, { 'accept-encoding': 'br' });
    await run(process.execPath, ['--import', 'tsx', 'test/support/store-writer.ts', db.url, String(AOT), '7.77']);
    const second = await rawGet(`${server.url}${FRANCHISE}`, { 'accept-encoding': 'br', 'if-none-match': String(first.headers.etag) });
    assert.equal(second.status, 200);
    const root = JSON.parse(brotliDecompressSync(second.body).toString()).members.find((m: { id: number }) => m.id === AOT);
    assert.equal(root.malScore, 7.77);
  });

  test('two servers on one PostgreSQL database: a write through one is seen on the next read of the other', async (t) => {
    const db = await postgresDatabase();
    api.closeAfter(() => db.close());
    if (db.skip) return t.skip(db.skip);
    const a = await serve({ db });
    const b = await serve({ db, seed: false });
    const before = await rawGet(`${b.server.url}${FRANCHISE}`);
    assert.equal(before.status, 200);
    await a.runtime.store.anime.setMal(AOT, { score: 6.66, rank: 1, members: 1, rating: null, status: 'ok', fetchedAt: Date.now() });
    const after = await rawGet(`${b.server.url}${FRANCHISE}`, { 'if-none-match': String(before.headers.etag) });
    assert.equal(after.status, 200);
    assert.equal(JSON.parse(after.body.toString()).members.find((m: { id: number }) => m.id === AOT).malScore, 6.66);
    // And a separate process on the same schema, as a worker would be.
    await run(process.execPath, ['--import', 'tsx', 'test/support/store-writer.ts', db.url, String(AOT), '5.55']);
    const later = await rawGet(`${b.server.url}${FRANCHISE}`);
    assert.equal(JSON.parse(later.body.toString()).members.find((m: { id: number }) => m.id === AOT).malScore, 5.55);
  });

  test('READ_CACHE_MB=0 keeps nothing and answers the same: ETags, 304s, encodings, writes seen', async () => {
    const { runtime, server } = await serve({ env: { READ_CACHE_MB: '0' } });
    const first = await rawGet(`${server.url}${FRANCHISE}`, { 'accept-encoding': 'gzip' });
    assert.equal(first.headers['content-encoding'], 'gzip');
    assert.equal((await rawGet(`${server.url}${FRANCHISE}`, { 'if-none-match': String(first.headers.etag) })).status, 304);
    await runtime.store.anime.setMal(AOT, { score: 1.23, rank: 1, members: 1, rating: null, status: 'ok', fetchedAt: Date.now() });
    assert.equal((await rawGet(`${server.url}${FRANCHISE}`, { 'if-none-match': String(first.headers.etag) })).status, 200);
  });

  test('what depends on the request is never kept: CORS headers follow each Origin, the token changes nothing in the body', async () => {
    const { server } = await serve({ env: { CORS_ORIGIN: 'http://a.example,http://b.example', TSUNAGU_API_TOKEN: TOKEN } });
    const fromA = await rawGet(`${server.url}${FRANCHISE}`, { origin: 'http://a.example', authorization: `Bearer ${TOKEN}` });
    const fromB = await rawGet(`${server.url}${FRANCHISE}`, { origin: 'http://b.example' });
    const fromNowhere = await rawGet(`${server.url}${FRANCHISE}`, { origin: 'http://evil.example' });
    assert.equal(fromA.headers['access-control-allow-origin'], 'http://a.example');
    assert.equal(fromB.headers['access-control-allow-origin'], 'http://b.example');
    assert.equal(fromNowhere.headers['access-control-allow-origin'], undefined);
    assert.deepEqual(fromB.body, fromA.body, 'the same data whoever asks');
    assert.match(String(fromB.headers.vary), /Accept-Encoding/i);
    assert.match(String(fromB.headers.vary), /Origin/i, 'Vary names Origin too, so no shared cache hands A\'s headers to B');
  });

  test('a store-only search is kept per data version: 304 for its tag, a new entry found after a write', async () => {
    const { runtime, server } = await serve();
    const search = `/api/search?q=${encodeURIComponent('steins')}`;
    const first = await rawGet(`${server.url}${search}`);
    assert.equal(first.status, 200);
    assert.deepEqual(JSON.parse(first.body.toString()).results, []);
    assert.equal((await rawGet(`${server.url}${search}`, { 'if-none-match': String(first.headers.etag) })).status, 304);
    await seedFromCatalog(runtime.store, [STEINS_GATE]);
    const second = await rawGet(`${server.url}${search}`, { 'if-none-match': String(first.headers.etag) });
    assert.equal(second.status, 200);
    assert.ok(JSON.parse(second.body.toString()).results.some((r: { id: number }) => r.id === STEINS_GATE));
  });

  test('a job read answers 304 to its current tag and 200 to an older one', async () => {
    const { runtime, server } = await serve({ seed: false });
    const { job } = await runtime.ingest.requestIngest({ query: String(STEINS_GATE) });
    const path = `/api/jobs/${job.id}`;
    await followJob(runtime, job.id);
    const done = await rawGet(`${server.url}${path}`);
    assert.equal(JSON.parse(done.body.toString()).job.status, 'succeeded');
    assert.equal((await rawGet(`${server.url}${path}`, { 'if-none-match': String(done.headers.etag) })).status, 304);
    const queued = await rawGet(`${server.url}${path}`, { 'if-none-match': 'W/"from-when-it-was-queued"' });
    assert.equal(queued.status, 200);
  });

  test('a kept fresh view turns stale when its TTL passes, with no write; the refresh still needs the token, once per cooldown', async () => {
    let offset = 0;
    const clock: Clock = { now: () => systemClock.now() + offset, sleep: systemClock.sleep };
    const { runtime, server } = await serve({ env: { TSUNAGU_API_TOKEN: TOKEN }, clock, seed: false });
    const { job } = await runtime.ingest.requestIngest({ query: String(STEINS_GATE) });
    await followJob(runtime, job.id);
    const path = `/api/anime/${STEINS_GATE}/franchise`;
    const fresh = await rawGet(`${server.url}${path}`, { authorization: `Bearer ${TOKEN}` });
    assert.equal(JSON.parse(fresh.body.toString()).franchise.stale, false);
    assert.equal((await rawGet(`${server.url}${path}`, { 'if-none-match': String(fresh.headers.etag) })).status, 304);

    offset = 31 * DAY;
    api.sim.reset();
    const anonymous = await rawGet(`${server.url}${path}`, { 'if-none-match': String(fresh.headers.etag) });
    assert.equal(anonymous.status, 200, 'the kept fresh copy is not good any more');
    assert.equal(JSON.parse(anonymous.body.toString()).franchise.stale, true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await runtime.store.jobs.list()).length, 1, 'no token: no refresh');

    // The stale view is kept now; a read with the token still starts the refresh, and only one.
    for (let i = 0; i < 3; i++) {
      const response = await rawGet(`${server.url}${path}`, { authorization: `Bearer ${TOKEN}`, 'if-none-match': String(anonymous.headers.etag) });
      assert.equal(response.status, 304, response.body.toString());
    }
    const refresh = (await runtime.store.jobs.list()).filter((j) => j.id !== job.id);
    assert.equal(refresh.length, 1, 'one refresh per cooldown');
    await followJob(runtime, refresh[0]!.id);
    const refreshed = await rawGet(`${server.url}${path}`, { 'if-none-match': String(anonymous.headers.etag) });
    assert.equal(refreshed.status, 200);
    assert.equal(JSON.parse(refreshed.body.toString()).franchise.stale, false);
  });
});

describe('the read cache bounds its memory', () => {
  /** A cache over a version the test moves, counting loads per key. */
  function cacheOf(maxBytes: number) {
    let version = 1;
    const loads = new Map<string, number>();
    const cache = new ReadCache({ maxBytes, version: async () => version, now: () => 0 });
    const read = (key: string, size = 1000) =>
      cache.get(key, async () => {
        loads.set(key, (loads.get(key) ?? 0) + 1);
        return { value: 'x'.repeat(size), meta: null };
      });
    return { cache, loads, read, write: () => version++ };
  }

  test('least recently used answers go first once the bytes are spent; one bigger than the whole budget is never kept', async () => {
    const { cache, loads, read } = cacheOf(2500);
    await read('a');
    await read('b');
    await read('a'); // a is now the most recent
    await read('c'); // over budget: b goes
    assert.ok(cache.size <= 2500, `holds ${cache.size} bytes`);
    await read('a');
    await read('b');
    assert.deepEqual(Object.fromEntries(loads), { a: 1, b: 2, c: 1 });
    await read('huge', 5000);
    await read('huge', 5000);
    assert.equal(loads.get('huge'), 2);
  });

  test('requests waiting on one key and version load it once; a new version loads again', async () => {
    const { loads, read, write } = cacheOf(1 << 20);
    await Promise.all(Array.from({ length: 20 }, () => read('k')));
    assert.equal(loads.get('k'), 1);
    write();
    await read('k');
    assert.equal(loads.get('k'), 2);
  });

  test('encodings made later count against the budget', async () => {
    const { cache, read } = cacheOf(1 << 20);
    const body = (await read('k', 50_000))!;
    const before = cache.size;
    await body.in('gzip');
    assert.ok(cache.size > before);
  });
});
