import { randomUUID } from 'node:crypto';
import type { Job, NewJob } from '../job.ts';
import { ACTIVE_JOB_STATUSES, FINAL_JOB_STATUSES } from '../job.ts';
import type { StoreContext } from '../store-context.ts';
import { toJsonText } from '../text-column.ts';
import { toJob } from './job-row.ts';
import { findActiveJob, getJob } from './job-read-queries.ts';

// A job's life outside a worker: queued, cancelled, pruned once long finished.

export async function createJob(ctx: StoreContext, { kind, dedupeKey, payload }: NewJob): Promise<{ job: Job; created: boolean }> {
  const { db, clock } = ctx;
  // The partial unique index decides races: a losing insert does nothing and the
  // winner is read back. If that winner finished in between, there is no active job
  // any more and the next round inserts. Three rounds cover any realistic interleaving.
  for (let round = 0; round < 3; round++) {
    const now = clock.now();
    const inserted = await db
      .insertInto('job')
      .values({
        id: randomUUID(),
        kind,
        dedupe_key: dedupeKey,
        status: 'queued',
        payload: toJsonText(payload),
        progress: null,
        failures: '[]',
        result: null,
        attempts: 0,
        worker_id: null,
        lease_until: null,
        created_at: now,
        started_at: null,
        finished_at: null,
        updated_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { job: toJob(inserted), created: true };
    const existing = dedupeKey === null ? undefined : await findActiveJob(ctx, [dedupeKey]);
    if (existing) return { job: existing, created: false };
  }
  throw new Error(`could not create or find an active job for key ${JSON.stringify(dedupeKey)}`);
}

export async function cancelJob(ctx: StoreContext, id: string): Promise<{ job: Job; cancelled: boolean } | undefined> {
  const { db, clock } = ctx;
  const now = clock.now();
  const row = await db
    .updateTable('job')
    .set({ status: 'cancelled', lease_until: null, finished_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', [...ACTIVE_JOB_STATUSES])
    .returningAll()
    .executeTakeFirst();
  if (row) return { job: toJob(row), cancelled: true };
  const job = await getJob(ctx, id);
  return job && { job, cancelled: false };
}

export async function pruneJobs({ db }: StoreContext, finishedBefore: number, limit: number): Promise<string[]> {
  const ids = (
    await db
      .selectFrom('job')
      .select('id')
      .where('status', 'in', [...FINAL_JOB_STATUSES])
      .where('finished_at', '<', finishedBefore)
      .orderBy('finished_at')
      .limit(Math.max(1, Math.floor(limit)))
      .execute()
  ).map((r) => r.id);
  if (ids.length === 0) return [];
  // Statuses again: a final job never becomes active, but the delete must not trust a read.
  const deleted = await db.deleteFrom('job').where('id', 'in', ids).where('status', 'in', [...FINAL_JOB_STATUSES]).returning('id').execute();
  return deleted.map((r) => r.id);
}
