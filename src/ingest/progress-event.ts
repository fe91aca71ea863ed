import type { EntryFailure } from './franchise-view.ts';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';
export type IngestPhase = 'queued' | 'resolving' | 'discovery' | 'enrichment' | 'sync' | 'done';

export interface Progress {
  phase: IngestPhase;
  done: number;
  total: number;
  failed: number;
  /** Estimated ms until the current phase ends, null when unknown. */
  etaMs: number | null;
}

/**
 * One event of a job's progress stream. `seq` grows by one per job, so a reader that
 * reconnects (SSE Last-Event-ID) asks for everything after the last seq it saw.
 */
export type ProgressEvent =
  | { jobId: string; seq: number; at: string; type: 'progress'; progress: Progress }
  /** Entries just stored (so a page can show them as they arrive). */
  | { jobId: string; seq: number; at: string; type: 'entries'; phase: IngestPhase; ids: number[] }
  | { jobId: string; seq: number; at: string; type: 'failure'; failure: EntryFailure }
  /** The job changed state; the last event of a job has a final status. */
  | { jobId: string; seq: number; at: string; type: 'state'; status: JobStatus; franchiseId: number | null };

export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['succeeded', 'partial', 'failed', 'cancelled']);

/** Publishes and replays job progress; in-process by default, Redis when scaled out. */
export interface ProgressBus {
  /** Assigns seq and at, stores the event for replay, and delivers it to subscribers. */
  publish(event: DistributiveOmit<ProgressEvent, 'seq' | 'at'>): Promise<ProgressEvent>;
  /**
   * Delivers stored events with seq > afterSeq, then live ones, in seq order, until
   * the returned function is called.
   */
  subscribe(jobId: string, afterSeq: number, listener: (event: ProgressEvent) => void): Promise<() => void>;
  /** The seq of the job's newest event still held for replay; 0 when its history is gone (or it never had one). */
  lastSeq(jobId: string): Promise<number>;
  /** Drops the history of these jobs now (retention deletes their records). */
  forget(jobIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
