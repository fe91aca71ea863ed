import { systemClock, type Clock } from '../clock.ts';
import { FINAL_STATUSES, type ProgressBus } from '../ingest/progress-event.ts';
import type { JobObserver } from './metrics.ts';

/**
 * A ProgressBus that counts job outcomes and run times from the events published through
 * it, so job metrics need no hook inside the ingest engine: every job announces its start
 * and its end on the bus anyway. Pass the wrapped bus to the runtime.
 */
export function withJobMetrics(bus: ProgressBus, jobs: JobObserver, clock: Clock = systemClock): ProgressBus {
  /** Job id to when it started running (or was first seen), ms; removed at its end. */
  const started = new Map<string, number>();
  return {
    async publish(draft) {
      const event = await bus.publish(draft);
      if (event.type === 'state') {
        const now = clock.now();
        if (FINAL_STATUSES.has(event.status)) {
          const since = started.get(event.jobId);
          started.delete(event.jobId);
          jobs.jobFinished(event.status, since === undefined ? null : (now - since) / 1000);
        } else if (event.status === 'running' || !started.has(event.jobId)) {
          started.set(event.jobId, now);
        }
      }
      return event;
    },
    subscribe: (jobId, afterSeq, listener) => bus.subscribe(jobId, afterSeq, listener),
    lastSeq: (jobId) => bus.lastSeq(jobId),
    forget: (jobIds) => bus.forget(jobIds),
    close: () => bus.close(),
  };
}
