import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect, StoreSchema } from './schema.ts';

/**
 * The data version: one counter that every committed write to what a franchise view shows
 * (anime rows, relations, pending relations, a job reaching or leaving succeeded/partial,
 * whose stats a view shows) moves, in the writing transaction itself. Triggers move it, so
 * no write path can forget to, and every process sharing the database reads the same
 * number: a read cache keyed by it never serves data older than the last commit it could see.
 *
 * SQLite has only row triggers and one writer at a time: each written row adds one.
 * PostgreSQL: deferred constraint triggers move it once per transaction at commit time, so
 * the counter's row lock is taken last and held for an instant (taken mid-transaction it
 * would serialise concurrent writers and could deadlock against the advisory write lock).
 */
export async function readDataVersion(db: Kysely<StoreSchema>): Promise<number> {
  const row = await db.selectFrom('data_version').select('version').where('id', '=', 1).executeTakeFirst();
  // pg returns bigint as text; a database migrated without the row would be corrupt.
  if (!row) throw new Error('data_version has no row: run `tsunagu migrate`');
  return Number(row.version);
}

/** Tables whose every write moves the version. */
const DATA_TABLES = ['anime', 'relation', 'pending_relation'] as const;
/** Jobs in these statuses give a franchise view its stats. */
const SHOWN_JOB_STATUSES = "('succeeded', 'partial')";

export function dataVersionMigration(dialect: Dialect): Migration {
  return dialect === 'sqlite' ? sqliteMigration : postgresMigration;
}

const sqliteMigration: Migration = {
  async up(db: Kysely<any>) {
    await createCounter(db);
    const bump = 'update data_version set version = version + 1 where id = 1;';
    for (const table of DATA_TABLES) {
      for (const event of ['insert', 'update', 'delete']) {
        await sql.raw(`create trigger data_version_${table}_${event} after ${event} on ${table} begin ${bump} end`).execute(db);
      }
    }
    await sql.raw(`create trigger data_version_job_insert after insert on job when new.status in ${SHOWN_JOB_STATUSES} begin ${bump} end`).execute(db);
    await sql
      .raw(`create trigger data_version_job_update after update on job when new.status in ${SHOWN_JOB_STATUSES} or old.status in ${SHOWN_JOB_STATUSES} begin ${bump} end`)
      .execute(db);
    await sql.raw(`create trigger data_version_job_delete after delete on job when old.status in ${SHOWN_JOB_STATUSES} begin ${bump} end`).execute(db);
  },
  async down(db: Kysely<any>) {
    for (const table of DATA_TABLES) {
      for (const event of ['insert', 'update', 'delete']) await sql.raw(`drop trigger if exists data_version_${table}_${event}`).execute(db);
    }
    for (const event of ['insert', 'update', 'delete']) await sql.raw(`drop trigger if exists data_version_job_${event}`).execute(db);
    await db.schema.dropTable('data_version').execute();
  },
};

const postgresMigration: Migration = {
  async up(db: Kysely<any>) {
    await createCounter(db);
    // Qualified with this installation's schema, so a function body run under another
    // search_path still moves this installation's counter.
    const schema = await currentSchema(db);
    const counter = `${schema}.data_version`;
    const fn = `${schema}.tsunagu_bump_data_version`;
    // One bump per transaction: the first row's trigger marks the transaction (a setting
    // local to it), the rest see the mark and skip.
    await sql
      .raw(
        `create or replace function ${fn}() returns trigger language plpgsql as $body$
begin
  if current_setting('tsunagu.data_version_txid', true) is distinct from txid_current()::text then
    perform set_config('tsunagu.data_version_txid', txid_current()::text, true);
    update ${counter} set version = version + 1 where id = 1;
  end if;
  return null;
end
$body$`,
      )
      .execute(db);
    const deferred = `deferrable initially deferred for each row`;
    for (const table of DATA_TABLES) {
      await sql.raw(`create constraint trigger data_version_${table} after insert or update or delete on ${schema}.${table} ${deferred} execute procedure ${fn}()`).execute(db);
    }
    await sql
      .raw(`create constraint trigger data_version_job_write after insert or update on ${schema}.job ${deferred} when (new.status in ${SHOWN_JOB_STATUSES}) execute procedure ${fn}()`)
      .execute(db);
    await sql
      .raw(`create constraint trigger data_version_job_leave after update or delete on ${schema}.job ${deferred} when (old.status in ${SHOWN_JOB_STATUSES}) execute procedure ${fn}()`)
      .execute(db);
  },
  async down(db: Kysely<any>) {
    const schema = await currentSchema(db);
    for (const table of DATA_TABLES) await sql.raw(`drop trigger if exists data_version_${table} on ${schema}.${table}`).execute(db);
    for (const name of ['job_write', 'job_leave']) await sql.raw(`drop trigger if exists data_version_${name} on ${schema}.job`).execute(db);
    await sql.raw(`drop function if exists ${schema}.tsunagu_bump_data_version()`).execute(db);
    await db.schema.dropTable('data_version').execute();
  },
};

async function createCounter(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('data_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('data_version').values({ id: 1, version: 0 }).execute();
}

/** The schema migrations run in, quoted as an identifier. */
async function currentSchema(db: Kysely<any>): Promise<string> {
  const name = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
  if (!name) throw new Error('PostgreSQL has no current schema (search_path is empty)');
  return `"${name.replaceAll('"', '""')}"`;
}
