/**
 * Runs one of the single-purpose bench scripts (serve-bench.ts, store-bulk.ts) in its own
 * process and returns the JSON summary it prints last (`{"bench": ...}`), so `npm run bench`
 * reuses their measurements as they are instead of measuring the same thing twice.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export class BenchScriptError extends Error {
  override name = 'BenchScriptError';
}

export function runBenchScript(script: string, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<Record<string, unknown>> {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = out
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{"bench":'));
      if (code !== 0 || !line) {
        reject(new BenchScriptError(`${script} ${args.join(' ')} exited with ${code} and no JSON summary:\n${(err || out).slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}
