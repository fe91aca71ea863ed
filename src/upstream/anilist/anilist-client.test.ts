import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadCatalog, type Catalog } from '../../catalog/catalog.ts';
import { loadConfig } from '../../config/config.ts';
import { startSimulator, type RunningSimulator } from '../../sim/simulator.ts';
import { catalogFranchiseIds } from '../../../test/fixtures/catalog-franchise.ts';
import { ManualClock } from '../../../test/support/manual-clock.ts';
import { simUpstreams } from '../../../test/support/sim-upstreams.ts';
import { UpstreamError } from '../upstream-error.ts';
import { toAniListEntry } from './anilist-mapping.ts';
import { anilistMediaSchema } from './anilist-schema.ts';

const gundamIds = (catalog: Catalog) => catalogFranchiseIds(catalog, 80);

describe('AniListClient against the simulator', () => {
  let catalog: Catalog;
  let sim: RunningSimulator;

  before(async () => {
    catalog = await loadCatalog();
    // Referer required, as AniList may: the client must send one. Every description hostile.
    sim = await startSimulator({ catalog, requireReferer: true, faults: 'script=1' });
  });
  after(() => sim.close());

  it('maps real catalog entries to domain types, relations included (Attack on Titan, Gundam, entries without a MAL id)', async () => {
    const clock = new ManualClock();
    const { anilist } = simUpstreams(sim, {}, { clock });
    const ids = [16498, 80, 162314, 900000];
    const { entries, missing, failed } = await anilist.fetchMedia(ids);
    assert.deepEqual([missing, failed], [[], []]);
    for (const id of ids) {
      const expected = catalog.media.get(id)!;
      const { anime, relations } = entries.get(id)!;
      assert.equal(anime.id, id);
      assert.equal(anime.idMal, expected.idMal);
      assert.deepEqual(anime.title, expected.title);
      assert.deepEqual(anime.synonyms, expected.synonyms);
      assert.equal(anime.format, expected.format);
      assert.equal(anime.status, expected.status);
      assert.equal(anime.episodes, expected.episodes);
      assert.deepEqual(anime.startDate, expected.startDate ?? { year: null, month: null, day: null });
      assert.deepEqual(anime.genres, expected.genres);
      assert.deepEqual(anime.studios, expected.studios);
      assert.equal(anime.averageScore, expected.averageScore);
      assert.equal(anime.isAdult, expected.isAdult);
      assert.equal(anime.fetchedAt, clock.now());
      assert.doesNotMatch(anime.description ?? '', /[<>]/, 'no markup survives');
      assert.ok(relations.every((r) => r.from === id && r.source === 'anilist'));
      const asPairs = (list: { to: number; type: string }[]) => list.map((r) => `${r.to}:${r.type}`).sort();
      assert.deepEqual(asPairs(relations), asPairs(expected.relations.map((r) => ({ to: r.id, type: r.relationType }))));
    }
    assert.equal(entries.get(162314)!.anime.idMal, null);
    assert.equal(entries.get(16498)!.anime.title.english, 'Attack on Titan');
    assert.ok(entries.get(16498)!.relations.some((r) => r.to === 20958 && r.type === 'SEQUEL'));
    assert.match(entries.get(80)!.anime.description!, /^Mobile Suit Gundam: a description with markup\.\n\n\(Source: Tsunagu simulator\)$/);
  });

  it('asks relations 1-3 levels deep within the simulator\'s complexity limit: first-level nodes are the records a fetch gives, deeper ones their titles, format and edges', async () => {
    const clock = new ManualClock();
    const { anilist } = simUpstreams(sim, {}, { clock });
    const flat = await anilist.fetchMedia([16498], { depth: 1 });
    assert.equal(flat.nested.size, 0);
    const two = await anilist.fetchMedia([16498], { depth: 2 });
    const three = await anilist.fetchMedia([16498], { depth: 3 });
    for (const answer of [two, three]) assert.deepEqual([answer.missing, answer.failed, [...answer.entries.keys()]], [[], [], [16498]]);
    const neighbours = flat.entries.get(16498)!.relations.map((r) => r.to);
    assert.deepEqual([...two.nested.keys()].sort(), [...new Set(neighbours)].sort());
    const direct = await anilist.fetchMedia(neighbours, { depth: 1 });
    for (const id of neighbours) {
      assert.deepEqual(two.nested.get(id)!.entry, direct.entries.get(id), `nested record of ${id}`);
      assert.deepEqual(three.nested.get(id)!.entry, direct.entries.get(id));
    }
    const second = [...three.nested.values()].filter((n) => n.entry === null);
    assert.ok(second.length > 0);
    const secondDirect = await anilist.fetchMedia(second.map((n) => n.id), { depth: 1 });
    for (const node of second) {
      const full = secondDirect.entries.get(node.id)!;
      assert.deepEqual([node.titles, node.format, node.relations], [full.anime.title, full.anime.format, full.relations], `partial node ${node.id}`);
    }
    // Depth 4 answers run to tens of MB (docs/discovery.md): the option stops at 3, naming itself.
    assert.throws(() => loadConfig({ ANILIST_RELATION_DEPTH: '4' }), /ANILIST_RELATION_DEPTH="4": Too big: expected number to be <=3 \(levels, 1-3\)/);
  });

  it('fetches the 120-entry Gundam franchise in three requests, reporting unknown ids as missing, batch by batch', async () => {
    const { anilist, requestCounts } = simUpstreams(sim);
    const ids = gundamIds(catalog);
    assert.equal(ids.length, 120);
    const batches: number[] = [];
    const result = await anilist.fetchMedia([...ids, 80, 999_999_901, 999_999_902], { onBatch: (b) => batches.push(b.entries.size + b.missing.length) });
    assert.equal(result.entries.size, 120);
    assert.deepEqual(result.missing.sort(), [999_999_901, 999_999_902]);
    assert.deepEqual(result.failed, []);
    assert.deepEqual(batches.sort((a, b) => a - b), [22, 50, 50]);
    assert.equal(requestCounts().anilist, 3);
  });

  it('halves a batch AniList refuses as too complex, and keeps the smaller size', async () => {
    // A loopback AniList in front of the simulator with a lower complexity budget: more than 20 ids is "too complex".
    const sizes: number[] = [];
    const proxy = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString();
      const count = (JSON.parse(body).variables.ids as number[]).length;
      sizes.push(count);
      if (count > 20) {
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ errors: [{ message: 'Max query complexity should be 500 but got 646.', status: 400 }], data: null }));
      }
      const upstream = await fetch(sim.anilistUrl, { method: 'POST', headers: { 'content-type': 'application/json', referer: 'x' }, body });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    after(() => proxy.close());
    const { anilist } = simUpstreams(sim, { anilistUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/` });
    const ids = gundamIds(catalog).slice(0, 60);
    const first = await anilist.fetchMedia(ids);
    assert.equal(first.entries.size, 60);
    assert.deepEqual(first.failed, []);
    assert.deepEqual([...sizes].sort((a, b) => b - a), [50, 25, 25, 13, 12, 13, 12, 10].sort((a, b) => b - a));
    sizes.length = 0;
    const second = await anilist.fetchMedia(ids);
    assert.equal(second.entries.size, 60);
    assert.ok(sizes.every((n) => n <= 13), `later batches: ${sizes.join(',')}`);
  });

  it('reports a batch that keeps failing as failed, naming its ids, upstream and status, without throwing', async () => {
    const failing = await startSimulator({ catalog, faults: '500=1@anilist' });
    after(() => failing.close());
    const { anilist } = simUpstreams(failing, { upstreamRetries: 1 });
    const result = await anilist.fetchMedia([16498, 80]);
    assert.equal(result.entries.size, 0);
    assert.deepEqual(result.missing, []);
    assert.equal(result.failed.length, 1);
    const { ids, error } = result.failed[0];
    assert.deepEqual(ids, [16498, 80]);
    assert.ok(error instanceof UpstreamError);
    assert.deepEqual([error.upstream, error.status, error.kind, error.retryable, error.attempts], ['anilist', 500, 'http', true, 2]);
  });

  it('searches by title, in AniList\'s order', async () => {
    const { anilist } = simUpstreams(sim);
    const hits = await anilist.search('Attack on Titan');
    assert.equal(hits[0].anime.id, 16498);
    assert.ok(hits.length > 1);
    assert.equal((await anilist.search('shingeki no kyojin'))[0].anime.id, 16498);
  });

  it('finds an entry by MAL id, and answers null for a MAL id AniList does not know', async () => {
    const { anilist } = simUpstreams(sim);
    assert.equal((await anilist.fetchByMalId(16498))?.anime.id, 16498);
    assert.equal(await anilist.fetchByMalId(999_999_999), null);
  });
});

describe('AniList mapping', () => {
  it('keeps only anime nodes as relations, drops spoiler tags, and reads nulls as unknown', () => {
    const media = anilistMediaSchema.parse({
      id: 1,
      idMal: null,
      title: { romaji: 'R', english: null, native: null },
      format: null,
      tags: [
        { name: 'Time Skip', rank: 80, isMediaSpoiler: true },
        { name: 'Mecha', rank: 90, isMediaSpoiler: false },
      ],
      startDate: { year: 2020, month: null, day: null },
      relations: {
        edges: [
          { relationType: 'SOURCE', node: { id: 2, idMal: 2, type: 'MANGA', format: 'MANGA', status: 'FINISHED' } },
          { relationType: 'SEQUEL', node: { id: 3, idMal: 3, type: 'ANIME', format: 'TV', status: 'FINISHED' } },
          { relationType: 'SEQUEL', node: { id: 3, idMal: 3, type: 'ANIME', format: 'TV', status: 'FINISHED' } },
          { relationType: null, node: { id: 4, idMal: null, type: 'ANIME', format: null, status: null } },
          null,
        ],
      },
    });
    const { anime, relations } = toAniListEntry(media, 123);
    assert.deepEqual(relations, [{ from: 1, to: 3, type: 'SEQUEL', source: 'anilist' }]);
    assert.deepEqual(anime.tags, ['Mecha']);
    assert.deepEqual(anime.startDate, { year: 2020, month: null, day: null });
    assert.deepEqual(anime.endDate, { year: null, month: null, day: null });
    assert.deepEqual([anime.format, anime.description, anime.isAdult, anime.fetchedAt], [null, null, false, 123]);
  });
});
