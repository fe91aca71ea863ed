import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Relation } from '../../../src/domain/relation-type.ts';
import { anime, dumpTables, edge, sorted } from '../../fixtures/store-fixtures.ts';
import type { SuiteContext } from './store-conformance.ts';

const ids = (...list: number[]) => list.map((id) => anime(id));

export function relationCases(ctx: SuiteContext): void {
  test('relations: the missing inverse of an upstream edge is inferred', async () => {
    const { store } = await ctx.open();
    const result = await store.saveBatch(ids(1, 2), [edge(1, 2, 'SEQUEL')]);
    assert.deepEqual(result.relations, { stored: 1, inferred: 1, pending: 0, promoted: 0, dropped: [] });
    assert.deepEqual(sorted(await store.relations.listFrom([1, 2])), [edge(1, 2, 'SEQUEL'), edge(2, 1, 'PREQUEL', 'inferred')]);
    assert.deepEqual(await store.checkInvariants(), { ok: true, problems: [] });
  });

  test('relations: an upstream edge replaces an inferred one; an inferred or MAL edge never replaces an AniList one', async () => {
    const { store } = await ctx.open();
    await store.saveBatch(ids(1, 2, 3, 4), [edge(1, 2, 'SEQUEL')]);
    const upgrade = await store.relations.upsertMany([edge(2, 1, 'PREQUEL')]);
    assert.equal(upgrade.inferred, 0);
    await store.relations.upsertMany([edge(1, 2, 'SEQUEL', 'mal'), edge(2, 1, 'PREQUEL', 'mal')]);
    assert.deepEqual(sorted(await store.relations.listFrom([1, 2])), [edge(1, 2, 'SEQUEL'), edge(2, 1, 'PREQUEL')]);

    await store.relations.upsertMany([edge(3, 4, 'SEQUEL', 'mal')]);
    await store.relations.upsertMany([edge(3, 4, 'SEQUEL', 'anilist')]);
    assert.deepEqual(sorted(await store.relations.listFrom([3, 4])), [edge(3, 4, 'SEQUEL'), edge(4, 3, 'PREQUEL', 'inferred')]);
    assert.deepEqual(await store.checkInvariants(), { ok: true, problems: [] });
  });

  test('relations: asymmetric inverses (PARENT answered by SPIN_OFF) end in the same rows whatever order they arrive in', async () => {
    const parent = edge(5, 6, 'PARENT');
    const spinOff = edge(6, 5, 'SPIN_OFF');
    const dumps = [];
    for (const order of [[parent, spinOff], [spinOff, parent]]) {
      const { store } = await ctx.open();
      await store.saveBatch(ids(5, 6), []);
      await store.relations.upsertMany([order[0]!]);
      const inferredFirst = sorted(await store.relations.listFrom([5, 6]));
      assert.equal(inferredFirst.filter((e) => e.source === 'inferred').length, 1, 'one side inferred while the other is missing');
      await store.relations.upsertMany([order[1]!]);
      assert.deepEqual(sorted(await store.relations.listFrom([5, 6])), [parent, spinOff], 'no SIDE_STORY invented next to a real SPIN_OFF');
      assert.deepEqual(await store.checkInvariants(), { ok: true, problems: [] });
      dumps.push(await dumpTables(store));
    }
    assert.deepEqual(dumps[0], dumps[1]);
  });

  test('relations: types are stored upper case (one row per case-folded type); unknown labels pair with OTHER', async () => {
    const { store } = await ctx.open();
    const result = await store.saveBatch(ids(7, 8), [edge(7, 8, 'crossover'), edge(7, 8, 'CROSSOVER', 'mal')]);
    assert.equal(result.relations.stored, 1);
    assert.equal(result.relations.dropped.length, 1);
    assert.deepEqual(sorted(await store.relations.listFrom([7, 8])), [edge(7, 8, 'CROSSOVER'), edge(8, 7, 'OTHER', 'inferred')]);
    assert.deepEqual(await store.checkInvariants(), { ok: true, problems: [] });
  });

  test('relations: self-loops, bad ids, empty types, inferred or unknown sources and repeats are refused with a reason', async () => {
    const { store } = await ctx.open();
    await store.saveBatch(ids(1, 2), []);
    const bad: Relation[] = [
      edge(1, 1, 'SEQUEL'),
      edge(0, 2, 'SEQUEL'),
      edge(1, 2.5, 'SEQUEL'),
      edge(1, 2, '  '),
      edge(1, 2, 'SEQUEL', 'inferred'),
      { ...edge(1, 2, 'SEQUEL'), source: 'web' as Relation['source'] },
      edge(1, 2, 'PREQUEL'),
      edge(1, 2, 'PREQUEL'),
    ];
    const result = await store.relations.upsertMany(bad);
    assert.deepEqual(
      result.dropped.map((d) => d.reason),
      [
        'self-loop (an entry related to itself)',
        'from and to must be positive safe integers',
        'from and to must be positive safe integers',
        'empty relation type',
        'inferred edges are derived by the store, not accepted from callers',
        'unknown source "web"',
        'duplicate edge in the same call',
      ],
    );
    assert.equal(result.stored, 1);
    assert.deepEqual(sorted(await store.relations.listFrom([1, 2])), [edge(1, 2, 'PREQUEL'), edge(2, 1, 'SEQUEL', 'inferred')]);
  });

  test('relations: edges to entries not stored yet wait, then are promoted when the entry arrives', async () => {
    const { store } = await ctx.open();
    const first = await store.saveBatch(ids(1), [edge(1, 2, 'SEQUEL'), edge(1, 3, 'SIDE_STORY')]);
    assert.deepEqual(first.relations, { stored: 0, inferred: 0, pending: 2, promoted: 0, dropped: [] });
    assert.deepEqual(await store.relations.listFrom([1]), []);
    assert.deepEqual(await store.relations.listPending(), [edge(1, 2, 'SEQUEL'), edge(1, 3, 'SIDE_STORY')]);
    assert.deepEqual(await store.checkInvariants(), { ok: true, problems: [] }, 'pending edges break no invariant');

    const second = await store.saveBatch(ids(2), [edge(2, 1, 'PREQUEL')]);
    assert.deepEqual(second.relations, { stored: 1, inferred: 0, pending: 0, promoted: 1, dropped: [] });
    assert.deepEqual(sorted(await store.relations.listFrom([1, 2])), [edge(1, 2, 'SEQUEL'), edge(2, 1, 'PREQUEL')]);
    assert.deepEqual(await store.relations.listPending(), [edge(1, 3, 'SIDE_STORY')]);

    // The missing end can be the source too (a MAL relation found before its entry).
    await store.relations.upsertMany([edge(4, 1, 'SEQUEL', 'mal')]);
    const third = await store.saveBatch(ids(3, 4), []);
    assert.equal(third.relations.promoted, 2);
    assert.deepEqual(await store.relations.listPending(), []);
    assert.deepEqual(sorted(await store.relations.listFrom([1, 3, 4])), [
      edge(1, 2, 'SEQUEL'),
      edge(1, 3, 'SIDE_STORY'),
      edge(1, 4, 'PREQUEL', 'inferred'),
      edge(3, 1, 'PARENT', 'inferred'),
      edge(4, 1, 'SEQUEL', 'mal'),
    ]);
    assert.deepEqual(await store.checkInvariants(), { ok: true, problems: [] });
  });

  test('relations: componentEdges follows only AniList edges of the given types (stored or pending), either way, and returns every edge touching what it reached', async () => {
    const { store } = await ctx.open();
    await store.saveBatch(ids(1, 2, 3, 5, 6, 7, 8, 9), [
      edge(1, 2, 'SEQUEL'),
      edge(5, 1, 'PREQUEL'),
      edge(2, 3, 'SEQUEL'),
      edge(2, 9, 'CHARACTER'),
      edge(3, 7, 'SIDE_STORY', 'mal'),
      edge(3, 40, 'SEQUEL'),
      edge(6, 3, 'SEQUEL'),
      edge(8, 1, 'PREQUEL'),
    ]);
    // 3 -> 40 waits for entry 40; 40 is reached, so what waits on 40's side would count too.
    await store.relations.upsertMany([edge(40, 8, 'SEQUEL')]);
    const { stored, pending } = await store.relations.componentEdges(1, ['sequel']);
    assert.deepEqual(stored, [
      edge(1, 2, 'SEQUEL'),
      edge(1, 5, 'SEQUEL', 'inferred'),
      edge(1, 8, 'SEQUEL', 'inferred'),
      edge(2, 1, 'PREQUEL', 'inferred'),
      edge(2, 3, 'SEQUEL'),
      edge(2, 9, 'CHARACTER'),
      edge(3, 2, 'PREQUEL', 'inferred'),
      edge(3, 6, 'PREQUEL', 'inferred'),
      edge(3, 7, 'SIDE_STORY', 'mal'),
      edge(5, 1, 'PREQUEL'),
      edge(6, 3, 'SEQUEL'),
      edge(7, 3, 'PARENT', 'inferred'),
      edge(8, 1, 'PREQUEL'),
      edge(9, 2, 'CHARACTER', 'inferred'),
    ], '6 through its own SEQUEL edge into 3, read backwards; 8 through the pending 3 -> 40 -> 8; not 5 (PREQUEL, not followed), 7 (MAL edge) or 9 (type not followed), whose edges with reached entries still come along');
    assert.deepEqual(pending, [edge(3, 40, 'SEQUEL'), edge(40, 8, 'SEQUEL')]);
    assert.deepEqual(await store.relations.listPendingFrom([3, 7]), [edge(3, 40, 'SEQUEL')]);
    assert.deepEqual(await store.relations.listPendingFrom([]), []);
    assert.deepEqual(await store.relations.listTo([3, 9]), [edge(2, 3, 'SEQUEL'), edge(2, 9, 'CHARACTER'), edge(6, 3, 'SEQUEL'), edge(7, 3, 'PARENT', 'inferred')]);
    assert.deepEqual(await store.relations.listTo([]), []);
    const fromOther = await store.relations.componentEdges(9, ['SEQUEL', 'PREQUEL']);
    assert.deepEqual(fromOther, { stored: [edge(2, 9, 'CHARACTER'), edge(9, 2, 'CHARACTER', 'inferred')], pending: [] }, 'a root is reached even with no followed edge');
    assert.deepEqual(await store.relations.componentEdges(404, ['SEQUEL']), { stored: [], pending: [] });
    assert.deepEqual(await store.relations.componentEdges([9, 404, 9], ['SEQUEL', 'PREQUEL']), fromOther, 'several roots, repeats and unknown ones ignored');
    const rootAlone = [...(await store.relations.listFrom([1])), ...(await store.relations.listTo([1]))].sort((a, b) => a.from - b.from || a.to - b.to);
    assert.deepEqual(await store.relations.componentEdges(1, []), { stored: rootAlone, pending: [] }, 'nothing followed: the root alone');
  });

  test('relations: saveBatch is one transaction, and store.transaction rolls everything back when its function throws', async () => {
    const { store } = await ctx.open();
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.saveBatch(ids(1, 2), [edge(1, 2, 'SEQUEL')]);
        await tx.jobs.create({ kind: 'ingest', dedupeKey: 'k', payload: {} });
        assert.equal(await tx.anime.count(), 2, 'visible inside the transaction');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await store.anime.count(), 0);
    assert.deepEqual(await store.relations.listFrom([1]), []);
    assert.equal(await store.jobs.findActive(['k']), undefined);
    const kept = await store.transaction(async (tx) => (await tx.saveBatch(ids(1, 2), [edge(1, 2, 'SEQUEL')])).relations.stored);
    assert.equal(kept, 1);
    assert.equal((await store.relations.listFrom([1, 2])).length, 2);
  });
}
