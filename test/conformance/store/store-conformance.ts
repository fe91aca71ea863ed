import { after, afterEach, describe } from 'node:test';
import { createStore, type Store, type StoreOptions } from '../../../src/store/store.ts';
import type { DatabaseTarget } from '../../support/service-targets.ts';
import { StoreKeeper } from '../../fixtures/store-fixtures.ts';
import { animeCases } from './anime-cases.ts';
import { catalogCases } from './catalog-cases.ts';
import { concurrencyCases } from './concurrency-cases.ts';
import { coverCases } from './cover-cases.ts';
import { dataVersionCases } from './data-version-cases.ts';
import { jobCases } from './job-cases.ts';
import { migrationCases } from './migration-cases.ts';
import { relationCases } from './relation-cases.ts';

/** Where the suite opens its fresh databases: a SQLite dir or a PostgreSQL server. */
export type StoreTarget = DatabaseTarget;

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
    dataVersionCases(ctx);
  });
}
