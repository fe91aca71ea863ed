import cliProgress from 'cli-progress';
import { systemClock } from '../../clock.ts';
import { loadConfig } from '../../config/config.ts';
import { createLogger } from '../../log.ts';
import { createRuntime } from '../../runtime.ts';
import { enrichCatalog, type CatalogEnrichmentResult } from '../../sync/catalog-enrichment.ts';
import type { SyncProgress, SyncSummary } from '../../sync/catalog-sync.ts';
import { SyncBusyError, withSyncLease } from '../../sync/sync-lease.ts';
import { policyFromConfig } from '../../config/franchise-policy-options.ts';
import { UpstreamError } from '../../upstream/upstream-error.ts';
import { CliError } from '../cli-error.ts';
import { exitIfShutdownHangs } from '../shutdown-deadline.ts';
import type { SyncFlags } from './sync-command.ts';

/** What `tsunagu sync --json` prints. */
export interface SyncReport extends SyncSummary {
  /** MyAnimeList enrichment done while the sync ran (null with --no-enrich or TSUNAGU_ENRICH=false). */
  enrichment: CatalogEnrichmentResult | null;
}

export async function sync(flags: SyncFlags): Promise<void> {
  const config = loadConfig(process.env, { logLevel: process.env.LOG_LEVEL ? undefined : 'warn' });
  const logger = createLogger(config.logLevel, { command: 'sync' });
  // No job worker: this process syncs, and takes no ingest jobs.
  const runtime = await createRuntime(config, logger, { worker: false });
  const stop = new AbortController();
  const interrupted = () => {
    // Every stored page is committed with the cursor: the next run continues from it.
    process.stderr.write('\ninterrupted: what was stored is kept; run `tsunagu sync` again to resume\n');
    exitIfShutdownHangs(config.shutdownGraceMs, logger, 130);
    stop.abort();
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const prior = (await runtime.store.catalog.counts()).entries;
  const view = process.stderr.isTTY ? barView(prior) : linesView();
  const enrich = flags.enrich !== false && config.enrich;
  // Enrichment runs beside the sync on Jikan's own gate and stops when the sync ends; what
  // it did not reach waits for the next run (or the scheduled sync in `serve`/`worker`).
  const enrichStop = new AbortController();
  stop.signal.addEventListener('abort', () => enrichStop.abort(), { once: true });
  const enrichment = enrich
    ? enrichCatalog(
        { store: runtime.store, jikan: runtime.upstreams.jikan, clock: systemClock, logger, policy: policyFromConfig(config) },
        { signal: enrichStop.signal, concurrency: config.jikanMaxInFlight },
      ).catch((error: unknown) => {
        logger.warn({ err: error }, 'catalog enrichment failed; the sync goes on');
        return null;
      })
    : Promise.resolve(null);
  let summary: SyncSummary;
  try {
    summary = await withSyncLease({ store: runtime.store, clock: systemClock, logger }, (lost) =>
      runtime.catalogSync.run({ full: flags.full === true, signal: AbortSignal.any([stop.signal, lost]), onProgress: (p) => view.update(p) }),
    );
  } catch (error) {
    enrichStop.abort();
    await enrichment;
    view.stop();
    await runtime.close();
    if (error instanceof SyncBusyError) throw new CliError(`${error.message}; try again once it ends`, 1);
    if (error instanceof UpstreamError) throw new CliError(`could not ask ${error.upstream}: ${error.message} (what was stored is kept; run again to resume)`, 1);
    throw error;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
  enrichStop.abort();
  const report: SyncReport = { ...summary, enrichment: await enrichment };
  view.stop();
  await runtime.close();
  process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : summaryText(report));
  if (!summary.completed) process.exitCode = 130;
}

function summaryText(r: SyncReport): string {
  const how = r.completed ? 'done' : 'interrupted (run again to resume)';
  const lines = [
    `${r.kind} sync ${how}${r.resumed ? ', resumed' : ''}: ${r.stored} entries stored in ${r.requests} AniList requests, ${(r.durationMs / 1000).toFixed(1)} s`,
    `catalog: ${r.entries} entries${r.removed > 0 ? `, ${r.removed} newly marked removed` : ''}`,
  ];
  if (r.unreachable.length > 0) lines.push(`not reached under AniList's result cap: undated entries of the genre groups ${r.unreachable.join(', ')}`);
  if (r.enrichment) lines.push(`MyAnimeList: ${r.enrichment.enriched} entries enriched${r.enrichment.stopped ? ' (the rest continues next run)' : ''}`);
  return `${lines.join('\n')}\n`;
}

interface SyncView {
  update(progress: SyncProgress): void;
  stop(): void;
}

function where(p: SyncProgress): string {
  return p.phase === 'dated' && p.year ? `at ${p.year}` : p.phase;
}

/** A bar on a terminal; its total is the catalog's size at the last sync (a guess the first time). */
function barView(prior: number): SyncView {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'sync {kind} [{bar}] {value}/{total} entries, {requests} requests, {where}', hideCursor: true, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const total = prior > 0 ? prior : 20_000;
  return {
    update(p) {
      const payload = { kind: p.kind, requests: p.requests, where: where(p) };
      if (!started) {
        bar.start(p.kind === 'full' ? total : Math.max(p.stored, 1), p.stored, payload);
        started = true;
      }
      bar.setTotal(Math.max(p.kind === 'full' ? total : p.stored, p.stored, 1));
      bar.update(p.stored, payload);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** One line every 20 requests (and each phase change) for logs and pipes. */
function linesView(): SyncView {
  let lastRequests = -Infinity;
  let lastPhase = '';
  return {
    update(p) {
      if (p.requests - lastRequests < 20 && p.phase === lastPhase) return;
      lastRequests = p.requests;
      lastPhase = p.phase;
      process.stderr.write(`sync ${p.kind}: ${p.stored} entries, ${p.requests} requests, ${where(p)}\n`);
    },
    stop() {},
  };
}
