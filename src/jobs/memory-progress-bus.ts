import { systemClock, type Clock } from '../clock.ts';
import {
  FINAL_STATUSES,
  type DistributiveOmit,
  type ProgressBus,
  type ProgressEvent,
} from '../ingest/progress-event.ts';
import { checkRange } from '../check-range.ts';

export interface MemoryProgressBusOptions {
  /**
   * Events kept per job for replay (a ring: the oldest go first). A reader that falls
   * further behind than this misses the dropped events but still gets the final state.
   * Default 1000, range 1-1,000,000.
   */
  capacity?: number;
  /**
   * How long a job's history stays after its final `state` event, in ms, so a page that
   * reconnects just after the end still sees it. Default 600,000 (10 min), range 0-86,400,000.
   */
  retainMs?: number;
  clock?: Clock;
}

interface JobStream {
  /** Ring of the most recent events, oldest first once `events.length === capacity`. */
  events: ProgressEvent[];
  /** Index in `events` of the oldest event once the ring is full. */
  head: number;
  lastSeq: number;
  listeners: Set<(event: ProgressEvent) => void>;
  /** Drops this history after the final state; cleared if the job publishes again. */
  expiry: NodeJS.Timeout | null;
}

/** The in-process ProgressBus: one process runs both the jobs and the API. */
export class MemoryProgressBus implements ProgressBus {
  readonly #capacity: number;
  readonly #retainMs: number;
  readonly #clock: Clock;
  readonly #jobs = new Map<string, JobStream>();
  #closed = false;

  constructor(options: MemoryProgressBusOptions = {}) {
    this.#capacity = Math.floor(checkRange('capacity', options.capacity ?? 1000, 1, 1_000_000));
    this.#retainMs = checkRange('retainMs', options.retainMs ?? 600_000, 0, 86_400_000);
    this.#clock = options.clock ?? systemClock;
  }

  async publish(draft: DistributiveOmit<ProgressEvent, 'seq' | 'at'>): Promise<ProgressEvent> {
    if (this.#closed) throw new Error('progress bus is closed');
    const stream = this.#stream(draft.jobId);
    const event = { ...draft, seq: stream.lastSeq + 1, at: new Date(this.#clock.now()).toISOString() } as ProgressEvent;
    stream.lastSeq = event.seq;
    if (stream.events.length < this.#capacity) stream.events.push(event);
    else {
      stream.events[stream.head] = event;
      stream.head = (stream.head + 1) % this.#capacity;
    }
    if (stream.expiry) {
      clearTimeout(stream.expiry);
      stream.expiry = null;
    }
    if (event.type === 'state' && FINAL_STATUSES.has(event.status)) this.#expireLater(event.jobId, stream);
    for (const listener of [...stream.listeners]) deliver(listener, event);
    return event;
  }

  async subscribe(jobId: string, afterSeq: number, listener: (event: ProgressEvent) => void): Promise<() => void> {
    if (this.#closed) throw new Error('progress bus is closed');
    const stream = this.#stream(jobId);
    // Replay and registration happen in one synchronous step, so no publish can fall between them.
    for (const event of this.#ordered(stream)) if (event.seq > afterSeq) deliver(listener, event);
    // A wrapper, so the same function subscribed twice is two subscriptions.
    const registered = (event: ProgressEvent) => listener(event);
    stream.listeners.add(registered);
    return () => {
      stream.listeners.delete(registered);
      this.#dropIfIdle(jobId, stream);
    };
  }

  async lastSeq(jobId: string): Promise<number> {
    const stream = this.#jobs.get(jobId);
    return stream && stream.events.length > 0 ? stream.lastSeq : 0;
  }

  async forget(jobIds: readonly string[]): Promise<void> {
    for (const jobId of jobIds) {
      const stream = this.#jobs.get(jobId);
      if (!stream) continue;
      if (stream.expiry) clearTimeout(stream.expiry);
      stream.expiry = null;
      stream.events = [];
      stream.head = 0;
      this.#dropIfIdle(jobId, stream);
    }
  }

  /** Live subscriptions, of one job or of all; lets tests prove that readers let go. */
  listenerCount(jobId?: string): number {
    if (jobId !== undefined) return this.#jobs.get(jobId)?.listeners.size ?? 0;
    let n = 0;
    for (const stream of this.#jobs.values()) n += stream.listeners.size;
    return n;
  }

  /** Jobs whose history is held. */
  get jobCount(): number {
    return this.#jobs.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const stream of this.#jobs.values()) {
      if (stream.expiry) clearTimeout(stream.expiry);
      stream.listeners.clear();
    }
    this.#jobs.clear();
  }

  #stream(jobId: string): JobStream {
    let stream = this.#jobs.get(jobId);
    if (!stream) {
      stream = { events: [], head: 0, lastSeq: 0, listeners: new Set(), expiry: null };
      this.#jobs.set(jobId, stream);
    }
    return stream;
  }

  #ordered(stream: JobStream): ProgressEvent[] {
    return stream.head === 0 ? stream.events : [...stream.events.slice(stream.head), ...stream.events.slice(0, stream.head)];
  }

  #expireLater(jobId: string, stream: JobStream): void {
    stream.expiry = setTimeout(() => {
      stream.expiry = null;
      stream.events = [];
      stream.head = 0;
      this.#dropIfIdle(jobId, stream);
    }, this.#retainMs);
    // A finished job's history must not keep the process alive.
    stream.expiry.unref();
  }

  /**
   * Forgets a job nobody listens to and nothing is kept for: a subscription to an unknown
   * id must not leave an entry behind, or a client could grow the map without bound.
   */
  #dropIfIdle(jobId: string, stream: JobStream): void {
    if (stream.listeners.size === 0 && stream.events.length === 0 && !stream.expiry && this.#jobs.get(jobId) === stream) {
      this.#jobs.delete(jobId);
    }
  }
}

function deliver(listener: (event: ProgressEvent) => void, event: ProgressEvent): void {
  // One broken reader must not stop the others or the publishing job.
  try {
    listener(event);
  } catch {
    /* the reader's own problem */
  }
}
