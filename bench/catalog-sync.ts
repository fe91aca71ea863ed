/**
 * `tsunagu sync` over the whole catalog, as the bar has it: the simulator with the
 * full offline catalog, AniList's 5,000-result cap and an AniList at `--rate` requests a
 * minute (announced in X-RateLimit-Limit, as AniList does); the CLI is SIGKILLed a third of
 * the way (by the simulator's request count) and run again; then five entries are edited
 * upstream and `tsunagu sync` runs once more; then `tsunagu discover <id> --json --no-enrich`
 * must answer with no AniList request. Per database: requests against the minimal
 * ceil(entries / 50), seconds against the rate bound (minimal requests at the rate), 429s,
 * peak RSS of each CLI process (VmHWM).
 *
 *   node --import tsx bench/catalog-sync.ts [--sqlite] [--postgres] [--rate 270] [--latency 300] [--root 16498]
 *
 * No database flag = both (PostgreSQL skipped with a note when it does not answer). Prints
 * a JSON summary last (`{"bench": ...}`) for bench/run.ts.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadCatalog } from '../src/catalog/catalog.ts';
import { startSimulator, type RunningSimulator } from '../src/sim/simulator.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`Expected \`--${name}\` to be a positive number, got \`${args[at + 1]}\``);
  return value;
};
const rate = flag('rate', 270);
const latencyMs = flag('latency', 300);
const rootId = flag('root', 16498);
const wantSqlite = args.includes('--sqlite') || !args.includes('--postgres');
const wantPostgres = args.includes('--postgres') || !args.includes('--sqlite');
const pgBase = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/test';
const BIN = fileURLToPath(new URL('../bin/tsunagu.mjs', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRssMb: number;
}

/** Runs the CLI; kills it with SIGKILL once the simulator has answered `killAfter` requests. */
function cli(sim: RunningSimulator, databaseUrl: string, argv: string[], killAfter?: number): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...argv], {
    env: { ...process.env, DATABASE_URL: databaseUrl, ANILIST_URL: sim.anilistUrl, JIKAN_URL: sim.jikanUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  let peakKb = 0;
  const base = sim.stats().anilist.requests;
  const watch = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // Gone already.
    }
    if (killAfter !== undefined && sim.stats().anilist.requests - base >= killAfter) child.kill('SIGKILL');
  }, 20);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearInterval(watch);
      resolve({ code, signal, stdout, stderr, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(peakKb / 1024) });
    });
  });
}

async function postgresUrl(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const schema = `tsunagu_syncbench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgBase });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = `${pgBase}${pgBase.includes('?') ? '&' : '?'}schema=${schema}`;
  return {
    url,
    async drop() {
      const client = new pg.Client({ connectionString: pgBase });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

async function bench(sim: RunningSimulator, database: 'sqlite' | 'postgres', url: string, entries: number) {
  const minimal = Math.ceil(entries / 50);
  const boundS = (minimal / rate) * 60;
  sim.catalog.reset();
  sim.reset();
  if (database === 'postgres') {
    const migrate = await cli(sim, url, ['migrate']);
    if (migrate.code !== 0) throw new Error(`migrate failed: ${migrate.stderr}`);
  }
  log(`${database}: tsunagu sync, SIGKILLed after ${Math.round(minimal / 3)} requests...`);
  const killed = await cli(sim, url, ['sync', '--json', '--no-enrich'], Math.round(minimal / 3));
  if (killed.signal !== 'SIGKILL') throw new Error(`the first run was to be killed; it ended ${killed.code}: ${killed.stderr.slice(-1000)}`);
  const killedRequests = sim.stats().anilist.requests;
  log(`${database}: run again...`);
  const resumed = await cli(sim, url, ['sync', '--json', '--no-enrich']);
  if (resumed.code !== 0) throw new Error(`the rerun failed: ${resumed.stderr.slice(-1000)}`);
  const full = sim.stats().anilist;
  const report = JSON.parse(resumed.stdout) as { entries: number; completed: boolean };
  const seconds = killed.seconds + resumed.seconds;

  sim.catalog.edit({ count: 5 });
  sim.reset();
  const incremental = await cli(sim, url, ['sync', '--json', '--no-enrich']);
  if (incremental.code !== 0) throw new Error(`the incremental run failed: ${incremental.stderr.slice(-1000)}`);
  const incrementalRequests = sim.stats().anilist.requests;

  sim.reset();
  const discover = await cli(sim, url, ['discover', String(rootId), '--json', '--no-enrich']);
  if (discover.code !== 0) throw new Error(`discover failed: ${discover.stderr.slice(-1000)}`);
  const franchise = JSON.parse(discover.stdout) as { franchise: { size: number; title: string } };
  const result = {
    database,
    entries: report.entries,
    catalogEntries: entries,
    complete: report.completed && report.entries === entries,
    requests: full.requests,
    minimalRequests: minimal,
    requestBound: Math.floor(minimal * 1.15 + 10),
    seconds: Math.round(seconds * 10) / 10,
    rateBoundS: Math.round(boundS * 10) / 10,
    secondsBound: Math.round((boundS * 1.3 + 15) * 10) / 10,
    http429: full.rateLimited,
    peak60s: full.peak60s,
    incrementalRequests,
    discoverAniListRequests: sim.stats().anilist.requests,
    discovered: { rootId, title: franchise.franchise.title, size: franchise.franchise.size },
    peakRssMb: Math.max(killed.peakRssMb, resumed.peakRssMb),
    /** Each process: wall seconds (start-up included) and the requests the simulator saw while it ran. */
    runs: [
      { seconds: Math.round(killed.seconds * 10) / 10, requests: killedRequests },
      { seconds: Math.round(resumed.seconds * 10) / 10, requests: full.requests - killedRequests },
    ],
  };
  log(
    `${database}: ${result.entries}/${entries} entries in ${result.requests} requests (bound ${result.requestBound}), ${result.seconds} s ` +
      `(bound ${result.secondsBound}), 429s ${result.http429}, incremental ${incrementalRequests} requests, discover ${result.discoverAniListRequests} requests, peak RSS ${result.peakRssMb} MB`,
  );
  return result;
}

const catalog = await loadCatalog();
const sim = await startSimulator({ catalog, latencyMs, jitterMs: Math.round(latencyMs / 3), anilistRatePerMinute: rate, anilistResultCap: 5000 });
const results: Awaited<ReturnType<typeof bench>>[] = [];
const skipped: { database: string; skipped: string }[] = [];
const dir = mkdtempSync(join(tmpdir(), 'tsunagu-syncbench-'));
try {
  const entries = sim.catalog.summary().visible;
  if (wantSqlite) results.push(await bench(sim, 'sqlite', `sqlite:${join(dir, 'mirror.sqlite')}`, entries));
  if (wantPostgres) {
    const target = await postgresUrl();
    if (!target) {
      log(`PostgreSQL does not answer at ${pgBase}; skipped`);
      skipped.push({ database: 'postgres', skipped: `PostgreSQL did not answer at ${pgBase}` });
    } else {
      try {
        results.push(await bench(sim, 'postgres', target.url, entries));
      } finally {
        await target.drop();
      }
    }
  }
} finally {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify({ bench: 'catalog-sync', rate, latencyMs, resultCap: 5000, results, skipped })}\n`);
