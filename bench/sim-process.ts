import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SimStats } from '../src/sim/simulator.ts';

export interface SimProcessOptions {
  latencyMs: number;
  jitterMs: number;
  anilistRatePerMinute: number;
  jikanPerSecond: number;
  jikanPerMinute: number;
  seed: number;
}

export interface SimProcess {
  anilistUrl: string;
  jikanUrl: string;
  stats(): Promise<SimStats>;
  reset(): Promise<void>;
  close(): void;
}

/**
 * The simulator in its own process, as users run it: in the bench's own it would share the
 * event loop with the client, and a busy moment there would bunch its arrival times
 * together into 429s (and its answers into delays) that a real server would never cause.
 */
export async function startSimProcess(sim: SimProcessOptions): Promise<SimProcess> {
  const child = spawn(
    process.execPath,
    ['bin/tsunagu.mjs', 'sim', '--port', '0', '--latency', String(sim.latencyMs), '--jitter', String(sim.jitterMs), '--anilist-rate', String(sim.anilistRatePerMinute), '--jikan-rate', `${sim.jikanPerSecond}/s,${sim.jikanPerMinute}/min`, '--seed', String(sim.seed)],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return {
    anilistUrl: `${url}/anilist`,
    jikanUrl: `${url}/jikan/v4`,
    stats: async () => (await (await fetch(`${url}/__sim/stats`)).json()) as SimStats,
    reset: async () => void (await fetch(`${url}/__sim/reset`, { method: 'POST' })).body?.cancel(),
    close: () => child.kill('SIGTERM'),
  };
}
