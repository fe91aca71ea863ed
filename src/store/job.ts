export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** A job in one of these holds its dedupe key: no second active job may share it. */
export const ACTIVE_JOB_STATUSES = ['queued', 'running'] as const satisfies readonly JobStatus[];
export type FinalJobStatus = Exclude<JobStatus, (typeof ACTIVE_JOB_STATUSES)[number]>;
export const FINAL_JOB_STATUSES = ['succeeded', 'partial', 'failed', 'cancelled'] as const satisfies readonly FinalJobStatus[];
export type JobKind = 'ingest';

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
