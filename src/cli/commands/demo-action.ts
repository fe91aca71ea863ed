import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../../config/config.ts';
import { withJobMetrics } from '../../http/job-metrics.ts';
import { createMetrics } from '../../http/metrics.ts';
import { startServer, type RunningServer } from '../../http/server.ts';
import { createRuntimeApp } from '../../http/runtime-app.ts';
import { ensureWebBuilt } from '../../http/web-assets.ts';
import { MemoryProgressBus } from '../../jobs/memory-progress-bus.ts';
import { createLogger, silentLogger, type Logger } from '../../log.ts';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../runtime.ts';
import { FaultSpecError } from '../../sim/fault-spec.ts';
import { SimulatorOptionError, startSimulator, type RunningSimulator } from '../../sim/simulator.ts';
import { CliError } from '../cli-error.ts';
import { exitIfShutdownHangs } from '../shutdown-deadline.ts';
import { untilStopSignal } from '../until-stop-signal.ts';
import type { DemoFlags } from './demo-command.ts';

export interface DemoOptions {
  /** Where the page and API listen. Default: the config's HOST and PORT. */
  host?: string;
  port?: number;
  /** The simulator's latency and its +- jitter, ms. Default 300 and 100: round trips like the real services'. */
  latencyMs?: number;
  jitterMs?: number;
  /** Simulator fault spec (`tsunagu sim --help`). Default none. */
  faults?: string;
  /** Simulator seed. Default 1. */
  seed?: number;
  /** Environment the config is read from. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Options set over the environment's, e.g. faster gates in tests. The upstream URLs and database are always the demo's. */
  config?: Partial<Record<keyof Config, string | number | boolean>>;
  logger?: Logger;
  /** Passed to createRuntime, e.g. shorter retry rounds in tests. */
  runtime?: Pick<RuntimeOptions, 'retryDelayMs'>;
}

export interface RunningDemo {
  /** The web page, e.g. http://127.0.0.1:3000 */
  url: string;
  simulator: RunningSimulator;
  runtime: Runtime;
  /** The SQLite file, in a temporary folder that close() deletes. */
  databasePath: string;
  /** Stops the server, the ingest runtime and the simulator, then deletes the demo database. */
  close(): Promise<void>;
}

/**
 * Tsunagu offline in one call: the simulator standing in for AniList and Jikan, a fresh
 * SQLite database in a temporary folder, the ingest runtime and the server with the page.
 */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const logger = options.logger ?? silentLogger;
  // First: it checks the simulator flags before anything slow happens.
  const simulator = await startSimulator({
    latencyMs: options.latencyMs ?? 300,
    jitterMs: options.jitterMs ?? 100,
    faults: options.faults ?? '',
    seed: options.seed ?? 1,
    logger: logger.child({ name: 'sim' }),
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-demo-'));
  const databasePath = join(dataDir, 'demo.sqlite');
  const undo: (() => Promise<void> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true }), () => simulator.close()];
  // Every step runs even when one before it fails, so the database folder is always removed.
  const cleanUp = async () => {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch (error) {
        logger.warn({ err: error }, 'demo: a shutdown step failed');
      }
    }
  };
  try {
    // Before the server listens: on a fresh clone the page is built here, which takes seconds.
    const webRoot = await ensureWebBuilt(logger);
    const config = loadConfig(options.env ?? process.env, {
      // Offline means offline: covers only from the simulator's own origin, never the public image hosts.
      coverHosts: '',
      ...options.config,
      ...(options.host !== undefined && { host: options.host }),
      ...(options.port !== undefined && { port: options.port }),
      databaseUrl: `sqlite:${databasePath}`,
      anilistUrl: simulator.anilistUrl,
      jikanUrl: simulator.jikanUrl,
    });
    const metrics = createMetrics();
    const runtime = await createRuntime(config, logger, {
      ...options.runtime,
      observer: metrics.upstream,
      bus: withJobMetrics(new MemoryProgressBus(), metrics.jobs),
    });
    undo.push(() => runtime.close());
    const shutdown = new AbortController();
    const app = createRuntimeApp(runtime, { metrics, shutdown: shutdown.signal, webRoot });
    const server: RunningServer = await startServer(app, { host: config.host, port: config.port, closeGraceMs: config.shutdownGraceMs });
    undo.push(async () => {
      // Requests and running jobs are let go together, each within SHUTDOWN_GRACE_MS.
      shutdown.abort();
      await Promise.all([server.close(), runtime.queue.close({ graceMs: config.shutdownGraceMs })]);
    });
    let closing: Promise<void> | null = null;
    return { url: server.url, simulator, runtime, databasePath, close: () => (closing ??= cleanUp()) };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** `tsunagu demo`: starts it, prints where everything is, and runs until Ctrl-C. */
export async function runDemo(flags: DemoFlags): Promise<void> {
  const logger = createLogger(loadConfig().logLevel, { name: 'demo' });
  let demo: RunningDemo;
  try {
    demo = await startDemo({
      host: flags.host,
      port: flags.port === undefined ? undefined : Number(flags.port),
      latencyMs: Number(flags.latency),
      jitterMs: Number(flags.jitter),
      faults: flags.faults,
      seed: Number(flags.seed),
      logger,
    });
  } catch (error) {
    throw asCliError(error, flags);
  }
  process.stdout.write(
    `Tsunagu demo, offline: a simulator answers for AniList and Jikan (latency ${flags.latency} +- ${flags.jitter} ms).\n` +
      `  web page   ${demo.url}/\n` +
      `  API docs   ${demo.url}/api/docs\n` +
      `  simulator  ${demo.simulator.url}/__sim/stats\n` +
      `  database   ${demo.databasePath} (deleted when the demo stops)\n` +
      `Search "Attack on Titan" with "search AniList too" ticked, open it and watch it arrive. Ctrl-C stops.\n`,
  );
  await untilStopSignal((second) => process.exit(second === 'SIGINT' ? 130 : 143));
  process.stdout.write('stopping…\n');
  exitIfShutdownHangs(demo.runtime.config.shutdownGraceMs, logger, 1);
  await demo.close();
}

/** Bad flags and busy ports as one line naming the flag; anything else as it is. */
function asCliError(error: unknown, flags: DemoFlags): unknown {
  if (error instanceof SimulatorOptionError) return new CliError(`--latency/--jitter/--seed: ${error.message}`);
  if (error instanceof FaultSpecError) return new CliError(`--faults: ${error.message}`);
  if (error instanceof ConfigError) return new CliError(`--port/--host: ${error.problems.join('; ')}`);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new CliError(`cannot listen on ${flags.host ?? '127.0.0.1'}:${flags.port ?? 3000} (${code}); choose another --port`);
  }
  return error;
}
