import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobStatus } from '../ingest/progress-event.ts';
import type { UpstreamObserver } from '../upstream/upstream-observer.ts';

/** Told when a job reaches a final state (see withJobMetrics). */
export interface JobObserver {
  /** `seconds`: from the job's start (or first sight) to its end; null when unknown. */
  jobFinished(status: JobStatus, seconds: number | null): void;
}

/**
 * The Prometheus metrics of one process. A registry per instance (never prom-client's
 * global one), so two apps in one process, as in tests, do not collide.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Pass to createUpstreams so upstream traffic is counted. */
  readonly upstream: UpstreamObserver;
  readonly jobs: JobObserver;
  /** One finished HTTP request; `route` is the matched pattern, never the raw path (bounded label values). */
  httpRequest(route: string, method: string, status: number, seconds: number): void;
  /** +1 when an event stream opens, -1 when it closes; a leak shows as a gauge that never falls. */
  sseStreams(delta: 1 | -1): void;
}

export interface MetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event loop lag). Default false; `serve` turns it on. */
  processMetrics?: boolean;
}

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const JOB_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'tsunagu_' });

  const upstreamRequests = new Counter({
    name: 'tsunagu_upstream_requests_total',
    help: 'Upstream HTTP attempts by upstream and response status ("none" when no response arrived).',
    labelNames: ['upstream', 'status'],
    registers,
  });
  const upstreamDuration = new Histogram({
    name: 'tsunagu_upstream_request_duration_seconds',
    help: 'Duration of one upstream HTTP attempt.',
    labelNames: ['upstream'],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const rateLimited = new Counter({
    name: 'tsunagu_upstream_rate_limited_total',
    help: 'Times an upstream answered 429 and was paused as a whole.',
    labelNames: ['upstream'],
    registers,
  });
  const gateWait = new Histogram({
    name: 'tsunagu_upstream_gate_wait_seconds',
    help: 'Time a request waited at its upstream rate gate before going out.',
    labelNames: ['upstream'],
    buckets: [0, ...SECONDS_BUCKETS, 30, 60],
    registers,
  });
  const jobsFinished = new Counter({
    name: 'tsunagu_jobs_finished_total',
    help: 'Ingest jobs that reached a final state, by that state.',
    labelNames: ['status'],
    registers,
  });
  const jobDuration = new Histogram({
    name: 'tsunagu_job_duration_seconds',
    help: 'Ingest job run time from its running state (or first event) to its final state, as seen by this process.',
    labelNames: ['status'],
    buckets: JOB_BUCKETS,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'tsunagu_http_request_duration_seconds',
    help: 'Time from a request to its response headers, by matched route, method and status; a body still streaming (an event stream) is not included.',
    labelNames: ['route', 'method', 'status'],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const sse = new Gauge({
    name: 'tsunagu_sse_streams',
    help: 'Job event streams open now.',
    registers,
  });

  return {
    registry,
    upstream: {
      onRequest: ({ upstream, status, durationMs }) => {
        upstreamRequests.inc({ upstream, status: status === null ? 'none' : String(status) });
        upstreamDuration.observe({ upstream }, durationMs / 1000);
      },
      onGateWait: ({ upstream, waitedMs }) => gateWait.observe({ upstream }, waitedMs / 1000),
      onRateLimited: ({ upstream }) => rateLimited.inc({ upstream }),
    },
    jobs: {
      jobFinished: (status, seconds) => {
        jobsFinished.inc({ status });
        if (seconds !== null && seconds >= 0) jobDuration.observe({ status }, seconds);
      },
    },
    httpRequest: (route, method, status, seconds) => httpDuration.observe({ route, method, status: String(status) }, seconds),
    sseStreams: (delta) => sse.inc(delta),
  };
}
