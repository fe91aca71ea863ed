import { sql, type Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Dialect, StoreSchema } from './schema.ts';

/** What every repository is built from; `db` is either the pool or one open transaction. */
export interface StoreContext {
  db: Kysely<StoreSchema>;
  dialect: Dialect;
  /** True when `db` is a transaction, so multi-statement writes join it instead of opening their own. */
  inTransaction: boolean;
  /** Set once lockWrites has run in this transaction (the lock lasts until it ends). */
  writeLocked?: boolean;
  clock: Clock;
  logger: Logger;
}

/** Runs `fn` in the caller's transaction, or in a new one. */
export function withTransaction<T>(ctx: StoreContext, fn: (ctx: StoreContext) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) return fn(ctx);
  return ctx.db.transaction().execute((trx) => fn({ ...ctx, db: trx, inTransaction: true, writeLocked: false }));
}

// Any fixed 64-bit number shared by all Tsunagu processes; it only has to differ from other
// applications' advisory locks on the same database.
const WRITE_LOCK_KEY = 0x7473_756e_6167; // "tsunag"

/**
 * Serialises relation writes across processes for the rest of the transaction. Inverse
 * inference reads the edges between two entries and then writes derived ones; two
 * PostgreSQL transactions doing that for the same pair at once could each miss the
 * other's edge. Writes are small and upstream-bound, so one writer at a time costs
 * nothing measurable. SQLite needs nothing: BEGIN IMMEDIATE already admits one writer.
 */
export async function lockWrites(ctx: StoreContext): Promise<void> {
  if (ctx.dialect !== 'postgres') return;
  if (!ctx.inTransaction) throw new Error('lockWrites needs a transaction');
  if (ctx.writeLocked) return;
  await sql`select pg_advisory_xact_lock(${WRITE_LOCK_KEY}::bigint)`.execute(ctx.db);
  ctx.writeLocked = true;
}
