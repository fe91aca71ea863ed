import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anime } from '../../test/fixtures/store-fixtures.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import type { RemoteSearch } from './app-deps.ts';
import { AOT, readProblem, startApiFixture, type ApiFixture } from '../../test/support/api-fixture.ts';

describe('HTTP API routes', () => {
  let api: ApiFixture;
  let remote: RemoteSearch = async () => [];
  let webRoot: string;

  before(async () => {
    webRoot = await mkdtemp(join(tmpdir(), 'tsunagu-web-'));
    await mkdir(join(webRoot, 'assets'));
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>page</title><div id="root"></div>');
    await writeFile(join(webRoot, 'assets', 'main-abc123.js'), 'console.log(1)');
    api = await startApiFixture({ deps: { searchRemote: (q, signal) => remote(q, signal), webRoot } });
  });
  after(async () => {
    await api.close();
    await rm(webRoot, { recursive: true, force: true });
  });

  const get = (path: string, init?: RequestInit) => fetch(`${api.url}${path}`, init);
  const post = (path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('GET /api/anime/{id} and /api/anime/mal/{malId} answer the stored entry', async () => {
    const response = await get(`/api/anime/${AOT}`);
    assert.equal(response.status, 200);
    const anime = await response.json();
    assert.equal(anime.id, AOT);
    assert.equal(anime.title.romaji, 'Shingeki no Kyojin');
    assert.equal(anime.mal, null, 'not enriched yet');
    const byMal = await get(`/api/anime/mal/${anime.idMal}`);
    assert.equal(byMal.status, 200);
    assert.equal((await byMal.json()).id, AOT);
  });

  test('an entry that is not stored is a 404 problem naming it', async () => {
    for (const path of ['/api/anime/1', '/api/anime/mal/1']) {
      const problem = await readProblem(await get(path));
      assert.equal(problem.status, 404);
      assert.equal(problem.instance, path);
      assert.match(problem.detail, /\b1\b/);
    }
  });

  test('GET /api/anime/{id}/franchise answers a stored franchise at once', async () => {
    const response = await get(`/api/anime/${AOT}/franchise`);
    assert.equal(response.status, 200);
    const view = await response.json();
    assert.equal(view.franchise.id, AOT);
    assert.equal(view.franchise.size, 22);
    assert.equal(view.members.length, 22);
    assert.deepEqual(view, JSON.parse(JSON.stringify(await api.runtime.ingest.getFranchise(AOT))));
  });

  test('an unknown franchise starts one ingest (202 + job), which a second request for it joins; ingest=false is a 404', async () => {
    const first = await get('/api/anime/21/franchise');
    assert.equal(first.status, 202);
    const { job } = await first.json();
    assert.equal(job.query, '21');
    assert.equal(first.headers.get('location'), `/api/jobs/${job.id}`);
    // Resolving the query stored the entry itself, but that is not the franchise: a second read
    // while the import waits or runs answers its job again, not a one-entry franchise.
    const again = await get('/api/anime/21/franchise');
    assert.equal(again.status, 202);
    assert.equal((await again.json()).job.id, job.id);
    await api.worker.step(job.id, 1, 10);
    const running = await get('/api/anime/21/franchise');
    assert.equal(running.status, 202);
    assert.equal(running.headers.get('location'), `/api/jobs/${job.id}`);
    // Asking to ingest it again joins the running job.
    const second = await post('/api/ingest', { query: '21' });
    assert.equal(second.status, 202);
    assert.equal((await second.json()).job.id, job.id);
    // Once the import has ended, what is stored is the answer.
    await api.worker.finish(job.id, 'succeeded');
    const done = await get('/api/anime/21/franchise');
    assert.equal(done.status, 200);
    assert.equal((await done.json()).franchise.id, 21);
    const problem = await readProblem(await get('/api/anime/22/franchise?ingest=false'));
    assert.equal(problem.status, 404);
    assert.equal((await api.jobs()).filter((j) => j.query === '22').length, 0, 'no job for ingest=false');
  });

  test('POST /api/ingest answers 202 with the job; the same query twice joins the running job', async () => {
    const first = await post('/api/ingest', { query: 'mal:16498', enrich: false });
    assert.equal(first.status, 202);
    const { job } = await first.json();
    assert.equal(job.enrich, false);
    assert.equal(job.rootId, AOT);
    const again = await post('/api/ingest', { query: 'mal:16498', enrich: false });
    assert.equal((await again.json()).job.id, job.id);
  });

  test('bad and unmatched queries map to problems: InputError 400 with its field, NotFound 404', async () => {
    const bad = await readProblem(await post('/api/ingest', { query: 'mal:abc' }));
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.errors?.map((e) => e.field), ['query']);

    const none = await readProblem(await post('/api/ingest', { query: 'zz-no-match at all' }));
    assert.equal(none.status, 404);
  });

  test('GET /api/jobs/{id} and POST /api/jobs/{id}/cancel', async () => {
    const { job } = await (await post('/api/ingest', { query: 'Cowboy Bebop' })).json();
    const read = await get(`/api/jobs/${job.id}`);
    assert.equal(read.status, 200);
    assert.equal((await read.json()).job.status, 'queued');
    const cancelled = await fetch(`${api.url}/api/jobs/${job.id}/cancel`, { method: 'POST' });
    assert.equal(cancelled.status, 200);
    assert.equal((await cancelled.json()).job.status, 'cancelled');
    assert.equal((await readProblem(await get('/api/jobs/nope'))).status, 404);
    assert.equal((await readProblem(await fetch(`${api.url}/api/jobs/nope/cancel`, { method: 'POST' }))).status, 404);
  });

  test('search finds stored entries; remote=true appends AniList matches not stored, marking which are', async () => {
    const local = await (await get('/api/search?q=shingeki&limit=3')).json();
    assert.equal(local.results.length, 3);
    assert.ok(local.results.every((r: { stored: boolean }) => r.stored));
    assert.equal(local.remote, undefined);

    remote = async (q) => [
      anime(AOT, { idMal: 16498, title: { romaji: 'Shingeki no Kyojin', english: 'Attack on Titan', native: null } }),
      anime(999_999, { title: { romaji: `${q} elsewhere`, english: null, native: null } }),
    ];
    const merged = await (await get('/api/search?q=shingeki&limit=50&remote=true')).json();
    assert.deepEqual(merged.remote, { ok: true });
    assert.equal(merged.results.filter((r: { id: number }) => r.id === AOT).length, 1, 'no duplicate of a stored match');
    const extra = merged.results.find((r: { id: number }) => r.id === 999_999);
    assert.deepEqual([extra.stored, extra.source], [false, 'anilist']);

    remote = async () => {
      throw new UpstreamError('down', { upstream: 'anilist', kind: 'http', status: 500, retryable: true, request: 'POST x' });
    };
    const degraded = await get('/api/search?q=shingeki&remote=true');
    assert.equal(degraded.status, 200);
    const body = await degraded.json();
    assert.equal(body.remote.ok, false);
    assert.ok(body.results.length > 0, 'stored matches still answered');
  });

  test('healthz and readyz answer', async () => {
    assert.deepEqual(await (await get('/healthz')).json(), { status: 'ok' });
    assert.deepEqual(await (await get('/readyz')).json(), { status: 'ready' });
  });

  test('/metrics exposes every family, with HTTP requests labelled by route pattern', async () => {
    api.metrics.upstream.onRequest?.({ upstream: 'anilist', status: 429, durationMs: 120, attempt: 1 });
    api.metrics.upstream.onRateLimited?.({ upstream: 'anilist', pauseMs: 1000 });
    api.metrics.upstream.onGateWait?.({ upstream: 'jikan', waitedMs: 400 });
    // Other tests of this suite end jobs too: the count is compared with its value before.
    const count = (text: string, family: string) => Number(new RegExp(`^${family}\\{status="succeeded"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    const earlier = await (await get('/metrics')).text();
    const { job } = await api.runtime.ingest.requestIngest({ query: '813' });
    await api.worker.step(job.id, 1, 1);
    await api.worker.finish(job.id, 'succeeded');
    await get(`/api/anime/${AOT}`);
    const response = await get('/metrics');
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const family of [
      'tsunagu_upstream_requests_total',
      'tsunagu_upstream_rate_limited_total',
      'tsunagu_upstream_gate_wait_seconds',
      'tsunagu_jobs_finished_total',
      'tsunagu_job_duration_seconds',
      'tsunagu_http_request_duration_seconds',
      'tsunagu_sse_streams',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${family} `, 'm'), family);
    }
    assert.match(text, /^tsunagu_upstream_requests_total\{upstream="anilist",status="429"\} 1$/m);
    assert.equal(count(text, 'tsunagu_jobs_finished_total'), count(earlier, 'tsunagu_jobs_finished_total') + 1);
    assert.equal(count(text, 'tsunagu_job_duration_seconds_count'), count(earlier, 'tsunagu_job_duration_seconds_count') + 1);
    assert.match(text, /^tsunagu_http_request_duration_seconds_count\{route="\/api\/anime\/:id",method="GET",status="200"\} [1-9]/m);
  });

  test('openapi.json lists every API route, and /api/docs lists every operation', async () => {
    const spec = await (await get('/api/openapi.json')).json();
    const documented = Object.entries(spec.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    assert.deepEqual(documented, [
      'GET /api/anime/mal/{malId}',
      'GET /api/anime/{id}',
      'GET /api/anime/{id}/cover',
      'GET /api/anime/{id}/franchise',
      'GET /api/catalog',
      'GET /api/jobs/{id}',
      'GET /api/jobs/{id}/events',
      'GET /api/search',
      'GET /healthz',
      'GET /metrics',
      'GET /readyz',
      'POST /api/ingest',
      'POST /api/jobs/{id}/cancel',
    ]);
    const docs = await (await get('/api/docs')).text();
    for (const op of documented) assert.ok(docs.includes(op), `docs page lists ${op}`);
  });

  test('the web page: files from web/dist, index.html for client routes, long caching for hashed assets', async () => {
    const index = await get('/');
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<title>page<\/title>/);
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const deep = await get('/anime/16498/watch-order');
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<title>page<\/title>/);
    const asset = await get('/assets/main-abc123.js');
    assert.equal(await asset.text(), 'console.log(1)');
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await readProblem(await get('/api/not-a-route'))).status, 404, 'unknown API paths are not the page');
  });
});

describe('upstream failures while resolving a query', () => {
  // Each its own fixture: a 429 pauses the fixture's AniList gate, as it would a real process.
  const ingestWithFaults = async (faults: string) => {
    const api = await startApiFixture();
    api.sim.configure({ faults });
    try {
      return await fetch(`${api.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'Gundam' }) });
    } finally {
      await api.close();
    }
  };

  test('AniList answering 429 is a 503 problem naming it, with its Retry-After', async () => {
    const busy = await ingestWithFaults('storm=1:60@anilist');
    const seconds = Number(busy.headers.get('retry-after'));
    assert.ok(Number.isInteger(seconds) && seconds >= 1, `Retry-After ${busy.headers.get('retry-after')}`);
    const problem = await readProblem(busy);
    assert.equal(problem.status, 503);
    assert.equal(problem.upstream, 'anilist');
    assert.equal(problem.upstreamStatus, 429);
  });

  test('AniList failing is a 502 problem naming it', async () => {
    const problem = await readProblem(await ingestWithFaults('500=1@anilist'));
    assert.equal(problem.status, 502);
    assert.equal(problem.upstream, 'anilist');
  });

  test('an unexpected error (the database gone) is a 500 problem without its message or stack', async () => {
    const api = await startApiFixture();
    try {
      await api.store.close();
      const response = await fetch(`${api.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'Gundam' }) });
      const text = await response.clone().text();
      const problem = await readProblem(response);
      assert.equal(problem.status, 500);
      assert.doesNotMatch(text, /database|connection|sqlite|kysely|\/tmp\/|at .*\.(ts|js)/i);
    } finally {
      await api.close().catch(() => {});
    }
  });
});

describe('HTTP API without a built page', () => {
  test('/ says how to build the page', async () => {
    const api = await startApiFixture({ deps: { webRoot: join(tmpdir(), 'tsunagu-no-such-dir') } });
    try {
      const response = await fetch(`${api.url}/some/page`);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /npm run build:web/);
    } finally {
      await api.close();
    }
  });

  test('readyz is a 503 problem when the database does not answer', async () => {
    const api = await startApiFixture();
    try {
      await api.store.close();
      const problem = await readProblem(await fetch(`${api.url}/readyz`));
      assert.equal(problem.status, 503);
      assert.equal((await fetch(`${api.url}/healthz`)).status, 200, 'the process is still up');
    } finally {
      await api.close().catch(() => {});
    }
  });
});
