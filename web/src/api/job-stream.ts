import type { ApiClient } from './api-client.ts';
import type { JobStatus, JobView, ProgressEvent } from './api-types.ts';
import { FINAL_STATUSES } from '../../../src/ingest/progress-event.ts';

/**
 * The status to show after a snapshot of the job (an answer to a request sent a moment ago,
 * like a cancel's) arrives. The snapshot may be older than what the event stream already
 * said: a local cancel answers `running` while the job is ending, and its final `state`
 * event can arrive first. A job that ended never goes back to running.
 */
export function laterStatus(current: JobStatus, snapshot: JobStatus): JobStatus {
  return FINAL_STATUSES.has(current) && !FINAL_STATUSES.has(snapshot) ? current : snapshot;
}

export interface JobStreamHandlers {
  onEvent(event: ProgressEvent): void;
  /** The job reached a final state (from its event stream or, when the stream is gone, from polling). */
  onFinal(job: JobView | null): void;
  /** A job snapshot, when polling stands in for the stream. */
  onJob?(job: JobView): void;
}

/**
 * Follows a job's SSE stream until its final `state` event. EventSource reconnects on its
 * own with Last-Event-ID; the server ends the stream after the final state, so the source is
 * closed here then, or it would reconnect forever. When the stream itself fails (the job's
 * history expired, a proxy dropped it), the job is polled instead. Returns a function that stops.
 */
export function followJob(api: ApiClient, jobId: string, handlers: JobStreamHandlers, pollMs = 1500): () => void {
  let stopped = false;
  let finished = false;
  let lastSeq = 0;
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const finish = (job: JobView | null) => {
    if (finished || stopped) return;
    finished = true;
    source?.close();
    handlers.onFinal(job);
  };

  const onMessage = (message: MessageEvent<string>) => {
    let event: ProgressEvent;
    try {
      event = JSON.parse(message.data) as ProgressEvent;
    } catch {
      return; // a malformed event must not take the page down; the next one carries on
    }
    // A final state ends the job whatever its id: when the job's history is gone the server
    // tells the end from the job record under the last id this reader already had.
    const final = event.type === 'state' && FINAL_STATUSES.has(event.status);
    if (event.seq <= lastSeq && !final) return; // replayed after a reconnect
    lastSeq = Math.max(lastSeq, event.seq);
    handlers.onEvent(event);
    if (final) finish(null);
  };

  const poll = async () => {
    if (stopped || finished) return;
    try {
      const job = await api.job(jobId);
      if (FINAL_STATUSES.has(job.status)) return finish(job);
      handlers.onJob?.(job);
    } catch {
      // keep polling: the server may be restarting
    }
    timer = setTimeout(poll, pollMs);
  };

  source = new EventSource(api.jobEventsUrl(jobId));
  for (const type of ['progress', 'entries', 'failure', 'state'] as const) source.addEventListener(type, onMessage);
  source.addEventListener('error', () => {
    // CONNECTING means the browser is already retrying; CLOSED means it gave up (e.g. 404).
    if (source?.readyState === EventSource.CLOSED && !finished) void poll();
  });

  return () => {
    stopped = true;
    source?.close();
    clearTimeout(timer);
  };
}
