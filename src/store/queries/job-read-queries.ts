import type { FinalJobStatus, Job, JobStatus } from '../job.ts';
import { ACTIVE_JOB_STATUSES } from '../job.ts';
import type { StoreContext } from '../store-context.ts';
import { toJob } from './job-row.ts';

/** Most jobs one list call returns. */
export const JOB_LIST_LIMIT_MAX = 1000;

export async function getJob({ db }: StoreContext, id: string): Promise<Job | undefined> {
  const row = await db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toJob(row);
}

export async function findActiveJob({ db }: StoreContext, keys: readonly string[]): Promise<Job | undefined> {
  if (keys.length === 0) return undefined;
  const row = await db
    .selectFrom('job')
    .selectAll()
    .where('dedupe_key', 'in', [...keys])
    .where('status', 'in', [...ACTIVE_JOB_STATUSES])
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  return row && toJob(row);
}

export async function findLatestFinishedJob({ db }: StoreContext, keys: readonly string[], statuses: readonly FinalJobStatus[]): Promise<Job | undefined> {
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
}

export async function listJobs(
  { db }: StoreContext,
  filter: { status?: JobStatus; limit?: number; oldestFirst?: boolean; after?: Pick<Job, 'id' | 'createdAt'> } = {},
): Promise<Job[]> {
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
}
