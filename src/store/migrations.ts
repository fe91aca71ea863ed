import { Migrator, sql, type Kysely, type Migration, type MigrationResult } from 'kysely';
import { dataVersionMigration } from './data-version.ts';
import type { Dialect } from './schema.ts';

// Migrations live in code (not files read at runtime) so they ship inside the package and
// run unchanged from tsx, a bundle or tests. Append new ones; never edit an applied one.
function migrations(dialect: Dialect): Record<string, Migration> {
  // SQLite makes exactly `integer primary key` the rowid (fast lookups, no extra index);
  // PostgreSQL needs bigint for ms timestamps and leaves room above 2^31 for ids.
  const idType = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    '0001_initial': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('anime')
          .addColumn('id', idType, (c) => c.primaryKey())
          .addColumn('mal_id', 'bigint', (c) => c.unique())
          .addColumn('title_romaji', 'text')
          .addColumn('title_english', 'text')
          .addColumn('title_native', 'text')
          .addColumn('synonyms', 'text', (c) => c.notNull())
          .addColumn('search_text', 'text', (c) => c.notNull())
          .addColumn('format', 'text')
          .addColumn('status', 'text')
          .addColumn('start_year', 'integer')
          .addColumn('start_month', 'integer')
          .addColumn('start_day', 'integer')
          .addColumn('end_year', 'integer')
          .addColumn('end_month', 'integer')
          .addColumn('end_day', 'integer')
          .addColumn('season', 'text')
          .addColumn('season_year', 'integer')
          .addColumn('episodes', 'integer')
          .addColumn('duration', 'integer')
          .addColumn('source', 'text')
          .addColumn('genres', 'text', (c) => c.notNull())
          .addColumn('tags', 'text', (c) => c.notNull())
          .addColumn('studios', 'text', (c) => c.notNull())
          .addColumn('average_score', 'double precision')
          .addColumn('popularity', 'bigint')
          .addColumn('cover_image', 'text')
          .addColumn('cover_color', 'text')
          .addColumn('banner_image', 'text')
          .addColumn('description', 'text')
          .addColumn('is_adult', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'bigint')
          .addColumn('fetched_at', 'bigint', (c) => c.notNull())
          .addColumn('mal_score', 'double precision')
          .addColumn('mal_rank', 'bigint')
          .addColumn('mal_members', 'bigint')
          .addColumn('mal_rating', 'text')
          .addColumn('mal_status', 'text')
          .addColumn('mal_fetched_at', 'bigint')
          .execute();

        await db.schema
          .createTable('relation')
          .addColumn('from_id', 'bigint', (c) => c.notNull().references('anime.id'))
          .addColumn('to_id', 'bigint', (c) => c.notNull().references('anime.id'))
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('relation_pk', ['from_id', 'to_id', 'type'])
          .execute();
        // Reverse lookups, and the foreign key check when an anime row changes.
        await db.schema.createIndex('relation_to_id').on('relation').column('to_id').execute();

        await db.schema
          .createTable('pending_relation')
          .addColumn('from_id', 'bigint', (c) => c.notNull())
          .addColumn('to_id', 'bigint', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('pending_relation_pk', ['from_id', 'to_id', 'type'])
          .execute();
        await db.schema.createIndex('pending_relation_to_id').on('pending_relation').column('to_id').execute();

        await db.schema
          .createTable('job')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('dedupe_key', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('progress', 'text')
          .addColumn('failures', 'text', (c) => c.notNull())
          .addColumn('result', 'text')
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('worker_id', 'text')
          .addColumn('lease_until', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('started_at', 'bigint')
          .addColumn('finished_at', 'bigint')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        // At most one active job per dedupe key, enforced by the database itself so that
        // concurrent `create` calls (any process, either dialect) cannot both insert.
        await db.schema
          .createIndex('job_active_dedupe_key')
          .unique()
          .on('job')
          .column('dedupe_key')
          .where(sql.ref('status'), 'in', sql`('queued', 'running')`)
          .execute();
        await db.schema.createIndex('job_status_created').on('job').columns(['status', 'created_at']).execute();
      },
      async down(db: Kysely<any>) {
        for (const table of ['job', 'pending_relation', 'relation', 'anime']) await db.schema.dropTable(table).execute();
      },
    },
    '0002_jobs_owner_and_retention': {
      async up(db: Kysely<any>) {
        // The latest finished job of a franchise (its stats on every read) and retention's
        // scan of old finished jobs: both indexed, whatever the job table has grown to.
        await db.schema.createIndex('job_dedupe_finished').on('job').columns(['dedupe_key', 'finished_at']).execute();
        await db.schema.createIndex('job_finished_at').on('job').column('finished_at').execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.dropIndex('job_finished_at').execute();
        await db.schema.dropIndex('job_dedupe_finished').execute();
      },
    },
    // What each upstream's rate gate learnt from 429s, so the next run starts from it.
    '0003_gate_pace': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('gate_pace')
          .addColumn('upstream', 'text', (c) => c.primaryKey())
          .addColumn('pace', 'double precision', (c) => c.notNull())
          .addColumn('learned', 'double precision', (c) => c.notNull())
          .addColumn('ceiling', 'double precision', (c) => c.notNull())
          .addColumn('changed_at', 'bigint', (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.dropTable('gate_pace').execute();
      },
    },
    // The catalog mirror (`tsunagu sync`, src/sync/): which stored entries AniList's catalog
    // has (seen by which full pass, or marked removed: never deleted with their relations),
    // and the sync's own state row (cursor, high-water mark, lease), so a killed sync resumes
    // and two processes never run a scheduled one at once.
    '0004_sync_catalog': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('catalog_entry')
          .addColumn('anime_id', idType, (c) => c.primaryKey())
          .addColumn('seen_pass', 'integer', (c) => c.notNull())
          .addColumn('removed_at', 'bigint')
          .execute();
        await db.schema
          .createTable('catalog_sync')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('lease_owner', 'text')
          .addColumn('lease_until', 'bigint')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.dropTable('catalog_sync').execute();
        await db.schema.dropTable('catalog_entry').execute();
      },
    },
    // The counter every write to franchise data moves (src/store/data-version.ts): what the read cache keys on.
    '0005_data_version': dataVersionMigration(dialect),
    // Every cover size AniList gives, and the cover proxy's cache (src/covers/): one row per
    // entry and size, the image bytes or why they could not be had, keyed to the URL they
    // came from so a new upstream URL is fetched again.
    '0007_covers_cache': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('anime').addColumn('cover_images', 'text').execute();
        await db.schema
          .createTable('cover')
          .addColumn('anime_id', idType, (c) => c.notNull())
          .addColumn('size', 'text', (c) => c.notNull())
          .addColumn('source_url', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('content_type', 'text')
          .addColumn('body', dialect === 'sqlite' ? 'blob' : 'bytea')
          .addColumn('etag', 'text')
          .addColumn('error', 'text')
          .addColumn('fetched_at', 'bigint', (c) => c.notNull())
          .addColumn('retry_at', 'bigint')
          .addPrimaryKeyConstraint('cover_pk', ['anime_id', 'size'])
          .execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.dropTable('cover').execute();
        await db.schema.alterTable('anime').dropColumn('cover_images').execute();
      },
    },
  };
}

async function migrator(db: Kysely<any>, dialect: Dialect, inOpenTransaction = false): Promise<Migrator> {
  // Kysely looks for its bookkeeping tables in every schema it can see unless told which
  // one: with several Tsunagu schemas in one PostgreSQL database (installations, test
  // runs) it would find another schema's and skip creating its own.
  const schema =
    dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
    migrationTableSchema: schema,
    disableTransactions: inOpenTransaction,
    // Work done in parallel takes its own name prefix and merges in any order, so a database
    // may hold a later-named migration (0007) before an earlier one (0003) exists in the code
    // it runs: the missing one is applied then, instead of refusing the database.
    allowUnorderedMigrations: true,
  });
}

export interface MigrationReport {
  /** Names applied by this call, in order; empty when the schema was already current. */
  applied: string[];
}

/**
 * Brings the schema up to date; safe to run from several processes at once (Kysely takes a
 * lock). `schema` (PostgreSQL's `?schema=` in the URL) is created first if missing.
 */
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect, schema?: string): Promise<MigrationReport> {
  if (dialect === 'postgres' && schema) await db.schema.createSchema(schema).ifNotExists().execute();
  if (dialect === 'postgres') return runMigrations(db, dialect, false);
  // Kysely takes no lock on SQLite and runs its DDL outside a transaction, so two processes
  // opening a new file at once could both start creating tables. One IMMEDIATE transaction
  // makes the whole run atomic and serial: the second process waits (busy_timeout), then
  // finds nothing left to do.
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const report = await runMigrations(connection, dialect, true);
      await sql`commit`.execute(connection);
      return report;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

async function runMigrations(db: Kysely<any>, dialect: Dialect, inOpenTransaction: boolean): Promise<MigrationReport> {
  const { error, results } = await (await migrator(db, dialect, inOpenTransaction)).migrateToLatest();
  if (error) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error');
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(setup)'} failed: ${why}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** Migrations defined in code but not yet applied to this database. */
export async function pendingMigrations(db: Kysely<any>, dialect: Dialect): Promise<string[]> {
  const all = await (await migrator(db, dialect)).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
