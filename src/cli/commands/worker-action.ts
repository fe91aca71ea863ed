import { loadConfig } from '../../config/config.ts';
import { createLogger } from '../../log.ts';
import { createRuntime } from '../../runtime.ts';
import { exitIfShutdownHangs } from '../shutdown-deadline.ts';
import { untilStopSignal } from '../until-stop-signal.ts';
import type { WorkerFlags } from './worker-command.ts';

export async function work(flags: WorkerFlags): Promise<void> {
  const config = loadConfig(process.env, { workerConcurrency: flags.concurrency });
  const logger = createLogger(config.logLevel, { name: 'worker' });
  if (!config.redisUrl) {
    // Still useful (jobs come from the database), but each process would pace the upstreams on its own.
    logger.warn('REDIS_URL is not set: this worker takes jobs from the database, but its rate budget and progress events are its own');
  }
  const runtime = await createRuntime(config, logger, { worker: true });
  logger.info({ concurrency: config.workerConcurrency, queue: config.redisUrl ? 'bullmq' : 'database' }, 'worker ready');
  process.stderr.write(`tsunagu: worker taking jobs (${config.workerConcurrency} at once)\n`);

  // A second signal while jobs wind down means "now": their leases bring them back later.
  const signal = await untilStopSignal((second) => process.exit(second === 'SIGINT' ? 130 : 143));
  logger.info({ signal, graceMs: config.shutdownGraceMs }, 'stopping: running jobs go back to the queue at their next safe point');
  exitIfShutdownHangs(config.shutdownGraceMs, logger, 1);
  await runtime.close();
  logger.info('stopped');
}
