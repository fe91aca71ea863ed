import { after, afterEach, describe } from 'node:test';
import { createStore, type Store, type StoreOptions } from '../../../src/store/store.ts';
import { StoreKeeper } from '../../fixtures/store-fixtures.ts';
import { animeCases } from './anime-cases.ts';
import { catalogCases } from './catalog-cases.ts';
import { concurrencyCases } from './concurrency-cases.ts';
import { coverCases } from './cover-cases.ts';
import { jobCases } from './job-cases.ts';
import { migrationCases } from './migration-cases.ts';
import { relationCases } from './relation-cases.ts';

/** A database server (or file system) the suite can make empty, isolated databases on. */
export interface StoreTarget {
  /** Why the suite cannot run here (for example PostgreSQL not answering); undefined = run it. */
  skip?: string;
  /** A URL naming a fresh, empty database no other test uses. */
  freshUrl(): Promise<string>;
  /** Removes everything freshUrl made. */
  cleanup(): Promise<void>;
}

export interface SuiteContext {
  /** Opens a migrated store, on a fresh database unless `url` is given; closed after the test. */
  open(options?: StoreOptions & { url?: string }): Promise<{ store: Store; url: string }>;
  freshUrl(): Promise<string>;
}

/** The one behaviour suite every Store implementation (SQLite, PostgreSQL) must pass. */
export function storeConformance(name: string, target: StoreTarget): void {
  describe(name, { skip: target.skip }, () => {
    const keeper = new StoreKeeper();
    afterEach(() => keeper.closeAll());
    after(() => target.cleanup());
    const ctx: SuiteContext = {
      freshUrl: () => target.freshUrl(),
      async open(options = {}) {
        const url = options.url ?? (await target.freshUrl());
        const store = keeper.track(await createStore(url, { migrate: true, ...options }));
        return { store, url };
      },
    };
    migrationCases(ctx);
    animeCases(ctx);
    relationCases(ctx);
    jobCases(ctx);
    catalogCases(ctx);
    concurrencyCases(ctx);
    coverCases(ctx);
  });
}
