import { FINAL_STATUSES, type JobStatus, type ProgressBus } from '../../src/ingest/progress-event.ts';
import type { IngestRequest, IngestService, JobView } from '../../src/ingest/ingest-service.ts';
import type { FranchiseView } from '../../src/ingest/franchise-view.ts';
import { parseIngestQuery } from '../../src/ingest/ingest-query.ts';
import { NotFoundError } from '../../src/errors.ts';
import { displayTitle } from '../../src/domain/anime.ts';
import { DEFAULT_FOLLOW } from '../../src/domain/franchise-policy.ts';
import { walkFranchise } from '../../src/domain/franchise-walk.ts';
import type { Relation } from '../../src/domain/relation-type.ts';
import type { Store } from '../../src/store/store.ts';

/**
 * fake-ingest: a stand-in IngestService for the HTTP tests until the real engine lands.
 * It never fetches anything: jobs move only when a test calls `step` / `finish`, so the
 * tests decide exactly which events exist when. Franchises are read from the real store.
 */
export class FakeIngest implements IngestService {
  readonly jobs = new Map<string, JobView>();
  /** Thrown by the next requestIngest, to test error mapping. */
  failNext: Error | null = null;
  #n = 0;

  constructor(
    private readonly store: Store,
    private readonly bus: ProgressBus,
  ) {}

  async requestIngest(request: IngestRequest): Promise<{ job: JobView; created: boolean }> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
    const query = parseIngestQuery(request.query);
    const rootId =
      query.kind === 'anilist' ? query.id : query.kind === 'mal' ? ((await this.store.anime.findByMalId(query.malId))?.id ?? null) : null;
    if (query.kind === 'title' && /^zz-no-match/.test(query.title)) throw new NotFoundError(`nothing matches ${query.title}`);
    for (const job of this.jobs.values()) {
      if (job.query === request.query && !FINAL_STATUSES.has(job.status)) return { job, created: false };
    }
    const now = new Date().toISOString();
    const job: JobView = {
      id: `fake-${++this.#n}`,
      kind: 'ingest',
      status: 'queued',
      query: request.query,
      rootId,
      enrich: request.enrich ?? true,
      progress: { phase: 'queued', done: 0, total: 0, failed: 0, etaMs: null },
      failures: [],
      attempts: 0,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
    };
    this.jobs.set(job.id, job);
    await this.bus.publish({ jobId: job.id, type: 'state', status: 'queued', franchiseId: rootId });
    return { job, created: true };
  }

  async getJob(id: string): Promise<JobView | null> {
    return this.jobs.get(id) ?? null;
  }

  async cancel(jobId: string): Promise<JobView | null> {
    const job = this.jobs.get(jobId);
    if (!job) return null;
    if (!FINAL_STATUSES.has(job.status)) await this.finish(jobId, 'cancelled');
    return job;
  }

  /** One progress event (and the job running). */
  async step(jobId: string, done: number, total: number): Promise<void> {
    const job = this.#job(jobId);
    if (job.status === 'queued') {
      job.status = 'running';
      job.startedAt = new Date().toISOString();
      await this.bus.publish({ jobId, type: 'state', status: 'running', franchiseId: job.rootId });
    }
    job.progress = { phase: 'discovery', done, total, failed: 0, etaMs: null };
    await this.bus.publish({ jobId, type: 'progress', progress: job.progress });
  }

  async finish(jobId: string, status: JobStatus, options: { silent?: boolean } = {}): Promise<void> {
    const job = this.#job(jobId);
    job.status = status;
    job.finishedAt = new Date().toISOString();
    if (!options.silent) await this.bus.publish({ jobId, type: 'state', status, franchiseId: job.rootId });
  }

  async getFranchise(animeId: number): Promise<FranchiseView | null> {
    const root = await this.store.anime.get(animeId);
    if (!root) return null;
    const edges = await this.store.relations.reachable(animeId, DEFAULT_FOLLOW, 500);
    const byFrom = new Map<number, Relation[]>();
    for (const e of edges) byFrom.set(e.from, [...(byFrom.get(e.from) ?? []), e]);
    const walk = walkFranchise(animeId, (id) => byFrom.get(id) ?? []);
    const members = await this.store.anime.getMany([...walk.members.keys()]);
    const ids = new Set(members.map((m) => m.id));
    const byDate = [...members].sort((a, b) => (a.startDate.year ?? 9999) - (b.startDate.year ?? 9999) || a.id - b.id).map((m) => m.id);
    return {
      franchise: { id: animeId, title: displayTitle(root.title, root.id), size: members.length, truncated: walk.truncated, stale: false },
      members: members.map((m) => ({
        id: m.id,
        idMal: m.idMal,
        title: displayTitle(m.title, m.id),
        titles: m.title,
        format: m.format,
        status: m.status,
        startDate: m.startDate,
        season: m.season,
        seasonYear: m.seasonYear,
        episodes: m.episodes,
        depth: walk.members.get(m.id) ?? 0,
        averageScore: m.averageScore,
        malScore: m.mal?.score ?? null,
        malStatus: m.mal?.status ?? null,
        coverImage: m.coverImage,
        coverColor: m.coverColor,
        description: m.description,
      })),
      relations: edges.filter((e) => ids.has(e.from) && ids.has(e.to)),
      watchOrder: { recommended: byDate.map((id) => ({ id, role: 'main' as const, reason: 'main story, where it aired' })), release: byDate, story: byDate },
      stats: { durationMs: 0, discoveryMs: 0, enrichmentMs: 0, upstreamRequests: { anilist: 0, jikan: 0 }, failures: [] },
    };
  }

  #job(id: string): JobView {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`fake-ingest: no job ${id}`);
    return job;
  }
}
