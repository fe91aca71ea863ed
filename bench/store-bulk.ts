/**
 * Stores the whole offline catalog (20,210 anime, 21,725 AniList relations) through
 * saveBatch in batches of 50, as an ingest would, and reports rows/s and total seconds per
 * database. Then runs the same batches again (the re-ingest case: nothing changes) and
 * checks the invariants once.
 *
 *   node --import tsx bench/store-bulk.ts [--sqlite] [--postgres] [--batch 50]
 *
 * No flag = both. SQLite writes a temp file; PostgreSQL uses a fresh schema in
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { animeFromCatalog, relationsFromCatalog } from '../src/catalog/catalog-to-domain.ts';
import { loadCatalog, type CatalogMedia } from '../src/catalog/catalog.ts';
import { createStore, type Store } from '../src/store/store.ts';

const args = process.argv.slice(2);
const batchArg = args.indexOf('--batch');
const batchSize = batchArg >= 0 ? Number(args[batchArg + 1]) : 50;
if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Expected \`--batch\` to be an integer >= 1, got \`${args[batchArg + 1]}\``);
const wantSqlite = args.includes('--sqlite') || !args.includes('--postgres');
const wantPostgres = args.includes('--postgres') || !args.includes('--sqlite');
const pgUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/test';

const catalog = await loadCatalog({ anilistOnly: true });
const media = [...catalog.media.values()];
const relationCount = media.reduce((n, m) => n + m.relations.length, 0);
const fetchedAt = Date.UTC(2026, 6, 1);

async function pass(store: Store, list: CatalogMedia[]) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let written = 0;
  for (let i = 0; i < list.length; i += batchSize) {
    const part = list.slice(i, i + batchSize);
    const result = await store.saveBatch(part.map((m) => animeFromCatalog(m, fetchedAt)), part.flatMap(relationsFromCatalog));
    written += result.anime.written;
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, written };
}

async function run(name: string, url: string) {
  const store = await createStore(url, { migrate: true });
  try {
    const first = await pass(store, media);
    const again = await pass(store, media);
    const invariants = await store.checkInvariants();
    const rows = media.length + relationCount;
    return {
      database: name,
      batches: Math.ceil(media.length / batchSize),
      anime: media.length,
      relations: relationCount,
      seconds: +first.seconds.toFixed(2),
      clientCpuSeconds: +first.cpuSeconds.toFixed(2),
      rowsPerSecond: Math.round(rows / first.seconds),
      reingestSeconds: +again.seconds.toFixed(2),
      reingestWritten: again.written,
      invariants: invariants.ok ? 'ok' : invariants.problems.join('; '),
    };
  } finally {
    await store.close();
  }
}

const results = [];
if (wantSqlite) {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-bench-'));
  try {
    results.push(await run('sqlite', `sqlite:${join(dir, 'bench.sqlite')}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (wantPostgres) {
  const schema = `tsunagu_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 5000 });
  let connected = false;
  try {
    await admin.connect();
    connected = true;
  } catch (error) {
    console.error(`postgres: skipped, cannot connect to ${pgUrl}: ${(error as Error).message}`);
  }
  if (connected) {
    try {
      const url = new URL(pgUrl);
      url.searchParams.set('schema', schema);
      results.push(await run('postgres', url.toString()));
    } finally {
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  }
}
console.table(results);
console.log(JSON.stringify({ bench: 'store-bulk', batchSize, results }));
