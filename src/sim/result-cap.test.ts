import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadCatalog, type Catalog } from '../catalog/catalog.ts';
import { SimulatorOptionError, startSimulator, type RunningSimulator } from './simulator.ts';
import { sourceWorks } from './source-works.ts';
import { postGraphql } from '../../test/support/sim-requests.ts';

let sim: RunningSimulator;
let catalog: Catalog;
let byId: number[];

before(async () => {
  catalog = await loadCatalog();
  // AniList's media: the anime and the manga and novels they adapt.
  byId = [...catalog.media.keys(), ...sourceWorks(catalog).works.keys()].sort((a, b) => a - b);
  // A small cap on the same code path as AniList's 5,000.
  sim = await startSimulator({ catalog, anilistRatePerMinute: 100_000, anilistResultCap: 120 });
});
after(() => sim.close());

const page = (n: number, perPage: number, args = 'sort: ID') =>
  postGraphql(sim.anilistUrl, `{ Page(page: ${n}, perPage: ${perPage}) { pageInfo { total perPage currentPage lastPage hasNextPage } media(${args}) { id } } }`);
const ids = (res: Awaited<ReturnType<typeof page>>) => res.json.data.Page.media.map((m: { id: number }) => m.id);

describe("AniList's result cap", () => {
  test('a filter yields at most the cap: total stops there, the page reaching it has no next page, the one past it is too deep', async () => {
    const first = await page(1, 50);
    assert.deepEqual(first.json.data.Page.pageInfo, { total: 120, perPage: 50, currentPage: 1, lastPage: 3, hasNextPage: true });
    const last = await page(3, 50);
    assert.deepEqual(ids(last), byId.slice(100, 120));
    assert.equal(last.json.data.Page.pageInfo.hasNextPage, false, 'only hasNextPage is to be trusted, and it says stop');
    const past = await page(4, 50);
    assert.equal(past.status, 400);
    assert.deepEqual(past.json.errors.map((e: { message: string; status: number }) => [e.message, e.status]), [
      ['Page depth exceeds maximum allowed for API requests (120 entries)', 400],
    ]);
  });

  test('with an uneven perPage the cap cuts inside a page', async () => {
    const reaching = await page(18, 7); // offsets 119..125: only 119 is inside the cap
    assert.deepEqual(ids(reaching), [byId[119]]);
    assert.equal(reaching.json.data.Page.pageInfo.hasNextPage, false);
    assert.equal((await page(19, 7)).status, 400);
  });

  test('sorting the same filter the other way reaches the entries past the cap', async () => {
    const down = await page(1, 50, 'sort: ID_DESC');
    assert.deepEqual(ids(down), [...byId].reverse().slice(0, 50));
    assert.equal(down.json.data.Page.pageInfo.total, 120);
  });

  test('a filter under the cap reports its true total', async () => {
    const expected = [...catalog.media.values()].filter((m) => m.status === 'RELEASING').length;
    assert.ok(expected < 120);
    const res = await page(1, 50, 'status: RELEASING, type: ANIME, sort: ID');
    assert.equal(res.json.data.Page.pageInfo.total, expected);
  });

  test('the cap is a live knob, 5000 by default, and refuses nonsense', async () => {
    sim.configure({ anilistResultCap: undefined });
    try {
      const hundredth = await page(100, 50);
      assert.deepEqual(hundredth.json.data.Page.pageInfo, { total: 5000, perPage: 50, currentPage: 100, lastPage: 100, hasNextPage: false });
      assert.deepEqual(ids(hundredth), byId.slice(4950, 5000));
      assert.equal((await page(101, 50)).status, 400);
    } finally {
      sim.configure({ anilistResultCap: 120 });
    }
    assert.throws(() => sim.configure({ anilistResultCap: 0 }), SimulatorOptionError);
    assert.throws(() => sim.configure({ anilistResultCap: 2.5 }), /Expected `anilistResultCap` to be a finite integer from 1 to 100000, got `2.5`/);
  });
});
