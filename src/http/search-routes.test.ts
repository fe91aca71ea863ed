import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../sim/simulator.ts';
import { simUpstreams } from '../../test/support/sim-upstreams.ts';
import { anilistRemoteSearch } from './remote-search.ts';
import type { SearchResponse } from './schemas.ts';
import { AOT, startApiFixture, type ApiFixture } from '../../test/support/api-fixture.ts';

// GET /api/search over a store holding Attack on Titan, with AniList played by the simulator.
describe('search ranks what a person means and says where each result came from', () => {
  let sim: RunningSimulator;
  let api: ApiFixture;

  before(async () => {
    sim = await startSimulator();
    api = await startApiFixture({ deps: { searchRemote: anilistRemoteSearch(simUpstreams(sim).anilist) } });
  });
  after(async () => {
    await api?.close();
    await sim?.close();
  });

  const search = async (query: string): Promise<SearchResponse> => {
    const response = await fetch(`${api.url}/api/search?${query}`);
    assert.equal(response.status, 200);
    return (await response.json()) as SearchResponse;
  };

  test('stored results alone: the exact title first, every result from the store with how it matched', async () => {
    const answer = await search('q=attack%20on%20titan&limit=5');
    assert.equal(answer.results[0]!.id, AOT);
    assert.equal(answer.results[0]!.match, 'exact');
    assert.ok(answer.results.every((r) => r.source === 'store' && r.stored));
    assert.ok(answer.results.slice(1).every((r) => r.match === 'prefix'), JSON.stringify(answer.results));
    assert.equal(sim.stats().anilist.requests, 0, 'the store alone asks nothing upstream');
  });

  test('a title the store does not hold: AniList ranked the same way the CLI ranks, the music video not first', async () => {
    const answer = await search('q=fate&remote=true');
    assert.deepEqual(answer.remote, { ok: true });
    const [first] = answer.results;
    assert.equal(first!.format, 'TV');
    assert.match(first!.title, /^Fate\//);
    assert.deepEqual([first!.source, first!.stored, first!.match], ['anilist', false, 'prefix']);
    const destiny = answer.results.findIndex((r) => r.id === 139074);
    assert.ok(destiny === -1 || destiny > answer.results.findLastIndex((r) => r.format === 'TV'), 'after every series');
  });

  test('stored and AniList results merge into one ranking; an entry found by both is listed once, as stored', async () => {
    const answer = await search('q=titan&remote=true&limit=20');
    const ids = answer.results.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    const stored = answer.results.filter((r) => r.source === 'store');
    assert.ok(stored.length > 0 && stored.every((r) => r.stored));
    assert.ok(answer.results.some((r) => r.source === 'anilist'), 'AniList added what the store lacks');
    const good = answer.results.filter((r) => r.match === 'word' || r.match === 'prefix' || r.match === 'exact');
    assert.equal(answer.results.slice(0, good.length).every((r) => good.includes(r)), true, 'good matches lead');
  });
});
