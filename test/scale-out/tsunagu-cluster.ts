/*
 * Real `tsunagu serve --no-worker` and `tsunagu worker` processes for the scale-out tests:
 * started from bin/tsunagu.mjs as a user would, sharing one PostgreSQL schema and one Redis
 * prefix, pointed at a simulator the test runs. Not a test file itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JobView } from '../../src/ingest/ingest-service.ts';
import type { RunningSimulator } from '../../src/sim/simulator.ts';

const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** Starting a process loads TypeScript through tsx; on a busy two-core machine that takes a while. */
const START_TIMEOUT_MS = 60_000;

/** `api`: serve --no-worker; `serve`: serve with its own worker; `worker`: worker. */
export type Role = 'api' | 'serve' | 'worker';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class TsunaguProcess {
  /** What it wrote on stderr (its logs), for failure messages. */
  stderr = '';
  readonly exited: Promise<ProcessExit>;
  /** performance.now() at the exit. */
  private exitedAt = 0;

  private constructor(
    readonly role: Role,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitedAt = performance.now();
        resolve({ code, signal });
      }),
    );
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The API's base URL, once it said where it serves. */
  get url(): string {
    const match = /serving (http:\/\/[^\s/]+)\//.exec(this.stderr);
    if (!match) throw new Error(`${this.role} ${this.pid} has not said where it serves`);
    return match[1]!;
  }

  /** Starts the role's command and resolves once it says it is ready. */
  static async start(role: Role, env: Record<string, string>): Promise<TsunaguProcess> {
    const args = role === 'api' ? ['bin/tsunagu.mjs', 'serve', '--no-worker'] : role === 'serve' ? ['bin/tsunagu.mjs', 'serve'] : ['bin/tsunagu.mjs', 'worker'];
    const child = spawn(process.execPath, args, { cwd: ROOT_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const started = new TsunaguProcess(role, child);
    const ready = role === 'worker' ? /tsunagu: worker taking jobs/ : /tsunagu: serving http/;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!ready.test(started.stderr)) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${role} exited at start:\n${started.stderr}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${role} not ready after ${START_TIMEOUT_MS} ms:\n${started.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return started;
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ProcessExit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** SIGTERM, then the exit and how long it took after the signal, ms. */
  async terminate(): Promise<ProcessExit & { ms: number }> {
    const sent = performance.now();
    const exit = await this.stop('SIGTERM');
    return { ...exit, ms: this.exitedAt - sent };
  }
}

/** One API process and some workers: one installation. */
export class TsunaguCluster {
  private constructor(
    readonly api: TsunaguProcess,
    readonly workers: TsunaguProcess[],
  ) {}

  static async start(env: Record<string, string>, workers: number): Promise<TsunaguCluster> {
    const started = await Promise.allSettled([TsunaguProcess.start('api', env), ...Array.from({ length: workers }, () => TsunaguProcess.start('worker', env))]);
    const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      await Promise.all(ok.map((p) => p.stop('SIGKILL')));
      throw (failed as PromiseRejectedResult).reason;
    }
    return new TsunaguCluster(ok[0]!, ok.slice(1));
  }

  get processes(): TsunaguProcess[] {
    return [this.api, ...this.workers];
  }

  async ingest(query: string): Promise<JobView> {
    const response = await fetch(`${this.api.url}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, enrich: true }),
    });
    if (response.status !== 202) throw new Error(`ingest ${query}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { job: JobView }).job;
  }

  async job(id: string): Promise<JobView> {
    const response = await fetch(`${this.api.url}/api/jobs/${id}`);
    if (!response.ok) throw new Error(`job ${id}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { job: JobView }).job;
  }

  /** Polls the API until `check` holds for the job; fails after `timeoutMs` with the job and the logs. */
  async waitForJob(id: string, check: (job: JobView) => boolean, timeoutMs = 90_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.job(id);
      if (check(job)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id} never got there: ${JSON.stringify(job)}\n${this.logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async franchise(rootId: number): Promise<{ members: { id: number; idMal: number | null; malStatus: string | null }[] }> {
    const response = await fetch(`${this.api.url}/api/anime/${rootId}/franchise?ingest=false`);
    if (!response.ok) throw new Error(`franchise ${rootId}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { members: { id: number; idMal: number | null; malStatus: string | null }[] };
  }

  /** Every process's stderr, for failure messages. */
  logs(): string {
    return this.processes.map((p) => `--- ${p.role} ${p.pid}\n${p.stderr.slice(-4_000)}`).join('\n');
  }

  /** SIGTERMs every process (workers first, as an orchestrator drains them) and waits for them. */
  async stop(): Promise<ProcessExit[]> {
    const workers = await Promise.all(this.workers.map((w) => w.stop()));
    return [...workers, await this.api.stop()];
  }
}

/** The environment of every process of one test's installation. */
export function clusterEnv(sim: RunningSimulator, databaseUrl: string, redis: { url: string; prefix: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    ANILIST_URL: sim.anilistUrl,
    JIKAN_URL: sim.jikanUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    // A SIGKILLed worker's job and its open upstream slots come back within a few seconds.
    JOB_LEASE_MS: '2000',
    UPSTREAM_TIMEOUT_MS: '2000',
    UPSTREAM_BACKOFF_MS: '50',
    INGEST_RATE_PER_MINUTE: '1000',
    ...extra,
  };
}
