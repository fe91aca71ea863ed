import { Kysely } from 'kysely';
import type { Anime } from '../domain/anime.ts';
import type { Relation } from '../domain/relation-type.ts';
import { systemClock, type Clock } from '../clock.ts';
import { silentLogger, type Logger } from '../log.ts';
import { isId } from './anime-row.ts';
import { createAnimeRepository, type AnimeRepository, type AnimeUpsertResult } from './anime-repository.ts';
import { createGatePaceRepository, type GatePaceRepository } from './gate-pace-repository.ts';
import { parseDatabaseUrl, redact } from './database-url.ts';
import { sqliteDialect } from './dialect/sqlite-dialect.ts';
import { checkInvariants, type InvariantReport } from './invariants.ts';
import { createCatalogRepository, type CatalogRepository } from './catalog-repository.ts';
import { readDataVersion } from './data-version.ts';
import { createCoverRepository, type CoverRepository } from './cover-repository.ts';
import { createJobRepository, type JobRepository } from './job-repository.ts';
import { migrateToLatest, pendingMigrations, type MigrationReport } from './migrations.ts';
import { createRelationRepository, type RelationRepository, type RelationUpsertResult } from './relation-repository.ts';
import type { Dialect, StoreSchema } from './schema.ts';
import { lockWrites, withTransaction, type StoreContext } from './store-context.ts';
import { StoreError } from './store-error.ts';

export interface SaveBatchResult {
  anime: AnimeUpsertResult;
  relations: RelationUpsertResult;
}

export interface Store {
  readonly dialect: Dialect;
  readonly anime: AnimeRepository;
  readonly relations: RelationRepository;
  readonly jobs: JobRepository;
  /** The cover proxy's cache of cover images. */
  readonly covers: CoverRepository;
  /** What the rate gates learnt, kept across runs. */
  readonly gatePaces: GatePaceRepository;
  /** The catalog mirror's membership marks and sync state (`tsunagu sync`). */
  readonly catalog: CatalogRepository;
  /**
   * One ingest batch in one transaction: the anime (multi-row upsert), then their relations
   * with inverses inferred, and every pending edge that now has both ends promoted.
   */
  saveBatch(anime: readonly Anime[], relations: readonly Relation[]): Promise<SaveBatchResult>;
  /**
   * A number every committed write to franchise data (anime, relations, a job's shown stats)
   * moves, the same for every process on this database (src/store/data-version.ts): equal
   * numbers mean nothing a franchise view shows has changed. One indexed read.
   */
  dataVersion(): Promise<number>;
  /** Runs `fn` with a store bound to one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** Checks the data model's invariants over the whole store (slow on big stores: tests and diagnostics). */
  checkInvariants(): Promise<InvariantReport>;
  /** The underlying Kysely, for reads no repository offers yet and for tests; prefer the repositories. */
  readonly db: Kysely<StoreSchema>;
  /** Closes the connections; later calls wait for the first. A transaction's store does nothing here. */
  close(): Promise<void>;
}

export interface StoreOptions {
  logger?: Logger;
  clock?: Clock;
  /**
   * Apply pending migrations on open. Default: true for SQLite (a local file should just
   * work), false for PostgreSQL, where schema changes belong to a deliberate `tsunagu migrate`;
   * an outdated schema then fails the open with a StoreError saying so.
   */
  migrate?: boolean;
  /** SQLite: how long a write waits for another process's lock, ms. Default 10000. */
  busyTimeoutMs?: number;
  /** PostgreSQL: connections in the pool. Default 10. */
  poolSize?: number;
}

/** Opens the database a URL names (see parseDatabaseUrl), brings or checks its schema, and returns the store. */
export async function createStore(databaseUrl: string, options: StoreOptions = {}): Promise<Store> {
  const { db, dialect, schema } = await openDatabase(databaseUrl, options);
  try {
    if (options.migrate ?? dialect === 'sqlite') {
      await migrateToLatest(db, dialect, schema);
    } else {
      const pending = await pendingMigrations(db, dialect);
      if (pending.length > 0) {
        throw new StoreError('schema-outdated', `database ${redact(databaseUrl)} lacks migrations ${pending.join(', ')}: run \`tsunagu migrate\``);
      }
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const ctx: StoreContext = { db, dialect, inTransaction: false, clock: options.clock ?? systemClock, logger: options.logger ?? silentLogger };
  let closing: Promise<void> | undefined;
  return buildStore(ctx, () => (closing ??= db.destroy()));
}

/** Applies every pending migration to the database a URL names and says which ran. */
export async function migrateDatabase(databaseUrl: string, options: Pick<StoreOptions, 'busyTimeoutMs' | 'poolSize'> = {}): Promise<MigrationReport> {
  const { db, dialect, schema } = await openDatabase(databaseUrl, options);
  try {
    return await migrateToLatest(db, dialect, schema);
  } finally {
    await db.destroy();
  }
}

async function openDatabase(databaseUrl: string, options: StoreOptions): Promise<{ db: Kysely<StoreSchema>; dialect: Dialect; schema?: string }> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === 'sqlite') {
    return { db: new Kysely<StoreSchema>({ dialect: sqliteDialect(target.path, { busyTimeoutMs: options.busyTimeoutMs ?? 10_000 }) }), dialect: 'sqlite' };
  }
  // Imported only for PostgreSQL, so a SQLite run does not load pg.
  const { postgresDialect } = await import('./dialect/postgres-dialect.ts');
  const dialect = postgresDialect(target.connectionString, {
    poolSize: options.poolSize ?? 10,
    schema: target.schema,
    onIdleError: (error) => (options.logger ?? silentLogger).error({ err: error }, 'idle PostgreSQL connection failed'),
  });
  return { db: new Kysely<StoreSchema>({ dialect }), dialect: 'postgres', schema: target.schema };
}

function buildStore(ctx: StoreContext, close: () => Promise<void>): Store {
  const store: Store = {
    dialect: ctx.dialect,
    anime: createAnimeRepository(ctx),
    relations: createRelationRepository(ctx),
    jobs: createJobRepository(ctx),
    covers: createCoverRepository(ctx),
    gatePaces: createGatePaceRepository(ctx),
    catalog: createCatalogRepository(ctx),
    db: ctx.db,
    saveBatch(list, edges) {
      return withTransaction(ctx, async (c) => {
        await lockWrites(c);
        const animeResult = await createAnimeRepository(c).upsertMany(list);
        const promotePendingOf = list.map((a) => a?.id).filter(isId);
        const relationResult = await createRelationRepository(c).upsertMany(edges, { promotePendingOf });
        return { anime: animeResult, relations: relationResult };
      });
    },
    dataVersion: () => readDataVersion(ctx.db),
    transaction(fn) {
      if (ctx.inTransaction) return fn(store);
      return ctx.db.transaction().execute((trx) => fn(buildStore({ ...ctx, db: trx, inTransaction: true }, async () => {})));
    },
    checkInvariants: () => checkInvariants(ctx),
    close,
  };
  return store;
}
