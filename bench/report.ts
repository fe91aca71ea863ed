/** Renders bench results as markdown: results/latest.md, and the tables `npm run docs` puts in README.md and docs/. */
import type { BenchResults, BenchRow } from './bench-results.ts';

const fixed = (value: number | null, digits = 1) => (value === null ? 'never' : value.toFixed(digits));
const speedUp = (slow: number | null, fast: number | null) => (slow === null || fast === null || fast <= 0 ? '-' : `${(slow / fast).toFixed(1)}x`);

export function strategyTable(rows: BenchRow[]): string[] {
  const lines = [
    '| Scenario | Franchise (entries / levels / MAL) | Strategy | Complete franchise s | bound s | x bound | Full enrichment s | bound s | x bound | Requests AniList / Jikan | 429s AniList / Jikan | Peak RSS MB | Same members | Tsunagu faster (complete / enriched) |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|--:|',
  ];
  for (const row of rows) {
    const seed = rows.find((r) => r.scenario === row.scenario && r.rootId === row.rootId && r.strategy === 'seed');
    const versus =
      row.strategy === 'tsunagu' && seed
        ? `${speedUp(seed.completeFranchiseS, row.completeFranchiseS)} / ${speedUp(seed.fullEnrichmentS, row.fullEnrichmentS)}`
        : '';
    lines.push(
      `| ${row.scenario} | ${row.franchise} (${row.size} / ${row.levels} / ${row.malEntries}) | ${row.strategy} ` +
        `| ${fixed(row.completeFranchiseS)} | ${fixed(row.discoveryBoundS)} | ${fixed(row.completeVsBound)} ` +
        `| ${fixed(row.fullEnrichmentS)} | ${fixed(row.enrichmentBoundS)} | ${fixed(row.enrichmentVsBound)} ` +
        `| ${row.requests.anilist} / ${row.requests.jikan} | ${row.http429.anilist} / ${row.http429.jikan} | ${row.peakRssMb} ` +
        `| ${row.sameMembers ? 'yes' : `**no** (${row.members.length})`} | ${versus} |`,
    );
  }
  return lines;
}

export function discoveryLines(discovery: BenchResults['discovery']): string[] {
  if (!discovery) return [];
  if ('skipped' in discovery) return [`Discovery by relation depth: skipped (${discovery.skipped}).`, ''];
  const runs = discovery[0]?.runs ?? 0;
  return [
    `Discovery alone by ANILIST_RELATION_DEPTH (\`bench/discovery.ts\`, median of ${runs} runs, empty store, 300 +- 100 ms per response; the level bound is levels x 300 ms, what a walk asking one level per round trip cannot beat):`,
    '',
    '| Franchise (entries / levels) | Depth | Round trips | AniList requests | Discovery s | Level bound s | x bound | Same members | 429s |',
    '|---|--:|--:|--:|--:|--:|--:|:-:|--:|',
    ...discovery.map(
      (r) =>
        `| ${r.franchise} (${r.size} / ${r.levels}) | ${r.depth} | ${r.roundTrips} | ${r.requests} | ${r.discoveryS.toFixed(2)} | ${r.levelBoundS.toFixed(1)} | ${r.vsBound.toFixed(2)} | ${r.sameMembers ? 'yes' : '**no**'} | ${r.http429} |`,
    ),
    '',
  ];
}

export function servingLines(serving: BenchResults['serving']): string[] {
  if ('skipped' in serving) return [`Serving: skipped (${serving.skipped}).`];
  const head = `Serving (\`bench/serve-bench.ts\`, ${serving.connections} connections, ${serving.durationS} s per endpoint, same server, same run):`;
  const failed = serving.errors > 0 ? ['', `${serving.errors} requests failed or answered otherwise than expected.`] : [];
  if (!serving.reads) {
    return [
      head,
      '',
      '| Endpoint | Requests/s | p99 ms |',
      '|---|--:|--:|',
      `| \`GET ${serving.path}\` | ${serving.requestsPerSecond} | ${serving.p99Ms} |`,
      `| \`GET /healthz\` | ${serving.healthz.requestsPerSecond} | ${serving.healthz.p99Ms} |`,
      ...failed,
    ];
  }
  const reads = serving.reads;
  const row = (label: string, r: { requestsPerSecond: number; p99Ms: number }, share: string) => `| ${label} | ${r.requestsPerSecond} | ${share} | ${r.p99Ms} |`;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return [
    head,
    '',
    '| Endpoint | Requests/s | of /healthz | p99 ms |',
    '|---|--:|--:|--:|',
    row('`GET /healthz`', serving.healthz, '100%'),
    row(`\`GET ${serving.path}\`, plain JSON`, reads.identity, pct(reads.identity.ofHealthz)),
    row(`\`GET ${serving.path}\`, gzip`, reads.gzip, pct(reads.gzip.ofHealthz)),
    row(`\`GET ${serving.path}\`, br`, reads.br, pct(reads.br.ofHealthz)),
    row(`\`GET ${serving.path}\`, If-None-Match -> 304`, reads.notModified, pct(reads.notModified.ofHealthz)),
    ...failed,
  ];
}

export function startupLines(startup: BenchResults['startup']): string[] {
  if (!startup) return [];
  if ('skipped' in startup) return [`Start-up: skipped (${startup.skipped}).`, ''];
  return [
    `Start-up (\`bench/startup.ts\`, median of ${startup.runs} runs; the built CLI is what \`npm ci\` makes, the sources through tsx what a checkout changed since its build runs):`,
    '',
    '| Command | Built (dist/) ms | Sources (tsx) ms | Built, over bare node ms |',
    '|---|--:|--:|--:|',
    `| \`node -e 0\` (bare node) | ${startup.bareNodeMs} | | |`,
    `| \`tsunagu --help\` | ${startup.helpMs.dist} | ${startup.helpMs.src} | ${startup.helpMs.dist - startup.bareNodeMs} |`,
    `| \`tsunagu discover 16498\`, to its first upstream request | ${startup.discoverToFirstRequestMs.dist} | ${startup.discoverToFirstRequestMs.src} | ${startup.discoverToFirstRequestMs.dist - startup.bareNodeMs} |`,
    '',
  ];
}

export function bulkLines(bulk: BenchResults['bulkStore']): string[] {
  const lines = ['Bulk store (`bench/store-bulk.ts`: the whole offline catalog through `saveBatch`, 50 anime a transaction):', ''];
  lines.push('| Database | Anime | Relations | Seconds | Rows/s |', '|---|--:|--:|--:|--:|');
  for (const r of bulk) {
    if ('skipped' in r) lines.push(`| ${r.database} | skipped: ${r.skipped} | | | |`);
    else lines.push(`| ${r.database} | ${r.anime} | ${r.relations} | ${r.seconds.toFixed(1)} | ${r.rowsPerSecond} |`);
  }
  return lines;
}

export function catalogSyncLines(sync: BenchResults['catalogSync']): string[] {
  if (!sync) return [];
  const lines = [
    `Catalog sync (\`bench/catalog-sync.ts\`: \`tsunagu sync\` of the whole catalog at AniList ${sync.ratePerMinute}/min, ${sync.latencyMs} ms, 5,000-result cap, SIGKILLed a third of the way and run again; then 5 upstream edits; then \`discover --no-enrich\`):`,
    '',
    '| Database | Entries | Requests (minimal, bar) | Seconds (rate bound, bar) | 429s | After 5 edits | Discover requests | Peak RSS MB |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of sync.results) {
    if ('skipped' in r) lines.push(`| ${r.database} | skipped: ${r.skipped} | | | | | | |`);
    else
      lines.push(
        `| ${r.database} | ${r.entries}/${r.catalogEntries} | ${r.requests} (${r.minimalRequests}, ${r.requestBound}) | ${r.seconds} (${r.rateBoundS}, ${r.secondsBound}) | ${r.http429} | ${r.incrementalRequests} | ${r.discoverAniListRequests} | ${r.peakRssMb} |`,
      );
  }
  return [...lines, ''];
}

export function renderMarkdown(results: BenchResults): string {
  const { machine, simulator } = results;
  const day = results.startedAt.slice(0, 10);
  const lines = [
    `Made by \`${results.command}\` on ${day} in ${Math.round(results.durationS / 60)} min: Node ${machine.node}, ${machine.platform}, ${machine.cpus} x ${machine.cpuModel}, ` +
      `load average ${machine.loadAverage.start} at start and ${machine.loadAverage.end} at the end (a shared machine). ` +
      `Simulator: ${simulator.latencyMs} +- ${simulator.jitterMs} ms per response, Jikan ${simulator.jikanPerSecond}/s + ${simulator.jikanPerMinute}/min, seed ${simulator.seed}. ` +
      `Tsunagu: ${Object.keys(results.tsunaguEnv).length === 0 ? 'default settings' : `defaults with ${Object.entries(results.tsunaguEnv).map(([k, v]) => `${k}=${v}`).join(', ')}`}, cold SQLite store.`,
    '',
    ...strategyTable(results.rows),
    '',
    ...servingLines(results.serving),
    '',
    ...startupLines(results.startup),
    ...discoveryLines(results.discovery),
    ...bulkLines(results.bulkStore),
    '',
    ...catalogSyncLines(results.catalogSync),
  ];
  const failed = results.rows.filter((r) => r.failures.length > 0);
  if (failed.length > 0) {
    lines.push('Entries that failed:', '');
    for (const r of failed) lines.push(`- ${r.scenario}, ${r.franchise}, ${r.strategy}: ${r.failures.slice(0, 5).join('; ')}${r.failures.length > 5 ? ` (and ${r.failures.length - 5} more)` : ''}`);
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
