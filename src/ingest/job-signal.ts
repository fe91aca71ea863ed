import { JobInterruption } from '../jobs/job-queue.ts';
import type { Logger } from '../log.ts';
import { FINAL_STATUSES, type ProgressBus } from './progress-event.ts';

/** The signal a job runs under, and how to stop watching for an end elsewhere once it is over. */
export interface JobSignal {
  signal: AbortSignal;
  stop(): void;
}

/**
 * Aborts with the queue's signal, and also when another process publishes the job's final
 * state (a cancel there ends the job's event stream): the job stops at once instead of
 * waiting for the queue's watch on the record.
 */
export async function jobSignal(bus: ProgressBus, jobId: string, queueSignal: AbortSignal, log: Logger): Promise<JobSignal> {
  const endedElsewhere = new AbortController();
  let stop = () => {};
  try {
    stop = await bus.subscribe(jobId, 0, (event) => {
      if (event.type === 'state' && FINAL_STATUSES.has(event.status) && !endedElsewhere.signal.aborted) {
        endedElsewhere.abort(new JobInterruption('cancelled'));
      }
    });
  } catch (error) {
    // The record watch still notices a cancel, a moment later.
    log.warn({ err: error }, 'watching the job for a cancel elsewhere failed');
  }
  return { signal: AbortSignal.any([queueSignal, endedElsewhere.signal]), stop };
}
