import type { FinalJobStatus, Job } from '../job.ts';
import { ACTIVE_JOB_STATUSES } from '../job.ts';
import type { StoreContext } from '../store-context.ts';
import { toJsonText } from '../text-column.ts';
import { toJob } from './job-row.ts';

// A worker's side of a job: claiming it, keeping its lease, reporting on it, handing it back.

export async function claimJob({ db, clock, dialect }: StoreContext, workerId: string, leaseMs: number, id?: string): Promise<Job | undefined> {
  checkLease(leaseMs);
  const now = clock.now();
  const row = await db
    .updateTable('job')
    .set((eb) => ({
      status: 'running',
      worker_id: workerId,
      lease_until: now + leaseMs,
      attempts: eb('attempts', '+', 1),
      started_at: eb.fn.coalesce('started_at', eb.val(now)),
      updated_at: now,
    }))
    .where('id', '=', (eb) =>
      eb
        .selectFrom('job')
        .select('id')
        .where((w) => w.or([w('status', '=', 'queued'), w.and([w('status', '=', 'running'), w('lease_until', '<', now)])]))
        .$if(id !== undefined, (qb) => qb.where('id', '=', id!))
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        // SQLite runs one write at a time, so the subquery and update are already atomic
        // there; PostgreSQL needs the row lock, and SKIP LOCKED lets concurrent claimers
        // take the next job instead of queueing behind the first.
        .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked()),
    )
    .returningAll()
    .executeTakeFirst();
  return row && toJob(row);
}

export async function heartbeatJob({ db, clock }: StoreContext, id: string, workerId: string, leaseMs: number): Promise<boolean> {
  checkLease(leaseMs);
  const now = clock.now();
  const result = await db
    .updateTable('job')
    .set({ lease_until: now + leaseMs, updated_at: now })
    .where('id', '=', id)
    .where('worker_id', '=', workerId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function updateJobProgress({ db, clock }: StoreContext, id: string, progress: unknown): Promise<boolean> {
  const result = await db
    .updateTable('job')
    .set({ progress: toJsonText(progress), updated_at: clock.now() })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function finishJob(
  { db, clock }: StoreContext,
  id: string,
  workerId: string,
  status: FinalJobStatus,
  outcome: { failures?: unknown[]; result?: unknown } = {},
): Promise<Job | undefined> {
  const now = clock.now();
  const row = await db
    .updateTable('job')
    .set({
      status,
      lease_until: null,
      finished_at: now,
      updated_at: now,
      ...(outcome.failures !== undefined ? { failures: toJsonText(outcome.failures) } : {}),
      ...(outcome.result !== undefined ? { result: toJsonText(outcome.result) } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('worker_id', '=', workerId)
    .returningAll()
    .executeTakeFirst();
  return row && toJob(row);
}

export async function requeueJob({ db, clock }: StoreContext, id: string, workerId: string): Promise<Job | undefined> {
  try {
    const row = await db
      .updateTable('job')
      .set({ status: 'queued', worker_id: null, lease_until: null, finished_at: null, updated_at: clock.now() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('worker_id', '=', workerId)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('job as other')
              .select('other.id')
              .whereRef('other.dedupe_key', '=', 'job.dedupe_key')
              .where('other.status', 'in', [...ACTIVE_JOB_STATUSES])
              .whereRef('other.id', '<>', 'job.id'),
          ),
        ),
      )
      .returningAll()
      .executeTakeFirst();
    return row && toJob(row);
  } catch (error) {
    // Lost a race with a concurrent create for the same key: the index said no.
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
}

function checkLease(leaseMs: number): void {
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
    throw new RangeError(`Expected \`leaseMs\` to be a finite number > 0, got \`${leaseMs}\` (${typeof leaseMs})`);
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
