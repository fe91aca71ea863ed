import { z } from '@hono/zod-openapi';
import { animeFactFields } from '../anime-facts.ts';
import type { StoredAnime } from '../domain/anime.ts';
import { WATCH_ROLES, type WatchRole } from '../domain/recommended-order.ts';
import { TITLE_MATCHES } from '../domain/title-ranking.ts';
import type { FranchiseView } from '../ingest/franchise-view.ts';
import type { JobView } from '../ingest/ingest-service.ts';
import type { ProgressEvent } from '../ingest/progress-event.ts';

// Response schemas document the API in openapi.json; handlers return the domain types,
// and the `conforms` checks at the bottom keep the two from drifting apart at compile time.

const fuzzyDate = z.object({ year: z.number().int().nullable(), month: z.number().int().nullable(), day: z.number().int().nullable() });
const titles = z.object({ romaji: z.string().nullable(), english: z.string().nullable(), native: z.string().nullable() });

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:tsunagu:problem:validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    upstream: z.string().optional(),
    upstreamStatus: z.number().int().nullable().optional(),
  })
  .openapi('Problem');

export const animeSchema = z
  .object({
    id: z.number().int(),
    idMal: z.number().int().nullable(),
    title: titles,
    synonyms: z.array(z.string()),
    format: z.string().nullable(),
    status: z.string().nullable(),
    startDate: fuzzyDate,
    endDate: fuzzyDate,
    ...animeFactFields,
    studios: z.array(z.string()),
    averageScore: z.number().nullable(),
    popularity: z.number().nullable(),
    coverImage: z.string().nullable(),
    coverColor: z.string().nullable(),
    bannerImage: z.string().nullable(),
    description: z.string().nullable(),
    isAdult: z.boolean(),
    updatedAt: z.number().nullable(),
    fetchedAt: z.number(),
    mal: z
      .object({
        score: z.number().nullable(),
        rank: z.number().nullable(),
        members: z.number().nullable(),
        rating: z.string().nullable(),
        status: z.enum(['ok', 'missing', 'failed']),
        fetchedAt: z.number(),
      })
      .nullable(),
  })
  .openapi('Anime');

const failure = z.object({
  id: z.number().int(),
  idMal: z.number().int().nullable().optional(),
  upstream: z.enum(['anilist', 'jikan']),
  status: z.number().int().nullable(),
  message: z.string(),
});

const franchiseStats = z.object({
  durationMs: z.number(),
  discoveryMs: z.number(),
  enrichmentMs: z.number(),
  upstreamRequests: z.object({ anilist: z.number().int(), jikan: z.number().int() }),
  failures: z.array(failure),
  disagreements: z
    .array(z.object({ from: z.number().int(), to: z.number().int(), anilist: z.string().nullable(), mal: z.string().nullable() }))
    .optional(),
});

export const franchiseSchema = z
  .object({
    franchise: z.object({ id: z.number().int(), title: z.string(), size: z.number().int(), truncated: z.boolean(), stale: z.boolean() }),
    members: z.array(
      z.object({
        id: z.number().int(),
        idMal: z.number().int().nullable(),
        title: z.string(),
        titles,
        format: z.string().nullable(),
        status: z.string().nullable(),
        startDate: fuzzyDate,
        season: z.string().nullable(),
        seasonYear: z.number().int().nullable(),
        episodes: z.number().int().nullable(),
        depth: z.number().int(),
        averageScore: z.number().nullable(),
        malScore: z.number().nullable(),
        malStatus: z.enum(['ok', 'missing', 'failed']).nullable(),
        coverImage: z.string().nullable(),
        coverColor: z.string().nullable(),
        description: z.string().nullable(),
      }),
    ),
    relations: z.array(
      z.object({ from: z.number().int(), to: z.number().int(), type: z.string(), source: z.enum(['anilist', 'mal', 'inferred']) }),
    ),
    watchOrder: z.object({
      recommended: z
        .array(
          z.object({
            id: z.number().int(),
            role: z.enum(WATCH_ROLES as [WatchRole, ...WatchRole[]]).openapi({
              description: 'main: the story; side: side stories, spin-offs and specials, where they aired; optional: recaps and compilations; extra: parody and chibi spin-offs, music videos, promotional films (after the story); alternative: another continuity or a retelling',
            }),
            reason: z.string().openapi({ description: 'One line: why the entry has this role and stands where it does', example: 'side story of Attack on Titan, where it aired' }),
          }),
        )
        .openapi({ description: 'The order a careful watch guide gives: release order as the backbone, sequels after prequels, side stories where they aired, film series together, recaps optional, extras last, other continuities as blocks after the one most people start with' }),
      release: z.array(z.number().int()).openapi({ description: 'Member ids by first release (start date, then format, then id)' }),
      story: z.array(z.number().int()).openapi({ description: "Member ids in chronological (in-story) order from AniList's relations: prequels first, side stories right after their parents" }),
    }),
    stats: franchiseStats,
  })
  .openapi('Franchise');

const jobStatus = z.enum(['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled']);
const progress = z.object({
  phase: z.enum(['queued', 'resolving', 'discovery', 'enrichment', 'sync', 'done']),
  done: z.number().int(),
  total: z.number().int(),
  failed: z.number().int(),
  etaMs: z.number().nullable(),
});
const pick = z.object({
  id: z.number().int(),
  title: z.string(),
  format: z.string().nullable().optional(),
  year: z.number().int().nullable().optional(),
});

export const jobSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['ingest', 'sync']),
    status: jobStatus,
    query: z.string(),
    rootId: z.number().int().nullable(),
    enrich: z.boolean(),
    progress,
    failures: z.array(failure),
    attempts: z.number().int(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    resolution: z.object({ chosen: pick, alternatives: z.array(pick) }).optional(),
    stats: franchiseStats.optional(),
  })
  .openapi('Job');

/** What every job event carries: its job, its place in the job's stream and when it happened. */
const eventBase = {
  jobId: z.string(),
  seq: z.number().int().min(1).openapi({ description: 'Grows by one per event of the job; also the SSE `id:`, so a reader resumes after it (Last-Event-ID)' }),
  at: z.string().openapi({ description: 'ISO 8601 time the event was published' }),
};

/** One event of `GET /api/jobs/{id}/events`, told apart by `type` (also the SSE `event:` name). */
export const jobEventSchema = z
  .discriminatedUnion('type', [
    z.object({ ...eventBase, type: z.literal('progress'), progress }).openapi('JobProgressEvent', { description: 'A phase moved: done, total, failed and the estimated time left' }),
    z
      .object({ ...eventBase, type: z.literal('entries'), phase: progress.shape.phase, ids: z.array(z.number().int()) })
      .openapi('JobEntriesEvent', { description: 'Entries just stored (AniList ids): refetch the franchise to show them' }),
    z.object({ ...eventBase, type: z.literal('failure'), failure }).openapi('JobFailureEvent', { description: 'One entry an upstream failed to deliver after the retries' }),
    z
      .object({ ...eventBase, type: z.literal('state'), status: jobStatus, franchiseId: z.number().int().nullable() })
      .openapi('JobStateEvent', { description: 'The job changed state; the stream ends after the one with a final status' }),
  ])
  .openapi('JobEvent');

export const jobEnvelopeSchema = z.object({ job: jobSchema }).openapi('JobEnvelope');

export const searchResultSchema = z
  .object({
    id: z.number().int(),
    idMal: z.number().int().nullable(),
    title: z.string(),
    format: z.string().nullable(),
    seasonYear: z.number().int().nullable(),
    coverImage: z.string().nullable(),
    /** Whether the entry is in the store (its franchise can be read at once). */
    stored: z.boolean(),
    /** Which search found it: the store, or AniList (remote=true). */
    source: z.enum(['store', 'anilist']),
    /** How its best title met the query; exact, prefix and word are good matches. */
    match: z.enum(TITLE_MATCHES),
  })
  .openapi('SearchResult');

export const searchResponseSchema = z
  .object({
    query: z.string(),
    results: z.array(searchResultSchema),
    /** Present when remote=true: whether AniList answered. */
    remote: z.object({ ok: z.boolean(), detail: z.string().optional() }).optional(),
  })
  .openapi('SearchResponse');

export type SearchResult = z.infer<typeof searchResultSchema>;
export type SearchResponse = z.infer<typeof searchResponseSchema>;

const conforms = <Schema extends z.ZodType>(_schema: Schema, check: (value: never) => z.infer<Schema>) => check;
conforms(animeSchema, (v: StoredAnime) => v);
conforms(franchiseSchema, (v: FranchiseView) => v);
conforms(jobSchema, (v: JobView) => v);
conforms(jobEventSchema, (v: ProgressEvent) => v);
