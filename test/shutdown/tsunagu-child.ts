/*
 * One `tsunagu serve` or `tsunagu worker` process from bin/tsunagu.mjs, as a user starts it,
 * for the shutdown tests and the stop-latency benchmark. Not a test file itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** Starting a process loads TypeScript through tsx; on a busy two-core machine that takes a while. */
const START_TIMEOUT_MS = 60_000;

export class TsunaguChild {
  stderr = '';
  /** performance.now() at exit, and how it exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk));
  }

  /** The API's base URL (serve only). */
  get url(): string {
    const match = /serving (http:\/\/[^\s/]+)\//.exec(this.stderr);
    if (!match) throw new Error(`not serving yet:\n${this.stderr}`);
    return match[1]!;
  }

  /** `serve --port 0` (with its worker) or `worker`, resolved once it says it is ready. */
  static async start(command: 'serve' | 'worker', env: Record<string, string>): Promise<TsunaguChild> {
    const args = command === 'serve' ? ['bin/tsunagu.mjs', 'serve', '--port', '0'] : ['bin/tsunagu.mjs', 'worker'];
    const child = spawn(process.execPath, args, { cwd: ROOT_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const started = new TsunaguChild(child);
    const ready = command === 'serve' ? /tsunagu: serving http/ : /tsunagu: worker taking jobs/;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!ready.test(started.stderr)) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} exited at start:\n${started.stderr}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${command} not ready after ${START_TIMEOUT_MS} ms:\n${started.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return started;
  }

  /** Sends SIGTERM; resolves with the exit and how long it took, ms. */
  async terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const sent = performance.now();
    this.child.kill('SIGTERM');
    const exit = await this.exited;
    return { code: exit.code, signal: exit.signal, ms: exit.at - sent };
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
