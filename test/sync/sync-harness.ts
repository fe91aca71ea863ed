import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog, loadCatalog } from '../../src/catalog/catalog.ts';
import { silentLogger } from '../../src/log.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { CatalogSync } from '../../src/sync/catalog-sync.ts';
import { simUpstreams } from '../support/sim-upstreams.ts';
import { systemClock } from '../../src/clock.ts';

/**
 * A small AniList for sync tests: every 8th entry of the offline catalog, a third of the
 * entries without a start date and the two-hop neighbourhoods of every 97th entry (about
 * 3,500), served with a result cap of 300 so that the cap, the
 * start-date windows and the genre groups all come into play in a few seconds.
 */
export const TEST_CAP = 300;

let subset: Promise<Catalog> | null = null;

export function syncTestCatalog(): Promise<Catalog> {
  subset ??= loadCatalog({ anilistOnly: true }).then((full) => {
    const part = new Catalog();
    const keep = new Set<number>();
    for (const media of full.media.values()) {
      if (media.id % 8 === 0 || (!media.startDate?.year && media.id % 3 === 0)) keep.add(media.id);
    }
    // Whole neighbourhoods of a few entries, so franchises (and one-way edges into them) exist.
    for (const media of full.media.values()) {
      if (media.id % 97 !== 0) continue;
      for (const r of media.relations) {
        if (!full.media.has(r.id)) continue;
        keep.add(media.id);
        keep.add(r.id);
        for (const r2 of full.media.get(r.id)!.relations) if (full.media.has(r2.id)) keep.add(r2.id);
      }
    }
    for (const id of keep) part.addMedia(full.media.get(id)!);
    return part;
  });
  return subset;
}

export async function startSyncSim(): Promise<RunningSimulator> {
  return startSimulator({ catalog: await syncTestCatalog(), anilistResultCap: TEST_CAP, anilistRatePerMinute: 100_000, jikanPerSecond: 1000, jikanPerMinute: 100_000 });
}

/** A temporary folder removed by `cleanup`. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-sync-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface SyncRig {
  store: Store;
  sync: CatalogSync;
  close(): Promise<void>;
}

/** A SQLite file and a CatalogSync over the simulator (roomy gate: these tests are about what is stored). */
export async function syncRig(sim: RunningSimulator, databaseUrl: string): Promise<SyncRig> {
  const store = await createStore(databaseUrl, { migrate: true });
  const upstreams = simUpstreams(sim);
  const sync = new CatalogSync({ store, anilist: upstreams.anilist, clock: systemClock, logger: silentLogger }, { resultCap: TEST_CAP });
  return { store, sync, close: () => store.close() };
}

/** What AniList's catalog holds now (the simulator's visible entries), as the store should after a sync. */
export function visibleIds(sim: RunningSimulator, catalog: Catalog): number[] {
  const hidden = new Set([...sim.catalog.summary().removed, ...sim.catalog.summary().unpublished]);
  return [...catalog.media.keys()].filter((id) => !hidden.has(id)).sort((a, b) => a - b);
}

/** Every stored entry and AniList edge, in a form two stores can be compared by. */
export async function dumpMirror(store: Store): Promise<{ anime: string[]; relations: string[]; removed: number[] }> {
  const anime = await store.db
    .selectFrom('anime')
    .select(['id', 'title_romaji', 'format', 'status', 'start_year', 'start_month', 'start_day', 'episodes', 'synonyms', 'average_score', 'updated_at'])
    .orderBy('id')
    .execute();
  const relations = await store.db.selectFrom('relation').select(['from_id', 'to_id', 'type', 'source']).orderBy(['from_id', 'to_id', 'type']).execute();
  const removed = await store.db.selectFrom('catalog_entry').select('anime_id').where('removed_at', 'is not', null).orderBy('anime_id').execute();
  return {
    anime: anime.map((a) => JSON.stringify(a)),
    relations: relations.map((r) => `${r.from_id}>${r.to_id}:${r.type}:${r.source}`),
    removed: removed.map((r) => Number(r.anime_id)),
  };
}
