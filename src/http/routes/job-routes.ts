import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../errors.ts';
import { FINAL_STATUSES } from '../../ingest/progress-event.ts';
import { streamJobEvents } from '../job-event-stream.ts';
import { jobIdParams, problems, wholeNumber, WRITE_SECURITY } from '../openapi-parts.ts';
import { CachedBody } from '../cached-body.ts';
import { conditionalResponse } from '../conditional-response.ts';
import type { ApiApp, RouteDeps } from '../route-deps.ts';
import { jobEnvelopeSchema, jobEventSchema } from '../schemas.ts';

const ingest = createRoute({
  method: 'post',
  path: '/api/ingest',
  operationId: 'startIngest',
  tags: ['jobs'],
  security: WRITE_SECURITY,
  summary: 'Start (or join) the ingest of a franchise',
  description:
    'The query is an AniList id, `mal:<id>` or a title. Asking twice for the same franchise while its ingest runs answers the same job. ' +
    'Rate limited per client; needs the bearer token when one is configured.',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              // The ingest engine judges what the query means; this only bounds its size.
              query: z.string().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'),
              enrich: z.boolean().optional(),
            })
            .strict()
            .openapi('IngestRequest', { example: { query: 'Shingeki no Kyojin', enrich: true } }),
        },
      },
    },
  },
  responses: {
    202: { description: 'The job, queued, running or already finished', content: { 'application/json': { schema: jobEnvelopeSchema } } },
    ...problems(400, 401, 404, 413, 415, 429, 502, 503),
  },
});

const getJob = createRoute({
  method: 'get',
  path: '/api/jobs/{id}',
  operationId: 'getJob',
  tags: ['jobs'],
  summary: 'A job: status, progress, failures',
  request: { params: jobIdParams },
  responses: {
    200: { description: 'The job, with a weak `ETag`', content: { 'application/json': { schema: jobEnvelopeSchema } } },
    304: { description: '`If-None-Match` names the current ETag: the job has not changed' },
    ...problems(400, 404),
  },
});

const cancelJob = createRoute({
  method: 'post',
  path: '/api/jobs/{id}/cancel',
  operationId: 'cancelJob',
  tags: ['jobs'],
  security: WRITE_SECURITY,
  summary: 'Ask a job to stop at its next safe point',
  description: 'What is stored so far stays stored. Needs the bearer token when one is configured.',
  request: { params: jobIdParams },
  responses: {
    200: { description: 'The job as it is now (it ends `cancelled` shortly)', content: { 'application/json': { schema: jobEnvelopeSchema } } },
    ...problems(400, 401, 404),
  },
});

const jobEvents = createRoute({
  method: 'get',
  path: '/api/jobs/{id}/events',
  operationId: 'streamJobEvents',
  tags: ['jobs'],
  summary: 'Live progress of a job (Server-Sent Events)',
  description:
    'Each event has `id:` = its seq, `event:` = its type (progress, entries, failure, state) and `data:` = the event as JSON. ' +
    'Stored events come first, then live ones; the stream ends after the final `state` event (close your EventSource on it). ' +
    'Resume with the `Last-Event-ID` header (browsers send it when they reconnect) or `?lastEventId=`; a finished job with ' +
    'nothing after that id answers 204, which stops EventSource. The stream sets `retry:` (ms before a reconnect). ' +
    'Comment lines (`: heartbeat`) keep idle streams open.',
  request: {
    params: jobIdParams,
    query: z.object({
      lastEventId: wholeNumber(0, Number.MAX_SAFE_INTEGER)
        .optional()
        .openapi({ param: { name: 'lastEventId', in: 'query' }, type: 'integer', description: 'Resume after this seq (the header wins when both are sent)' }),
    }),
    headers: z.object({
      'last-event-id': wholeNumber(0, Number.MAX_SAFE_INTEGER)
        .optional()
        .openapi({ param: { name: 'last-event-id', in: 'header' }, type: 'integer', description: 'Resume after this seq' }),
    }),
  },
  responses: {
    200: {
      description: 'An event stream; the `data:` of each event is one JobEvent as JSON, and its `event:` is the JobEvent\'s `type`',
      content: { 'text/event-stream': { schema: jobEventSchema } },
    },
    204: { description: 'The job is finished and the reader has had its final event: nothing more will come' },
    ...problems(400, 404),
  },
});

export function registerJobRoutes(app: ApiApp, deps: RouteDeps): void {
  app.openapi(ingest, async (c) => {
    const body = c.req.valid('json');
    await deps.limitSpend(c);
    const { job } = await deps.ingest.requestIngest(body);
    c.header('location', `/api/jobs/${encodeURIComponent(job.id)}`);
    return c.json({ job }, 202);
  });

  app.openapi(getJob, async (c) => {
    const { id } = c.req.valid('param');
    const job = await deps.ingest.getJob(id);
    if (!job) throw new NotFoundError(`no job ${id}`);
    // A job's progress moves without moving the data version, so nothing is kept; a poller
    // still gets 304 while the job stands still (docs/read-cache.md).
    return conditionalResponse(c.req.raw, new CachedBody({ job }, null));
  });

  app.openapi(cancelJob, async (c) => {
    const { id } = c.req.valid('param');
    const job = await deps.ingest.cancel(id);
    if (!job) throw new NotFoundError(`no job ${id}`);
    return c.json({ job }, 200);
  });

  app.openapi(jobEvents, async (c) => {
    const { id } = c.req.valid('param');
    const resumeFrom = c.req.valid('header')['last-event-id'] ?? c.req.valid('query').lastEventId;
    const afterSeq = resumeFrom ?? 0;
    const job = await deps.ingest.getJob(id);
    if (!job) throw new NotFoundError(`no job ${id}`);
    // A reader coming back to a finished job with nothing left to give it: 204 is what
    // makes EventSource stop reconnecting (any other answer it retries).
    if (resumeFrom !== undefined && FINAL_STATUSES.has(job.status) && resumeFrom >= (await deps.bus.lastSeq(id))) return c.body(null, 204);
    const { bus, ingest: service, metrics, logger, shutdown } = deps;
    return streamJobEvents(c, { bus, ingest: service, metrics, logger, shutdown, heartbeatMs: deps.config.sseHeartbeatMs }, job, afterSeq);
  });
}
