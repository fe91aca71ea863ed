import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { JobTable } from './schema.ts';
import type { StoreContext } from './store-context.ts';
import { fromJsonText, toJsonText } from './text-column.ts';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** A job in one of these holds its dedupe key: no second active job may share it. */
export const ACTIVE_JOB_STATUSES = ['queued', 'running'] as const satisfies readonly JobStatus[];
export type FinalJobStatus = Exclude<JobStatus, (typeof ACTIVE_JOB_STATUSES)[number]>;
export const FINAL_JOB_STATUSES = ['succeeded', 'partial', 'failed', 'cancelled'] as const satisfies readonly FinalJobStatus[];
export type JobKind = 'ingest' | 'sync';

/** A persisted job. Payload, progress, failures and result are JSON the job's owner defines and parses. */
export interface Job {
  id: string;
  kind: JobKind;
  /** Equal keys mean the same work (e.g. `franchise:16498`); null = never deduplicated. */
  dedupeKey: string | null;
  status: JobStatus;
  payload: unknown;
  progress: unknown;
  failures: unknown[];
  result: unknown;
  /** Times a worker has claimed it. */
  attempts: number;
  /** Worker holding (or last holding) the lease. */
  workerId: string | null;
  /** ms since epoch; a running job whose lease has passed may be claimed by another worker. */
  leaseUntil: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}

export interface NewJob {
  kind: JobKind;
  dedupeKey: string | null;
  payload: unknown;
}

export interface JobRepository {
  /** Queues a job, unless an active job has the same dedupe key: then that one comes back with created = false. */
  create(job: NewJob): Promise<{ job: Job; created: boolean }>;
  get(id: string): Promise<Job | undefined>;
  /** The oldest active job whose key is any of `dedupeKeys`. */
  findActive(dedupeKeys: readonly string[]): Promise<Job | undefined>;
  /** The job that finished last in one of `statuses` whose key is any of `dedupeKeys` (one query over the (dedupe_key, finished_at) index). */
  findLatestFinished(dedupeKeys: readonly string[], statuses: readonly FinalJobStatus[]): Promise<Job | undefined>;
  /**
   * Takes the oldest queued job, or a running one whose lease expired, for `workerId` for `leaseMs`.
   * With `id`, only that job (a queue that hands out ids itself, such as BullMQ, claims what it was given).
   */
  claim(workerId: string, leaseMs: number, id?: string): Promise<Job | undefined>;
  /** Extends the lease; false when the job is no longer this worker's (lease lost, finished, cancelled, requeued). */
  heartbeat(id: string, workerId: string, leaseMs: number): Promise<boolean>;
  /** Stores the progress of a running job; false once it is not running (finished or cancelled elsewhere). */
  updateProgress(id: string, progress: unknown): Promise<boolean>;
  /**
   * Stores how a job ended, only while it is running as `workerId`'s: undefined when it was
   * cancelled, taken over or requeued meanwhile (its state is no longer this worker's to write).
   */
  finish(id: string, workerId: string, status: FinalJobStatus, outcome?: { failures?: unknown[]; result?: unknown }): Promise<Job | undefined>;
  /**
   * Cancels a queued or running job (whoever runs it stops when it next looks at its
   * record). `cancelled` is false when the job had already ended: it comes back unchanged.
   */
  cancel(id: string): Promise<{ job: Job; cancelled: boolean } | undefined>;
  /**
   * Puts a job `workerId` is running back in the queue; undefined when it is unknown, not
   * running as this worker's (cancelled, finished, taken over) or another active job holds its key.
   */
  requeue(id: string, workerId: string): Promise<Job | undefined>;
  /** Newest first, or oldest first; `after` continues a listing in the same order from its last job. */
  list(filter?: { status?: JobStatus; limit?: number; oldestFirst?: boolean; after?: Pick<Job, 'id' | 'createdAt'> }): Promise<Job[]>;
  /** Deletes up to `limit` jobs that finished before `finishedBefore` (ms) and returns their ids. */
  prune(finishedBefore: number, limit: number): Promise<string[]>;
}

/** Most jobs one list call returns. */
export const JOB_LIST_LIMIT_MAX = 1000;

function toJob(row: Selectable<JobTable>): Job {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    dedupeKey: row.dedupe_key,
    status: row.status as JobStatus,
    payload: fromJsonText(row.payload),
    progress: fromJsonText(row.progress),
    failures: fromJsonText<unknown[]>(row.failures) ?? [],
    result: fromJsonText(row.result),
    attempts: row.attempts,
    workerId: row.worker_id,
    leaseUntil: row.lease_until,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
}

function checkLease(leaseMs: number): void {
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
    throw new RangeError(`Expected \`leaseMs\` to be a finite number > 0, got \`${leaseMs}\` (${typeof leaseMs})`);
  }
}

export function createJobRepository(ctx: StoreContext): JobRepository {
  const { db, clock, dialect } = ctx;
  const active = [...ACTIVE_JOB_STATUSES];

  async function get(id: string): Promise<Job | undefined> {
    const row = await db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toJob(row);
  }

  async function findActive(keys: readonly string[]): Promise<Job | undefined> {
    if (keys.length === 0) return undefined;
    const row = await db
      .selectFrom('job')
      .selectAll()
      .where('dedupe_key', 'in', [...keys])
      .where('status', 'in', active)
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    return row && toJob(row);
  }

  return {
    get,
    findActive,

    async findLatestFinished(keys, statuses) {
      if (keys.length === 0 || statuses.length === 0) return undefined;
      // The (dedupe_key, finished_at) index answers each key with its newest rows first.
      const row = await db
        .selectFrom('job')
        .selectAll()
        .where('status', 'in', [...statuses])
        .where('dedupe_key', 'in', [...keys])
        .orderBy('finished_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toJob(row);
    },

    async create({ kind, dedupeKey, payload }) {
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
        const existing = dedupeKey === null ? undefined : await findActive([dedupeKey]);
        if (existing) return { job: existing, created: false };
      }
      throw new Error(`could not create or find an active job for key ${JSON.stringify(dedupeKey)}`);
    },

    async claim(workerId, leaseMs, id) {
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
    },

    async heartbeat(id, workerId, leaseMs) {
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
    },

    async updateProgress(id, progress) {
      const result = await db
        .updateTable('job')
        .set({ progress: toJsonText(progress), updated_at: clock.now() })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async finish(id, workerId, status, outcome = {}) {
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
    },

    async cancel(id) {
      const now = clock.now();
      const row = await db
        .updateTable('job')
        .set({ status: 'cancelled', lease_until: null, finished_at: now, updated_at: now })
        .where('id', '=', id)
        .where('status', 'in', active)
        .returningAll()
        .executeTakeFirst();
      if (row) return { job: toJob(row), cancelled: true };
      const job = await get(id);
      return job && { job, cancelled: false };
    },

    async requeue(id, workerId) {
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
                  .where('other.status', 'in', active)
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
    },

    async prune(finishedBefore, limit) {
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
    },

    async list(filter = {}) {
      const limit = Math.min(Math.max(Math.floor(filter.limit ?? 100) || 0, 0), JOB_LIST_LIMIT_MAX);
      const order = filter.oldestFirst ? 'asc' : 'desc';
      const after = filter.after;
      const rows = await db
        .selectFrom('job')
        .selectAll()
        .$if(filter.status !== undefined, (qb) => qb.where('status', '=', filter.status!))
        .$if(after !== undefined, (qb) =>
          qb.where((eb) => {
            const past = filter.oldestFirst ? '>' : '<';
            return eb.or([eb('created_at', past, after!.createdAt), eb.and([eb('created_at', '=', after!.createdAt), eb('id', past, after!.id)])]);
          }),
        )
        .orderBy('created_at', order)
        .orderBy('id', order)
        .limit(limit)
        .execute();
      return rows.map(toJob);
    },
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
