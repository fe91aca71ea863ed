import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { IngestService, JobView } from '../ingest/ingest-service.ts';
import { FINAL_STATUSES, type ProgressBus, type ProgressEvent } from '../ingest/progress-event.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from './metrics.ts';

/** How long EventSource waits before reconnecting, ms (sent as `retry:`): soon, since a job's events keep coming. */
export const SSE_RETRY_MS = 3_000;

export interface JobEventStreamDeps {
  bus: ProgressBus;
  ingest: IngestService;
  metrics: Metrics;
  logger: Logger;
  heartbeatMs: number;
  shutdown?: AbortSignal;
}

/**
 * Streams a job's events as SSE: `id:` is the event's seq, `event:` its type, `data:` the
 * event as JSON. Stored events after `afterSeq` come first, then live ones, until the
 * final `state` event, after which the stream closes. Whatever ends it (final state,
 * client gone, shutdown), the subscription is released in `finally`.
 */
export function streamJobEvents(c: Context, deps: JobEventStreamDeps, job: JobView, afterSeq: number): Response {
  return streamSSE(c, async (stream) => {
    const queue: ProgressEvent[] = [];
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    let unsubscribe: (() => void) | null = null;
    stream.onAbort(notify);
    deps.shutdown?.addEventListener('abort', notify);
    deps.metrics.sseStreams(1);
    const ended = () => stream.aborted || stream.closed || (deps.shutdown?.aborted ?? false);
    try {
      await stream.write(`retry: ${SSE_RETRY_MS}\n\n`);
      unsubscribe = await deps.bus.subscribe(job.id, afterSeq, (event) => {
        queue.push(event);
        notify();
      });
      let lastSeq = afterSeq;
      // A job that ended before we subscribed may have no final event left to replay
      // (history expired, or this process restarted): then the job record says how it ended.
      let known: JobView | null = job;
      while (!ended()) {
        const event = queue.shift();
        if (event) {
          if (event.seq <= lastSeq) continue;
          lastSeq = event.seq;
          await stream.writeSSE({ id: String(event.seq), event: event.type, data: JSON.stringify(event) });
          if (event.type === 'state' && FINAL_STATUSES.has(event.status)) return;
          continue;
        }
        if (known && FINAL_STATUSES.has(known.status)) {
          await writeFinalFromRecord(stream, known, lastSeq);
          return;
        }
        const timedOut = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => {
            wake = null;
            resolve(true);
          }, deps.heartbeatMs);
          wake = () => {
            clearTimeout(timer);
            resolve(false);
          };
        });
        if (timedOut && !ended()) {
          await stream.write(': heartbeat\n\n');
          known = await deps.ingest.getJob(job.id);
          if (!known) {
            await writeFinalFromRecord(stream, { ...job, status: 'failed' }, lastSeq);
            return;
          }
        }
      }
    } catch (error) {
      deps.logger.warn({ err: error, jobId: job.id }, 'job event stream failed');
    } finally {
      wake = null;
      unsubscribe?.();
      deps.shutdown?.removeEventListener('abort', notify);
      deps.metrics.sseStreams(-1);
    }
  });
}

/**
 * The final state as the job record tells it, under the id of the last event the reader had
 * (its history is gone, so no newer id exists): a reconnect then resumes from there, finds
 * the job finished with nothing newer, and gets the 204 that stops it.
 */
async function writeFinalFromRecord(stream: SSEStreamingApi, job: JobView, lastSeq: number): Promise<void> {
  const event: ProgressEvent = {
    jobId: job.id,
    seq: lastSeq,
    at: job.finishedAt ?? new Date().toISOString(),
    type: 'state',
    status: job.status,
    franchiseId: job.rootId,
  };
  await stream.writeSSE({ id: String(lastSeq), event: 'state', data: JSON.stringify(event) });
}
