/*
 * The whole stack the page runs on, for the browser tests: the simulator behind a loopback
 * cover origin (test/support/cover-origin.ts, which is also the configured ANILIST_URL and
 * JIKAN_URL, so its covers are the upstream's own), a fresh SQLite store, the ingest runtime
 * and the server with the built page. As `tsunagu demo` wires it, with covers that load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { withJobMetrics } from '../../src/http/job-metrics.ts';
import { createMetrics } from '../../src/http/metrics.ts';
import { createRuntimeApp } from '../../src/http/runtime-app.ts';
import { startServer } from '../../src/http/server.ts';
import { ensureWebBuilt } from '../../src/http/web-assets.ts';
import { MemoryProgressBus } from '../../src/jobs/memory-progress-bus.ts';
import { silentLogger } from '../../src/log.ts';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.ts';
import { startCoverOrigin, type CoverOrigin } from './cover-origin.ts';

export interface PageStack {
  url: string;
  simulator: RunningSimulator;
  origin: CoverOrigin;
  runtime: Runtime;
  close(): Promise<void>;
}

export async function startPageStack(
  options: { latencyMs?: number; jitterMs?: number; config?: Partial<Record<keyof Config, string | number | boolean>>; runtime?: Pick<RuntimeOptions, 'retryDelayMs'> } = {},
): Promise<PageStack> {
  const simulator = await startSimulator({ latencyMs: options.latencyMs ?? 40, jitterMs: options.jitterMs ?? 20, logger: silentLogger });
  const origin = await startCoverOrigin({ simulatorUrl: simulator.url });
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-page-'));
  const config = loadConfig({}, {
    logLevel: 'silent',
    coverHosts: '',
    ...options.config,
    databaseUrl: `sqlite:${join(dir, 'page.sqlite')}`,
    anilistUrl: origin.anilistUrl,
    jikanUrl: origin.jikanUrl,
    port: 0,
  });
  const metrics = createMetrics();
  const runtime = await createRuntime(config, silentLogger, {
    ...options.runtime,
    observer: metrics.upstream,
    bus: withJobMetrics(new MemoryProgressBus(), metrics.jobs),
  });
  const shutdown = new AbortController();
  const app = createRuntimeApp(runtime, { metrics, shutdown: shutdown.signal, webRoot: await ensureWebBuilt(silentLogger) });
  const server = await startServer(app, { port: 0, closeGraceMs: 500 });
  return {
    url: server.url,
    simulator,
    origin,
    runtime,
    async close() {
      shutdown.abort();
      await server.close();
      await runtime.close();
      await origin.close();
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
