/**
 * Franchises per minute with 1 and with 3 worker processes (each running WORKER_CONCURRENCY
 * jobs), against the simulator, on PostgreSQL + Redis: one `serve --no-worker` and the
 * workers, as in production. Prints what each run sustained beside the bound the upstream
 * budget sets, to show which one limits it (it should be the budget, not the workers).
 *
 *   node --import tsx bench/scale-out.ts [--franchises 12] [--workers 1,3] [--scale 1] [--latency 300]
 *
 * --scale multiplies the simulator's limits (AniList 30/min, Jikan 3/s and 60/min) and the
 * gates' (UPSTREAM_RATE_SCALE) alike. At 1, a run of 12 franchises takes a few minutes.
 * Needs PostgreSQL (database `test`) and Redis on 127.0.0.1; uses a fresh schema and key
 * prefix per run and removes them.
 */
import { loadCatalog } from '../src/catalog/catalog.ts';
import { loadConfig } from '../src/config/config.ts';
import { catalogFranchise } from '../test/support/ingest-harness.ts';
import { postgresTarget, redisTarget } from '../test/support/service-targets.ts';
import { startSimulator, type SimStats } from '../src/sim/simulator.ts';
import { migrateDatabase } from '../src/store/store.ts';
import { clusterEnv, TsunaguCluster } from '../test/scale-out/tsunagu-cluster.ts';

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]! : fallback;
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`Expected \`--${name}\` to be a number > 0, got \`${text}\``);
  return value;
}

const count = positive('franchises', flag('franchises', '12'));
const workerCounts = flag('workers', '1,3').split(',').map((w) => positive('workers', w));
const scale = positive('scale', flag('scale', '1'));
const latencyMs = positive('latency', flag('latency', '300'));
const jitterMs = Math.round(latencyMs / 3);

const FINAL = new Set(['succeeded', 'partial', 'failed', 'cancelled']);

/** The first `n` franchises of 4-10 entries in catalog order, each counted once. */
async function pickFranchises(n: number): Promise<{ rootId: number; size: number }[]> {
  const catalog = await loadCatalog();
  const taken = new Set<number>();
  const picked: { rootId: number; size: number }[] = [];
  for (const id of [...catalog.media.keys()].sort((a, b) => a - b)) {
    if (picked.length >= n) break;
    if (taken.has(id)) continue;
    const { members } = await catalogFranchise(id);
    for (const member of members.keys()) taken.add(member);
    if (members.size >= 4 && members.size <= 10) picked.push({ rootId: id, size: members.size });
  }
  return picked;
}

interface RunResult {
  workers: number;
  /** Jobs running at once over all workers. */
  slots: number;
  seconds: number;
  perMinute: number;
  statuses: Record<string, number>;
  stats: SimStats;
  /** The least time the requests made could take under the gates' budget, s. */
  budgetSeconds: { anilist: number; jikan: number };
}

/** The upstream limits the simulator enforces: the budget the whole installation shares. */
const LIMITS = {
  anilist: [{ limit: 30 * scale, windowMs: 60_000 }],
  jikan: [
    { limit: 3 * scale, windowMs: 1_000 },
    { limit: 60 * scale, windowMs: 60_000 },
  ],
};

/**
 * The least time any schedule inside `windows` needs for `requests` sends, s: with at most
 * `limit` in any `windowMs`, the last of them leaves whole windows after the first.
 */
function budgetSeconds(requests: number, windows: { limit: number; windowMs: number }[]): number {
  return Math.max(0, ...windows.map((w) => (Math.floor(Math.max(0, requests - 1) / w.limit) * w.windowMs) / 1000));
}

async function runOnce(workers: number, franchises: { rootId: number }[]): Promise<RunResult> {
  const redis = await redisTarget();
  const postgres = await postgresTarget();
  const missing = redis.skip ?? postgres.skip;
  if (missing) throw new Error(`bench/scale-out needs Redis and PostgreSQL: ${missing}`);
  const sim = await startSimulator({
    latencyMs,
    jitterMs,
    anilistRatePerMinute: LIMITS.anilist[0]!.limit,
    jikanPerSecond: LIMITS.jikan[0]!.limit,
    jikanPerMinute: LIMITS.jikan[1]!.limit,
  });
  const databaseUrl = await postgres.freshUrl();
  await migrateDatabase(databaseUrl);
  const env = clusterEnv(sim, databaseUrl, redis, { UPSTREAM_RATE_SCALE: String(scale), LOG_LEVEL: 'error', UPSTREAM_TIMEOUT_MS: '15000', JOB_LEASE_MS: '30000' });
  const cluster = await TsunaguCluster.start(env, workers);
  try {
    const started = performance.now();
    const jobs = await Promise.all(franchises.map((f) => cluster.ingest(String(f.rootId))));
    const finals = await Promise.all(jobs.map((j) => cluster.waitForJob(j.id, (job) => FINAL.has(job.status), 3_600_000)));
    const seconds = (performance.now() - started) / 1000;
    const statuses: Record<string, number> = {};
    for (const job of finals) statuses[job.status] = (statuses[job.status] ?? 0) + 1;
    const stats = sim.stats();
    const config = loadConfig({ ...process.env, ...env });
    return {
      workers,
      slots: workers * config.workerConcurrency,
      seconds,
      perMinute: (franchises.length * 60) / seconds,
      statuses,
      stats,
      budgetSeconds: {
        anilist: budgetSeconds(stats.anilist.requests, LIMITS.anilist),
        jikan: budgetSeconds(stats.jikan.requests, LIMITS.jikan),
      },
    };
  } finally {
    await cluster.stop();
    await sim.close();
    await redis.cleanup();
    await postgres.cleanup();
  }
}

const franchises = await pickFranchises(count);
const entries = franchises.reduce((n, f) => n + f.size, 0);
process.stdout.write(
  `scale-out: ${franchises.length} franchises (${entries} entries), simulator latency ${latencyMs} +- ${jitterMs} ms, ` +
    `limits AniList ${30 * scale}/min, Jikan ${3 * scale}/s and ${60 * scale}/min (gates at the defaults x ${scale})\n\n`,
);
const rows: RunResult[] = [];
for (const workers of workerCounts) {
  const result = await runOnce(workers, franchises);
  rows.push(result);
  process.stderr.write(`  ${workers} worker(s): ${result.seconds.toFixed(1)} s\n`);
}
process.stdout.write(
  `| workers | jobs at once | wall | franchises/min | AniList requests, peak per 60 s (limit ${LIMITS.anilist[0]!.limit}) | ` +
    `Jikan requests, peak per 1 s (limit ${LIMITS.jikan[0]!.limit}), per 60 s (limit ${LIMITS.jikan[1]!.limit}) | 429s | budget floor | jobs |\n` +
    '|---|---|---|---|---|---|---|---|---|\n',
);
for (const r of rows) {
  const { anilist, jikan } = r.stats;
  process.stdout.write(
    `| ${r.workers} | ${r.slots} | ${r.seconds.toFixed(1)} s | ${r.perMinute.toFixed(1)} | ${anilist.requests}, ${anilist.peak60s} | ` +
      `${jikan.requests}, ${jikan.peak1s}, ${jikan.peak60s} | ${anilist.rateLimited + jikan.rateLimited} | ` +
      `${Math.max(r.budgetSeconds.anilist, r.budgetSeconds.jikan).toFixed(0)} s | ${JSON.stringify(r.statuses)} |\n`,
  );
}
process.stdout.write(
  '\nbudget floor: the least time any schedule inside the upstream limits needs for the requests made. ' +
    'Peaks at the limits and equal throughput with 1 and 3 workers mean the upstream budget bounds the run, not the workers.\n',
);
