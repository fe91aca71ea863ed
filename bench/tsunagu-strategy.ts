/**
 * Tsunagu's strategy: the real ingest engine (runtime, job queue, discovery and enrichment)
 * with its default settings and a cold SQLite store, asked for the franchise as the CLI
 * and the API ask for it.
 */
import { loadConfig } from '../src/config/config.ts';
import { FINAL_STATUSES, type JobStatus } from '../src/ingest/progress-event.ts';
import { silentLogger } from '../src/log.ts';
import { createRuntime } from '../src/runtime.ts';
import type { FranchiseView } from '../src/ingest/franchise-view.ts';

export interface TsunaguStrategyOptions {
  anilistUrl: string;
  jikanUrl: string;
  databaseUrl: string;
  rootId: number;
  /** Config environment over the defaults (empty: Tsunagu as shipped). */
  env?: Record<string, string>;
  /** Called with entries whose AniList data was just stored (or found stored), at the wall-clock ms they were. */
  onStored?(ids: number[], at: number): void;
}

export interface TsunaguStrategyResult {
  status: JobStatus;
  view: FranchiseView | null;
  requests: { anilist: number; jikan: number };
  rateLimited: { anilist: number; jikan: number };
  roundTrips: { anilist: number[]; jikan: number[] };
  failures: string[];
}

export async function runTsunaguStrategy(options: TsunaguStrategyOptions): Promise<TsunaguStrategyResult> {
  const config = loadConfig({
    ...options.env,
    ANILIST_URL: options.anilistUrl,
    JIKAN_URL: options.jikanUrl,
    DATABASE_URL: options.databaseUrl,
    LOG_LEVEL: 'silent',
  });
  const requests = { anilist: 0, jikan: 0 };
  const rateLimited = { anilist: 0, jikan: 0 };
  const roundTrips = { anilist: [] as number[], jikan: [] as number[] };
  const runtime = await createRuntime(config, silentLogger, {
    observer: {
      onRequest({ upstream, status, durationMs }) {
        requests[upstream]++;
        if (status === 429) rateLimited[upstream]++;
        if (status === 200) roundTrips[upstream].push(durationMs);
      },
    },
  });
  try {
    const { job } = await runtime.ingest.requestIngest({ query: String(options.rootId) });
    let unsubscribe = () => {};
    const status = await new Promise<JobStatus>((resolve, reject) => {
      runtime.bus
        .subscribe(job.id, 0, (event) => {
          // Discovery reports every member it stored or found stored: that is the franchise becoming visible.
          if (event.type === 'entries' && event.phase === 'discovery') options.onStored?.(event.ids, Date.parse(event.at));
          if (event.type === 'state' && FINAL_STATUSES.has(event.status)) resolve(event.status);
        })
        .then((stop) => (unsubscribe = stop), reject);
    });
    unsubscribe();
    const finished = await runtime.ingest.getJob(job.id);
    const failures = (finished?.failures ?? []).map((f) => `${f.id} (${f.upstream}${f.status ? ` ${f.status}` : ''}): ${f.message}`);
    const view = await runtime.ingest.franchiseOf(options.rootId);
    return { status, view, requests, rateLimited, roundTrips, failures };
  } finally {
    await runtime.close();
  }
}
