import { loadConfig } from '../../config/config.ts';
import { withJobMetrics } from '../../http/job-metrics.ts';
import { createMetrics } from '../../http/metrics.ts';
import { startServer } from '../../http/server.ts';
import { createRuntimeApp } from '../../http/runtime-app.ts';
import { ensureWebBuilt } from '../../http/web-assets.ts';
import { createLogger } from '../../log.ts';
import { createRuntime } from '../../runtime.ts';
import { CliError } from '../cli-error.ts';
import { exitIfShutdownHangs } from '../shutdown-deadline.ts';
import { untilStopSignal } from '../until-stop-signal.ts';
import type { ServeFlags } from './serve-command.ts';

export async function serve(flags: ServeFlags): Promise<void> {
  const config = loadConfig(process.env, { port: flags.port, host: flags.host });
  const logger = createLogger(config.logLevel, { name: 'serve' });
  const webRoot = await ensureWebBuilt(logger).catch((error: unknown) => {
    // The API is useful without the page; `/` then says how to build it.
    logger.warn({ err: error }, 'the web page could not be built; serving the API only');
    return undefined;
  });
  const metrics = createMetrics({ processMetrics: true });
  const runtime = await createRuntime(config, logger, {
    observer: metrics.upstream,
    observeBus: (bus) => withJobMetrics(bus, metrics.jobs),
    worker: flags.worker,
  });
  const shutdown = new AbortController();
  const app = createRuntimeApp(runtime, { metrics, shutdown: shutdown.signal, webRoot });
  let server;
  try {
    server = await startServer(app, { host: config.host, port: config.port, closeGraceMs: config.shutdownGraceMs });
  } catch (error) {
    await runtime.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new CliError(`cannot listen on ${config.host}:${config.port} (${code}); choose another --port or --host`);
    }
    throw error;
  }
  logger.info({ url: server.url, worker: flags.worker, auth: config.apiToken ? 'token' : 'open' }, 'serving');
  process.stderr.write(`tsunagu: serving ${server.url}/ (API docs ${server.url}/api/docs)\n`);

  const signal = await untilStopSignal((second) => process.exit(second === 'SIGINT' ? 130 : 143));
  logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
  exitIfShutdownHangs(config.shutdownGraceMs, logger, 1);
  // Stop taking requests and end event streams while running jobs stop at their next request
  // boundary (both within SHUTDOWN_GRACE_MS; the jobs go back in the queue), then close the database.
  shutdown.abort();
  await Promise.all([server.close(), runtime.queue.close({ graceMs: config.shutdownGraceMs })]);
  await runtime.close();
  logger.info('stopped');
}
