import { after, before } from 'node:test';
import { createMetrics } from '../../src/http/metrics.ts';
import { createRuntimeApp } from '../../src/http/runtime-app.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import type { RuntimeOptions } from '../../src/runtime.ts';
import type { RunningSimulator } from '../../src/sim/simulator.ts';
import { sqliteDatabase, startFastSimulator, testRuntime, type TestDatabase, type TestRuntime } from './ingest-harness.ts';

/**
 * For a describe block about the API as `serve` runs it: one fast simulator for the block,
 * and `serve`, a real runtime behind the real app on a loopback port, over the database
 * given or a fresh SQLite one. Everything served is closed after the block, in reverse.
 */
export function servedRuntimes() {
  let sim: RunningSimulator | undefined;
  const cleanup: (() => Promise<void>)[] = [];
  before(async () => {
    sim = await startFastSimulator();
  });
  after(async () => {
    for (const step of cleanup.reverse()) await step();
    await sim?.close();
  });
  const running = (): RunningSimulator => {
    if (!sim) throw new Error('the simulator starts in the describe block\'s before hook');
    return sim;
  };
  return {
    get sim(): RunningSimulator {
      return running();
    },
    /** Adds `step` to what is closed after the block (latest added, first closed). */
    closeAfter(step: () => Promise<void>): void {
      cleanup.push(step);
    },
    async serve(
      options: { db?: TestDatabase; env?: Record<string, string>; runtime?: RuntimeOptions } = {},
    ): Promise<{ runtime: TestRuntime; server: RunningServer; db: TestDatabase }> {
      const db = options.db ?? (await sqliteDatabase());
      const runtime = await testRuntime(running(), db.url, { env: options.env, runtime: options.runtime });
      const shutdown = new AbortController();
      const server = await startServer(createRuntimeApp(runtime, { metrics: createMetrics(), shutdown: shutdown.signal }), { port: 0, closeGraceMs: 200 });
      cleanup.push(async () => {
        shutdown.abort();
        await server.close();
        await runtime.close();
        if (!options.db) await db.close();
      });
      return { runtime, server, db };
    },
  };
}
