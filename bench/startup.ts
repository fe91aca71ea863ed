/**
 * Start-up: how long `tsunagu --help` takes, and `tsunagu discover` until its first request
 * reaches the upstream, for the built CLI (dist/, what `npm ci` makes) and for the sources
 * through tsx (what a checkout whose dist/ is stale runs), beside a bare `node -e 0`.
 *
 *   node --import tsx bench/startup.ts [--runs 10]
 *
 * Each figure is the median of `--runs` runs, one at a time, the five measurements taking
 * turns so that a busy moment of the machine falls on all of them alike. The upstream is a loopback
 * server that only notes when the first request arrives; the run is then stopped, so
 * nothing else is measured. `discover` opens an already migrated SQLite file, as every run
 * after the first does. dist/ is built first when it is not current.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain JavaScript, shared by the build and bin/tsunagu.mjs
import { buildState } from '../scripts/build-stamp.mjs';
import { median } from './strategy-run.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tsunagu.mjs');
const at = process.argv.indexOf('--runs');
const runs = at >= 0 ? Number(process.argv[at + 1]) : 10;
if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new Error(`Expected \`--runs\` to be an integer 1-1000, got \`${process.argv[at + 1]}\``);

type From = 'dist' | 'src';

/** ms from spawn until the process exits (or, with `until`, until it resolves; the process is then killed). */
function timeRun(args: string[], env: Record<string, string>, until?: Promise<number>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: 'ignore' });
    child.once('error', reject);
    if (until) {
      until.then((reachedAt) => {
        child.kill('SIGKILL');
        resolve(reachedAt - started);
      }, reject);
    } else {
      child.once('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${args.join(' ')} exited with ${code}`))));
    }
  });
}

if (buildState(ROOT) !== 'fresh') {
  process.stderr.write('startup: building dist/ first...\n');
  await timeRun(['scripts/build.mjs'], {});
}

// An upstream that notes the first request of each run and never answers it.
let firstRequest: ((at: number) => void) | null = null;
const upstream = createServer((req) => {
  firstRequest?.(performance.now());
  firstRequest = null;
  req.resume();
});
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
const dir = mkdtempSync(join(tmpdir(), 'tsunagu-startup-'));
const databaseUrl = `sqlite:${join(dir, 'startup.sqlite')}`;

try {
  await timeRun([BIN, 'migrate', '--database-url', databaseUrl], { TSUNAGU_RUN_FROM: 'dist' });
  const help = (from: From) => () => timeRun([BIN, '--help'], { TSUNAGU_RUN_FROM: from });
  const discover = (from: From) => () => {
    const reached = new Promise<number>((resolve) => (firstRequest = resolve));
    const env = { TSUNAGU_RUN_FROM: from, DATABASE_URL: databaseUrl, ANILIST_URL: `${upstreamUrl}/anilist`, JIKAN_URL: `${upstreamUrl}/jikan`, UPSTREAM_TIMEOUT_MS: '60000' };
    return timeRun([BIN, 'discover', '16498'], env, reached);
  };
  const measures = {
    bareNode: () => timeRun(['-e', '0'], {}),
    helpDist: help('dist'),
    helpSrc: help('src'),
    discoverDist: discover('dist'),
    discoverSrc: discover('src'),
  };
  const times = Object.fromEntries(Object.keys(measures).map((name) => [name, [] as number[]])) as Record<keyof typeof measures, number[]>;
  for (let i = 0; i < runs; i++) {
    for (const [name, measure] of Object.entries(measures) as [keyof typeof measures, () => Promise<number>][]) times[name].push(await measure());
  }
  const ms = (name: keyof typeof measures) => Math.round(median(times[name]));
  const result = {
    runs,
    bareNodeMs: ms('bareNode'),
    helpMs: { dist: ms('helpDist'), src: ms('helpSrc') },
    discoverToFirstRequestMs: { dist: ms('discoverDist'), src: ms('discoverSrc') },
  };
  process.stderr.write(
    `node -e 0: ${result.bareNodeMs} ms; --help: ${result.helpMs.dist} ms built, ${result.helpMs.src} ms from the sources; ` +
      `discover to its first request: ${result.discoverToFirstRequestMs.dist} ms built, ${result.discoverToFirstRequestMs.src} ms from the sources\n`,
  );
  console.log(JSON.stringify({ bench: 'startup', ...result }));
} finally {
  upstream.close();
  rmSync(dir, { recursive: true, force: true });
}
