import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../clock.ts';
import { loadConfig } from '../config/config.ts';
import { parsePolicy } from '../domain/franchise-policy.ts';
import { RELATION_TYPES } from '../domain/relation-type.ts';
import { silentLogger } from '../log.ts';
import type { RunningSimulator } from '../sim/simulator.ts';
import { WORK_ID_BASE } from '../sim/source-work.ts';
import { createStore } from '../store/store.ts';
import { createUpstreams } from '../upstream/upstreams.ts';
import { discoverFranchise } from './franchise-discovery.ts';
import {
  batchBound,
  catalogFranchise,
  fastGates,
  followJob,
  sqliteDatabase,
  startFastSimulator,
  testEnv,
  testRuntime,
} from '../../test/support/ingest-harness.ts';
import { postgresTarget, sqliteTarget, type DatabaseTarget } from '../../test/support/service-targets.ts';

/** The reference franchises of the data README: id and title. */
const FRANCHISES = [
  { root: 16498, name: 'Attack on Titan' },
  { root: 5081, name: 'Monogatari' },
  { root: 356, name: 'Fate/stay night' },
  { root: 80, name: 'Mobile Suit Gundam' },
  // The Akito the Exiled films hang off it by OTHER edges only, judged by their titles once fetched.
  { root: 1575, name: 'Code Geass' },
] as const;

function scenarios(dialect: string, databases: () => DatabaseTarget | Promise<DatabaseTarget>) {
  describe(`discovery on ${dialect}`, () => {
    let sim: RunningSimulator;
    let target: DatabaseTarget;
    before(async () => {
      target = await databases();
      if (!target.skip) sim = await startFastSimulator();
    });
    after(async () => {
      await sim?.close();
      await target?.cleanup();
    });

    for (const { root, name } of FRANCHISES) {
      test(`${name} (${root}): the exact member set the catalog gives under the policy, in about one request per level`, async (t) => {
        if (target.skip) return t.skip(target.skip);
        const expected = await catalogFranchise(root);
        const runtime = await testRuntime(sim, await target.freshUrl(), { env: { TSUNAGU_ENRICH: 'false' } });
        try {
          sim.reset();
          const { job } = await runtime.ingest.requestIngest({ query: String(root) });
          const events = await followJob(runtime, job.id);
          const final = events.at(-1)!;
          assert.equal(final.type === 'state' && final.status, 'succeeded');

          const view = await runtime.ingest.franchiseOf(root);
          assert.ok(view);
          const ids = (list: Iterable<number>) => [...list].sort((a, b) => a - b);
          assert.deepEqual(ids(view.members.map((m) => m.id)), ids(expected.members.keys()), 'members');
          for (const member of view.members) assert.equal(member.depth, expected.members.get(member.id), `depth of ${member.id}`);
          assert.equal(view.franchise.truncated, false);
          assert.equal(view.franchise.size, expected.members.size);
          assert.equal(view.watchOrder.release.length, expected.members.size);
          assert.equal(view.watchOrder.story.length, expected.members.size);

          // The root's own request resolves the query; every other one is discovery.
          const discoveryRequests = sim.stats().anilist.requests - 1;
          const bound = batchBound(expected.members, new Set([root]));
          assert.ok(discoveryRequests <= bound, `${discoveryRequests} discovery requests for ${expected.members.size} entries, bound ${bound}`);
          assert.ok(events.some((e) => e.type === 'entries'), 'entries events as batches are stored');

          const report = await runtime.store.checkInvariants();
          assert.deepEqual(report.problems, []);

          // Everything is fresh now: a second ingest walks the store and asks AniList nothing.
          sim.reset();
          const again = await runtime.ingest.requestIngest({ query: String(root) });
          assert.equal(again.created, true);
          const second = await followJob(runtime, again.job.id);
          assert.equal(second.at(-1)!.type === 'state' && (second.at(-1) as { status: string }).status, 'succeeded');
          assert.equal(sim.stats().anilist.requests, 0);
        } finally {
          await runtime.close();
        }
      });
    }
  });
}

scenarios('SQLite', sqliteTarget);

test('levels wider than 50 go out in full batches: one request per 50 entries of a level (AoT over every relation type, 719 entries)', async () => {
  const policy = parsePolicy([...RELATION_TYPES], { maxEntries: 5000, maxDepth: 1000 });
  const expected = await catalogFranchise(16498, policy);
  const widest = Math.max(...[...expected.members.values()].map((d) => [...expected.members.values()].filter((x) => x === d).length));
  assert.ok(widest > 100, `a level of ${widest} entries needs several batches`);
  const sim = await startFastSimulator();
  const db = await sqliteDatabase();
  const store = await createStore(db.url);
  try {
    const upstreams = createUpstreams(loadConfig(testEnv(sim, db.url)), { logger: silentLogger, gates: fastGates() });
    const result = await discoverFranchise(16498, { store, anilist: upstreams.anilist, clock: systemClock, logger: silentLogger }, { policy });
    assert.deepEqual([...result.members.keys()].sort((a, b) => a - b), [...expected.members.keys()].sort((a, b) => a - b));
    assert.deepEqual(result.failures, []);
    // Every member fetched once. (The walk may also ask for an entry it later rules out:
    // over every relation type it asks for Ni no Kuni, 107727, through a crossover parent.)
    assert.ok(result.fetched >= expected.members.size && result.fetched <= expected.members.size + 1, `fetched ${result.fetched}`);
    const bound = batchBound(expected.members);
    assert.ok(sim.stats().anilist.requests <= bound, `${sim.stats().anilist.requests} requests, bound ${bound}`);
    assert.deepEqual((await store.checkInvariants()).problems, []);
  } finally {
    await store.close();
    await db.close();
    await sim.close();
  }
});
test('manga and novels in AniList\'s and Jikan\'s relations are not walked, stored or left pending (Fate: a SPIN_OFF to a manga)', async () => {
  const sim = await startFastSimulator();
  const db = await sqliteDatabase();
  const runtime = await testRuntime(sim, db.url);
  try {
    // The simulator does offer them: a SPIN_OFF edge (a followed type) from Fate/stay night to a manga, and Jikan's manga entries.
    const fate = await (await fetch(sim.anilistUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: '{ Media(id: 356) { relations { edges { relationType(version: 2) node { id type } } } } }' }) })).json();
    const toManga = fate.data.Media.relations.edges.filter((e: { node: { type: string } }) => e.node.type === 'MANGA');
    assert.ok(toManga.some((e: { relationType: string }) => e.relationType === 'SPIN_OFF'));
    const jikan = await (await fetch(`${sim.jikanUrl}/anime/356/relations`)).json();
    const mangaMalIds: number[] = jikan.data.flatMap((g: { entry: { type: string; mal_id: number }[] }) => g.entry.filter((e) => e.type === 'manga').map((e) => e.mal_id));
    assert.ok(mangaMalIds.length > 0);
    // MAL numbers manga apart from anime: a manga's id can be an unrelated anime's. Store such an
    // anime first; a client reading mal_id without type would link Fate to it.
    const decoys: number[] = [];
    for (const malId of mangaMalIds) {
      const { job } = await runtime.ingest.requestIngest({ query: `mal:${malId}`, enrich: false, policy: { maxDepth: 0 } });
      const done = await followJob(runtime, job.id);
      if ((done.at(-1) as { status: string }).status === 'succeeded') decoys.push((await runtime.store.anime.findByMalId(malId))!.id);
    }
    assert.ok(decoys.length > 0, 'some spin-off manga of Fate shares its MAL id with a stored anime');

    const members = new Set<number>();
    for (const root of [356, 16498]) {
      const expected = await catalogFranchise(root);
      const { job } = await runtime.ingest.requestIngest({ query: String(root) });
      const events = await followJob(runtime, job.id, 120_000);
      assert.equal(events.at(-1)!.type === 'state' && (events.at(-1) as { status: string }).status, 'succeeded');
      const view = (await runtime.ingest.franchiseOf(root))!;
      assert.equal(view.franchise.size, expected.members.size, 'the reference size does not change');
      for (const m of view.members) members.add(m.id);
      // Enrichment ran: MAL's relations, manga entries among them, were read.
      assert.ok(view.members.some((m) => m.malStatus === 'ok'));
    }
    // An edge to a manga, or between a member and an anime that only shares a manga's MAL id, is wrong.
    const wrong = (r: { from: number; to: number }) =>
      r.from >= WORK_ID_BASE || r.to >= WORK_ID_BASE || (members.has(r.from) && decoys.includes(r.to)) || (members.has(r.to) && decoys.includes(r.from));
    const stored = await runtime.store.relations.listFrom([...members, ...decoys]);
    assert.deepEqual(stored.filter(wrong), [], 'no relation row reaches a manga, or the anime sharing its MAL id');
    assert.deepEqual((await runtime.store.relations.listPending()).filter(wrong), [], 'no pending relation waits for a manga');
    assert.deepEqual((await runtime.store.anime.getMany([...toManga.map((e: { node: { id: number } }) => e.node.id)])), []);
    assert.deepEqual((await runtime.store.checkInvariants()).problems, []);
  } finally {
    await runtime.close();
    await db.close();
    await sim.close();
  }
});

scenarios('PostgreSQL', postgresTarget);
