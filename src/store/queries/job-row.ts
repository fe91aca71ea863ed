import type { Selectable } from 'kysely';
import type { Job, JobKind, JobStatus } from '../job.ts';
import type { JobTable } from '../schema.ts';
import { fromJsonText } from '../text-column.ts';

export function toJob(row: Selectable<JobTable>): Job {
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
