import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCoverOrigin, FAULTS, type CoverOrigin } from '../../test/support/cover-origin.ts';
import { systemClock } from '../clock.ts';
import { coverHostPolicy } from '../covers/cover-hosts.ts';
import { CoverService, coverGateOptions } from '../covers/cover-service.ts';
import type { CoverImages } from '../domain/anime.ts';
import { silentLogger } from '../log.ts';
import { anime } from '../../test/fixtures/store-fixtures.ts';
import { MemoryRateGate } from '../upstream/gate/memory-rate-gate.ts';
import { startSimulator, type RunningSimulator } from '../sim/simulator.ts';
import { simUpstreams } from '../../test/support/sim-upstreams.ts';
import { anilistRemoteSearch } from './remote-search.ts';
import type { SearchResponse } from './schemas.ts';
import { readProblem, startApiFixture, type ApiFixture } from '../../test/support/api-fixture.ts';

// GET /api/anime/{id}/cover against a real server and store, with a loopback image host
// (test/support/cover-origin.ts) standing in for AniList's: it is the configured upstream
// origin, so it is allowed; a second loopback server plays a host that is not.
describe('the cover proxy', () => {
  let origin: CoverOrigin;
  let outside: CoverOrigin;
  let api: ApiFixture;
  let service: CoverService;
  let sim: RunningSimulator;

  /** Entry ids of this test's entries, by what their stored cover URL is. */
  const ID = { plain: 9001, sized: 9002, noCover: 9003, foreign: 9004, fault: 9100 } as const;
  let faultIds: Record<keyof typeof FAULTS | 'redirectOut', number>;

  before(async () => {
    sim = await startSimulator();
    outside = await startCoverOrigin();
    origin = await startCoverOrigin({ simulatorUrl: sim.url, delayMs: 20, hugeBytes: 64 * 1024, redirectOut: outside.coverUrl(1, 'large') });
    api = await startApiFixture({
      deps: {
        covers: { get: (id, size) => service.get(id, size), remember: (entries) => service.remember(entries) },
        // AniList through the cover origin, so search results name covers there.
        searchRemote: anilistRemoteSearch(simUpstreams(sim, { anilistUrl: origin.anilistUrl }).anilist),
      },
    });
    service = new CoverService({
      store: api.store,
      // As configured, at its defaults: 5 per second, 4 open at once.
      gate: new MemoryRateGate(coverGateOptions({ coverRatePerSecond: 5 }), systemClock),
      // No public image hosts: nothing in this test may leave loopback.
      policy: coverHostPolicy({ hosts: [], upstreamUrls: [`${origin.url}/anilist`] }),
      clock: systemClock,
      logger: silentLogger,
      timeoutMs: 3_000,
      maxBytes: 32 * 1024,
      userAgent: 'tsunagu-test',
    });
    const covers = (url: string | null): { coverImage: string | null; coverImages: CoverImages } => ({
      coverImage: url,
      coverImages: { extraLarge: null, large: url, medium: null },
    });
    const names = [...Object.keys(FAULTS), 'redirectOut'] as (keyof typeof faultIds)[];
    faultIds = Object.fromEntries(names.map((name, i) => [name, ID.fault + i])) as typeof faultIds;
    await api.store.anime.upsertMany([
      anime(ID.plain, covers(origin.coverUrl(ID.plain, 'large'))),
      anime(ID.sized, {
        coverImage: origin.coverUrl(ID.sized, 'extraLarge'),
        coverImages: { extraLarge: origin.coverUrl(ID.sized, 'extraLarge'), large: origin.coverUrl(ID.sized, 'large'), medium: origin.coverUrl(ID.sized, 'medium') },
      }),
      anime(ID.noCover, covers(null)),
      anime(ID.foreign, covers(outside.coverUrl(ID.foreign, 'large'))),
      ...names.map((name) =>
        anime(faultIds[name], covers(name === 'redirectOut' ? `${origin.url}/covers/fault/redirect-out.png` : `${origin.url}${FAULTS[name as keyof typeof FAULTS]}`)),
      ),
    ]);
  });

  after(async () => {
    await api?.close();
    await origin?.close();
    await outside?.close();
    await sim?.close();
  });

  const cover = (id: number, query = '', headers: Record<string, string> = {}) => fetch(`${api.url}/api/anime/${id}/cover${query}`, { headers });
  const fetched = (path: string) => origin.requests.get(path) ?? 0;

  test('serves the stored cover from its own origin, with ETag and a long Cache-Control; fetched upstream once', async () => {
    const first = await cover(ID.plain);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'image/png');
    assert.match(first.headers.get('cache-control') ?? '', /^public, max-age=\d{6,}$/);
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^"[\w-]{10,}"$/);
    assert.equal(first.headers.get('x-content-type-options'), 'nosniff');
    const upstream = Buffer.from(await (await fetch(origin.coverUrl(ID.plain, 'large'))).arrayBuffer());
    assert.deepEqual(Buffer.from(await first.arrayBuffer()), upstream, 'the same bytes');

    const again = await cover(ID.plain);
    assert.equal(again.status, 200);
    await again.arrayBuffer();
    assert.equal(fetched(`/covers/${ID.plain}/large.png`), 2, 'one fetch by the proxy (plus the test own)');
    const notModified = await cover(ID.plain, '', { 'if-none-match': etag! });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.headers.get('etag'), etag);
  });

  test('sizes are AniList sizes, each its own stored URL; a size not given falls back to the nearest', async () => {
    for (const size of ['extraLarge', 'large', 'medium']) {
      const response = await cover(ID.sized, `?size=${size}`);
      assert.equal(response.status, 200, size);
      await response.arrayBuffer();
      assert.equal(fetched(`/covers/${ID.sized}/${size}.png`), 1, size);
    }
    const fallback = await cover(ID.plain, '?size=medium');
    assert.equal(fallback.status, 200, 'only large is stored: it is served for medium');
    const bad = await readProblem(await cover(ID.plain, '?size=huge'));
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.errors?.map((e) => e.field), ['size']);
  });

  test("a remote search's results show their covers before they are stored; an id no answer named has none", async () => {
    const search = (await (await fetch(`${api.url}/api/search?q=fate&remote=true`)).json()) as SearchResponse;
    const remote = search.results.find((r) => !r.stored)!;
    assert.ok(remote, 'an AniList result not in the store');
    assert.ok(remote.coverImage?.startsWith(origin.url));
    assert.equal(await api.store.anime.get(remote.id), undefined);
    const response = await cover(remote.id);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
    assert.equal((await readProblem(await cover(31337))).status, 404);
  });

  test('no cover to be had is a 404 problem the page answers with its placeholder', async () => {
    assert.equal((await readProblem(await cover(424242))).status, 404, 'not stored');
    assert.match((await readProblem(await cover(ID.noCover))).detail, /no cover/);
    const foreign = await readProblem(await cover(ID.foreign));
    assert.equal(foreign.status, 404);
    assert.match(foreign.detail, /not fetched/);
    assert.equal(outside.requests.size, 0, 'a host that is not allowed is never contacted');
  });

  test('never SVG, never a body that is not what it claims, never over the size cap', async () => {
    for (const name of ['svg', 'htmlAsPng', 'huge'] as const) {
      const problem = await readProblem(await cover(faultIds[name]));
      assert.equal(problem.status, 404, name);
      assert.equal((await cover(faultIds[name])).status, 404, `${name} again`);
      assert.equal(fetched(FAULTS[name]), 1, `${name}: a refusal is remembered, not fetched again`);
    }
  });

  test('upstream failures: 404 stays 404, a 5xx is 502 with Retry-After, a hang is 504 after the timeout', async () => {
    assert.equal((await readProblem(await cover(faultIds.missing))).status, 404);
    const broken = await cover(faultIds.broken);
    assert.equal((await readProblem(broken)).status, 502);
    assert.ok(Number(broken.headers.get('retry-after')) > 0);
    assert.equal((await readProblem(await cover(faultIds.hang))).status, 504);
    assert.equal((await cover(faultIds.broken)).status, 502);
    assert.equal(fetched(FAULTS.broken), 1, 'not asked again before its retry time');
  });

  test('redirects are followed only to allowed hosts', async () => {
    assert.equal((await cover(faultIds.redirectIn)).status, 200);
    assert.equal((await readProblem(await cover(faultIds.redirectOut))).status, 404);
    assert.equal(outside.requests.size, 0, 'the redirect target outside was never asked');
  });

  test('many requests at once: one fetch per cover, and never more than the gate lets open', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => 9200 + i);
    await api.store.anime.upsertMany(ids.map((id) => anime(id, { coverImage: origin.coverUrl(id, 'large'), coverImages: { extraLarge: null, large: origin.coverUrl(id, 'large'), medium: null } })));
    const responses = await Promise.all([...ids, ...ids, ...ids].map((id) => cover(id)));
    assert.deepEqual([...new Set(responses.map((r) => r.status))], [200]);
    for (const id of ids) assert.equal(fetched(`/covers/${id}/large.png`), 1, `cover ${id} fetched once`);
    assert.ok(origin.peakOpen() <= 4, `at most 4 open at once, saw ${origin.peakOpen()}`);
  });

  // Last: the pause it causes holds every cover fetch of this service for 7 s.
  test("an image host's 429 pauses the cover gate: nothing more is sent, the page is told when to retry", async () => {
    const busy = await cover(faultIds.busy);
    assert.equal((await readProblem(busy)).status, 502);
    assert.equal(busy.headers.get('retry-after'), '7', "the host's own Retry-After");
    const next = 9300;
    await api.store.anime.upsertMany([anime(next, { coverImage: origin.coverUrl(next, 'large'), coverImages: { extraLarge: null, large: origin.coverUrl(next, 'large'), medium: null } })]);
    const held = await cover(next);
    assert.equal((await readProblem(held)).status, 503);
    assert.ok(Number(held.headers.get('retry-after')) > 0);
    assert.equal(fetched(`/covers/${next}/large.png`), 0, 'not sent during the pause');
  });
});
