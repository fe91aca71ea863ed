import { loadConfig } from '../../config/config.ts';
import { policyFromConfig } from '../../config/franchise-policy-options.ts';
import { parsePolicy, type FranchisePolicy } from '../../domain/franchise-policy.ts';
import { InputError, NotFoundError } from '../../errors.ts';
import type { JobView } from '../../ingest/ingest-service.ts';
import { FINAL_STATUSES, type ProgressEvent } from '../../ingest/progress-event.ts';
import { createLogger } from '../../log.ts';
import { createRuntime, type Runtime } from '../../runtime.ts';
import { UpstreamError } from '../../upstream/upstream-error.ts';
import { CliError } from '../cli-error.ts';
import { exitIfShutdownHangs } from '../shutdown-deadline.ts';
import { barsView, franchiseText, linesView, resolutionText } from './discover-render.ts';
import type { DiscoverFlags } from './discover-command.ts';

/** How often the job record is read while waiting, ms: covers a job another process runs (its events stay there). */
const POLL_MS = 1_000;

function intFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) throw new CliError(`--${name} must be a whole number, got "${text}"`);
  return Number(text);
}

function policyOf(flags: DiscoverFlags, base: FranchisePolicy): FranchisePolicy | undefined {
  if (flags.follow === undefined && flags.maxEntries === undefined && flags.maxDepth === undefined) return undefined;
  const caps = { maxEntries: intFlag('max-entries', flags.maxEntries) ?? base.maxEntries, maxDepth: intFlag('max-depth', flags.maxDepth) ?? base.maxDepth };
  try {
    return parsePolicy(flags.follow ?? [...base.follow], caps);
  } catch (error) {
    if (error instanceof InputError) throw new CliError(`--${flagName(error.field)}: ${error.message}`);
    throw error;
  }
}

function flagName(field: string | undefined): string {
  return field === 'maxEntries' ? 'max-entries' : field === 'maxDepth' ? 'max-depth' : 'follow';
}

export async function discover(query: string, flags: DiscoverFlags): Promise<void> {
  // Info logs of a one-shot command would only break up its progress: warnings and up unless asked.
  const config = loadConfig(process.env, { logLevel: process.env.LOG_LEVEL ? undefined : 'warn' });
  const policy = policyOf(flags, policyFromConfig(config));
  const logger = createLogger(config.logLevel, { command: 'discover' });
  const runtime = await createRuntime(config, logger);
  const interrupted = () => {
    // The job goes back to the queue (persisted); the next run picks it up where it stopped.
    process.stderr.write('\ninterrupted: the job is put back in the queue; run the same command to resume\n');
    exitIfShutdownHangs(config.shutdownGraceMs, logger, 130);
    runtime
      .close()
      .catch((error: unknown) => logger.error({ err: error }, 'closing after the interruption failed; the job is taken over once its lease expires'))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const { job, created } = await requestIngest(runtime, query, flags, policy);
    if (job.resolution) process.stderr.write(resolutionText(query, job.resolution));
    if (!created) process.stderr.write(`joining job ${job.id}, already ingesting this franchise\n`);
    const finished = await waitForJob(runtime, job.id);
    if (finished.status === 'failed' || finished.status === 'cancelled') {
      const why = finished.failures[0]?.message ?? 'no reason recorded';
      throw new CliError(`ingest ${finished.status}: ${why}`, 1);
    }
    const view = await runtime.ingest.franchiseOf(finished.rootId!, policy);
    if (!view) throw new CliError(`ingest ended ${finished.status} but AniList ${finished.rootId} is not stored`, 1);
    if (finished.stats) view.stats = { ...finished.stats, disagreements: view.stats.disagreements };
    for (const failure of view.stats.failures) {
      process.stderr.write(`missing: ${failure.upstream} ${failure.id}${failure.status ? ` (HTTP ${failure.status})` : ''}: ${failure.message}\n`);
    }
    process.stdout.write(flags.json ? `${JSON.stringify(view)}\n` : franchiseText(view));
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await runtime.close();
  }
}

async function requestIngest(runtime: Runtime, query: string, flags: DiscoverFlags, policy: FranchisePolicy | undefined) {
  try {
    return await runtime.ingest.requestIngest({
      query,
      enrich: flags.enrich === false ? false : undefined,
      policy: policy && { follow: [...policy.follow], maxEntries: policy.maxEntries, maxDepth: policy.maxDepth },
    });
  } catch (error) {
    if (error instanceof InputError) throw new CliError(error.message, 2);
    if (error instanceof NotFoundError) throw new CliError(error.message, 3);
    if (error instanceof UpstreamError) throw new CliError(`could not ask ${error.upstream}: ${error.message}`, 1);
    throw error;
  }
}

/** Shows the job's progress until it ends; its events when this process runs it, its record otherwise. */
async function waitForJob(runtime: Runtime, jobId: string): Promise<JobView> {
  const view = process.stderr.isTTY ? barsView(process.stderr) : linesView((line) => process.stderr.write(`${line}\n`));
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const unsubscribe = await runtime.bus.subscribe(jobId, 0, (event: ProgressEvent) => {
    view.event(event);
    if (event.type === 'state' && FINAL_STATUSES.has(event.status)) finish();
  });
  const poll = setInterval(() => {
    runtime.ingest.getJob(jobId).then(
      (job) => {
        if (job && FINAL_STATUSES.has(job.status)) finish();
      },
      (error: unknown) => runtime.logger.warn({ err: error, jobId }, 'reading the job failed; trying again at the next poll'),
    );
  }, POLL_MS);
  try {
    await ended;
  } finally {
    clearInterval(poll);
    unsubscribe();
    view.stop();
  }
  const job = await runtime.ingest.getJob(jobId);
  if (!job) throw new CliError(`job ${jobId} vanished from the store`, 1);
  return job;
}
