import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { loadCatalog } from '../catalog/catalog.ts';
import { relationTypeFromMalLabel } from '../domain/relation-type.ts';
import { startSimulator, type RunningSimulator } from './simulator.ts';
import { getJson, postGraphql } from '../../test/support/sim-requests.ts';
import { ManualClock } from '../../test/support/manual-clock.ts';

let sim: RunningSimulator;
const clock = new ManualClock(Date.UTC(2026, 6, 1));
const anilist = (query = '{ Media(id: 16498) { id title { romaji } description } }') => postGraphql(sim.anilistUrl, query);
const jikan = (path = '/anime/16498/full') => getJson(`${sim.jikanUrl}${path}`);

before(async () => {
  sim = await startSimulator({ catalog: await loadCatalog(), clock, anilistRatePerMinute: 100_000, jikanPerSecond: 1000, jikanPerMinute: 100_000 });
});
after(() => sim.close());
beforeEach(() => {
  sim.configure({ faults: '' });
  sim.reset();
});

describe('request faults', () => {
  test('500: AniList answers an empty body, Jikan its Exception JSON', async () => {
    sim.configure({ faults: '500=1' });
    const a = await anilist();
    assert.equal(a.status, 500);
    assert.equal(a.text, '');
    const j = await jikan();
    assert.equal(j.status, 500);
    assert.equal(j.json.type, 'Exception');
    assert.deepEqual(sim.stats().anilist.responses, { '500': 1 });
  });

  test('502 and 504: HTML gateway pages, except Jikan 504 which is its BadResponseException', async () => {
    sim.configure({ faults: '502=1' });
    for (const res of [await anilist(), await jikan()]) {
      assert.equal(res.status, 502);
      assert.match(res.headers.get('content-type')!, /text\/html/);
      assert.match(res.text, /502 Bad Gateway/);
    }
    sim.configure({ faults: '504=1' });
    const a = await anilist();
    assert.equal(a.status, 504);
    assert.equal(a.json, undefined, 'not JSON');
    const j = await jikan();
    assert.equal(j.status, 504);
    assert.deepEqual(Object.keys(j.json), ['status', 'type', 'message', 'error']);
    assert.equal(j.json.type, 'BadResponseException');
    assert.match(j.json.message, /failed to connect to MyAnimeList/);
  });

  test('html403: the Cloudflare "Just a moment..." page', async () => {
    sim.configure({ faults: 'html403=1@anilist' });
    const a = await anilist();
    assert.equal(a.status, 403);
    assert.match(a.text, /<title>Just a moment\.\.\.<\/title>/);
    assert.equal((await jikan()).status, 200, '@anilist leaves Jikan alone');
  });

  test('truncate: a 200 whose JSON is cut in half', async () => {
    sim.configure({ faults: 'truncate=1' });
    const whole = JSON.stringify((await (async () => { sim.configure({ faults: '' }); return jikan(); })()).json);
    sim.configure({ faults: 'truncate=1' });
    for (const res of [await anilist(), await jikan()]) {
      assert.equal(res.status, 200);
      assert.equal(res.json, undefined, 'the body must not parse');
      assert.ok(res.text.length > 10);
    }
    assert.equal((await jikan()).text.length, Math.floor(whole.length / 2));
  });

  test('429: a single spurious 429 in the upstream\'s own shape', async () => {
    sim.configure({ faults: '429=1' });
    const a = await anilist();
    assert.equal(a.status, 429);
    assert.deepEqual(a.json, { data: null, errors: [{ message: 'Too Many Requests.', status: 429 }] });
    assert.equal(a.headers.get('retry-after'), '1');
    const j = await jikan();
    assert.equal(j.status, 429);
    assert.equal(j.json.status, '429');
    sim.configure({ faults: '' });
    assert.equal((await anilist()).status, 200, 'no lasting effect');
    assert.equal(sim.stats().anilist.rateLimited, 1);
  });

  test('storm: every request answers 429 for the storm seconds, then it passes', async () => {
    sim.configure({ faults: 'storm=1:5@anilist' });
    const first = await anilist();
    assert.equal(first.status, 429);
    assert.equal(first.headers.get('retry-after'), '5');
    sim.configure({ faults: '' });
    await clock.advance(3_000);
    const during = await anilist();
    assert.equal(during.status, 429, 'the storm outlives the roll that started it');
    assert.equal(during.headers.get('retry-after'), '2');
    await clock.advance(2_000);
    assert.equal((await anilist()).status, 200);
    assert.equal(sim.stats().anilist.rateLimited, 2);
  });

  test('a Jikan storm looks like MyAnimeList limiting Jikan', async () => {
    sim.configure({ faults: 'storm=1@jikan' });
    const res = await jikan();
    assert.equal(res.status, 429);
    assert.equal(res.json.status, 429);
    assert.equal(res.json.message, 'Jikan is being rate limited by MyAnimeList.');
  });

  test('hang: no answer until the client gives up', async () => {
    sim.configure({ faults: 'hang=1@jikan' });
    await assert.rejects(fetch(`${sim.jikanUrl}/anime/1`, { signal: AbortSignal.timeout(200) }), { name: 'TimeoutError' });
    assert.equal(sim.stats().jikan.requests, 1);
    assert.deepEqual(sim.stats().jikan.responses, {});
  });

  test('probabilities are rolled per request from the seed: the same seed replays the same faults', async () => {
    const run = async () => {
      sim.configure({ faults: '500=0.3,502=0.2', seed: 7 });
      sim.reset();
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await jikan('/anime/1')).status);
      return statuses;
    };
    const first = await run();
    assert.deepEqual(await run(), first);
    const count = (s: number) => first.filter((x) => x === s).length;
    assert.ok(count(500) > 0 && count(502) > 0 && count(200) > 0, `mixed outcomes: ${first.join(',')}`);
    sim.configure({ seed: 1 });
  });
});

describe('content faults', () => {
  test('casing: MAL labels in other casings, stable per entry', async () => {
    sim.configure({ faults: '' });
    const plain = (await jikan()).json.data.relations.map((r: { relation: string }) => r.relation);
    sim.configure({ faults: 'casing=1' });
    const cased = (await jikan()).json.data.relations.map((r: { relation: string }) => r.relation);
    assert.notDeepEqual(cased, plain);
    assert.deepEqual(cased.map((l: string) => l.toLowerCase()), plain.map((l: string) => l.toLowerCase()));
    assert.deepEqual((await jikan()).json.data.relations.map((r: { relation: string }) => r.relation), cased, 'the same on every fetch');
    // Across a few entries both eras show up: "Side Story" and "SEQUEL".
    const labels = new Set<string>();
    for (const id of [1, 16498, 20, 21, 30]) for (const r of (await jikan(`/anime/${id}/relations`)).json.data) labels.add(r.relation);
    assert.ok([...labels].some((l) => l === l.toUpperCase()), [...labels].join());
    assert.ok([...labels].some((l) => /^[A-Z][a-z]+ [A-Z]/.test(l)), [...labels].join());
  });

  test('label: labels such as "Full story" and "Alternative setting" still map', async () => {
    sim.configure({ faults: 'label=1' });
    const labels = (await jikan()).json.data.relations.map((r: { relation: string }) => r.relation);
    assert.ok(labels.includes('Alternative setting'), labels.join());
    assert.ok(labels.includes('Same setting'), labels.join());
    const parent = (await jikan('/anime/25777/full')).json.data.relations.map((r: { relation: string }) => r.relation);
    assert.ok(!parent.includes('Parent story'));
    for (const label of labels) assert.ok(relationTypeFromMalLabel(label));
  });

  test('script: descriptions carry markup, a <script> and an <img onerror>, on both upstreams', async () => {
    sim.configure({ faults: 'script=1' });
    const description: string = (await anilist()).json.data.Media.description;
    assert.match(description, /<br>/);
    assert.match(description, /<i>/);
    assert.match(description, /<script>window\.__xss=1<\/script>/);
    assert.match(description, /<img [^>]*onerror=/);
    assert.match((await jikan()).json.data.synopsis, /<script>/);
    sim.configure({ faults: 'script=0.5@anilist' });
    const ids = [...Array(40).keys()].map((i) => i + 1);
    const res = await postGraphql(sim.anilistUrl, 'query ($ids: [Int]) { Page { media(id_in: $ids) { id description } } }', { ids });
    const hostile = res.json.data.Page.media.filter((m: { description: string | null }) => m.description?.includes('<script>')).length;
    assert.ok(hostile > 0 && hostile < res.json.data.Page.media.length, `about half: ${hostile}`);
  });
});

describe('closing', () => {
  test('close() ends hung requests instead of waiting for them', async () => {
    const own = await startSimulator({ catalog: await loadCatalog(), faults: 'hang=1' });
    const pending = fetch(`${own.anilistUrl}`, { method: 'POST', body: '{}' }).then(
      () => 'answered',
      () => 'ended',
    );
    while (own.stats().anilist.requests === 0) await new Promise((r) => setTimeout(r, 5));
    await own.close();
    assert.equal(await pending, 'ended');
  });

  test('a bad fault spec is refused and the old one kept', () => {
    sim.configure({ faults: '500=0.1' });
    assert.throws(() => sim.configure({ faults: 'boom=1' }), /unknown kind `boom`/);
    assert.throws(() => sim.configure({ faults: '500=0.7,502=0.7' }), /add up to 1.4/);
    assert.throws(() => sim.configure({ latencyMs: -1 }), /Expected `latencyMs` to be a finite number from 0 to 600000, got `-1` \(number\)/);
  });
});
