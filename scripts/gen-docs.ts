/**
 * `npm run docs`: rewrites the parts of README.md, CONTRIBUTING.md and docs/*.md that restate
 * another source, so that they cannot drift from it:
 *
 *   options       the options table, from the table in src/config/config.ts
 *   bench-*       benchmark figures, from bench/results/latest.json (what `npm run bench` wrote)
 *
 * A generated part sits between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`;
 * everything outside the markers is left alone.
 *
 *   npm run docs               rewrite every generated part
 *   npm run docs -- --check    change nothing; exit 1 naming each part that is out of date
 *
 * After adding an option or re-running `npm run bench`, run `npm run docs` and commit.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { BenchResults, BenchRow } from '../bench/bench-results.ts';
import { bulkLines, catalogSyncLines, discoveryLines, renderMarkdown, servingLines, startupLines, strategyTable } from '../bench/report.ts';
import { walkEntryFromCatalog } from '../src/catalog/catalog-to-domain.ts';
import { loadCatalog } from '../src/catalog/catalog.ts';
import { options, type OptionSpec } from '../src/config/config.ts';
import { walkFranchise } from '../src/domain/franchise-walk.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_RESULTS = join(ROOT, 'bench', 'results', 'latest.json');

/** The files that may hold generated parts. */
export async function documentFiles(root = ROOT): Promise<string[]> {
  const docs = (await readdir(join(root, 'docs'), { recursive: true }))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(root, 'docs', name));
  return [join(root, 'README.md'), join(root, 'CONTRIBUTING.md'), ...docs.sort()];
}

// ---- options ----------------------------------------------------------------------------

/** The values an option accepts when its schema is a fixed list (log levels, true/false). */
function allowedValues(schema: z.ZodType): readonly string[] | undefined {
  if (schema instanceof z.ZodOptional) return allowedValues(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodEnum) return schema.options.map(String);
  if (schema instanceof z.ZodPipe) return allowedValues(schema.in as z.ZodType);
  return undefined;
}

/** What an option's unit / range column says: its `unit`, else the values it accepts. */
export function unitOf(spec: OptionSpec): string | undefined {
  return spec.unit ?? allowedValues(spec.schema)?.join(', ');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

export function renderOptions(specs: readonly OptionSpec[] = Object.values(options)): string {
  const lines = ['| variable | default | unit / range | meaning |', '|---|---|---|---|'];
  for (const spec of specs) {
    const fallback = spec.default === undefined ? 'unset' : spec.default === '' ? 'empty' : `\`${cell(spec.default)}\``;
    lines.push(`| \`${spec.env}\` | ${fallback} | ${cell(unitOf(spec) ?? '-')} | ${cell(spec.description)} |`);
  }
  return lines.join('\n');
}

// ---- benchmarks -------------------------------------------------------------------------

export async function readBenchResults(path = BENCH_RESULTS): Promise<BenchResults> {
  return JSON.parse(await readFile(path, 'utf8')) as BenchResults;
}

/** Members each benchmarked franchise has under today's walk, where that differs from the run's. */
export async function membershipChanges(results: BenchResults): Promise<{ franchise: string; then: number; now: number }[]> {
  const catalog = await loadCatalog({ anilistOnly: true });
  const seen = new Map<number, BenchRow>();
  for (const row of results.rows) seen.set(row.rootId, row);
  const changes = [];
  for (const row of seen.values()) {
    const now = walkFranchise(row.rootId, (id) => {
      const entry = catalog.media.get(id);
      return entry ? walkEntryFromCatalog(entry) : undefined;
    }).members.size;
    if (now !== row.size) changes.push({ franchise: row.franchise, then: row.size, now });
  }
  return changes;
}

function provenance(results: BenchResults): string {
  const { machine } = results;
  return (
    `Measured by \`${results.command}\` on ${results.startedAt.slice(0, 10)} (Node ${machine.node}, ${machine.cpus} x ${machine.cpuModel}, ` +
    `load average ${machine.loadAverage.start}-${machine.loadAverage.end}: a shared machine, so absolute times run slow).`
  );
}

function staleNote(changes: { franchise: string; then: number; now: number }[]): string[] {
  if (changes.length === 0) return [];
  const list = changes.map((c) => `${c.franchise} ${c.now} (${c.then} when measured)`).join(', ');
  return [
    '',
    `These runs predate the current franchise rules, under which the walk gives ${list} members; ` +
      '`npm run bench`, then `npm run docs`, measures them again.',
  ];
}

const seconds = (value: number | null) => (value === null ? 'never' : `${value.toFixed(1)} s`);
const times = (value: number | null) => (value === null ? '-' : `${value.toFixed(1)}x`);

/** The README's table: per scenario and franchise, Tsunagu against the seed's strategy. */
export function renderBenchSummary(results: BenchResults, changes: { franchise: string; then: number; now: number }[]): string {
  const lines = [
    '| AniList limit | Franchise (members) | Complete franchise: Tsunagu (x bound) / seed | Full enrichment: Tsunagu (x bound) / seed | AniList requests Tsunagu / seed | 429s Tsunagu / seed |',
    '|---|---|--:|--:|--:|--:|',
  ];
  for (const row of results.rows.filter((r) => r.strategy === 'tsunagu')) {
    const seed = results.rows.find((r) => r.strategy === 'seed' && r.scenario === row.scenario && r.rootId === row.rootId);
    const http429 = (r: BenchRow) => r.http429.anilist + r.http429.jikan;
    lines.push(
      `| ${row.anilistPerMinute}/min | ${row.franchise} (${row.size}) ` +
        `| ${seconds(row.completeFranchiseS)} (${times(row.completeVsBound)}) / ${seed ? seconds(seed.completeFranchiseS) : '-'} ` +
        `| ${seconds(row.fullEnrichmentS)} (${times(row.enrichmentVsBound)}) / ${seed ? seconds(seed.fullEnrichmentS) : '-'} ` +
        `| ${row.requests.anilist} / ${seed?.requests.anilist ?? '-'} | ${http429(row)} / ${seed ? http429(seed) : '-'} |`,
    );
  }
  const extras: string[] = [];
  if (!('skipped' in results.serving)) {
    const s = results.serving;
    const revalidated = s.reads ? `, ${s.reads.notModified.requestsPerSecond} answering 304 to If-None-Match, ${s.reads.br.requestsPerSecond} as br` : '';
    extras.push(`serving \`GET ${s.path}\` ${s.requestsPerSecond} requests/s as plain JSON (p99 ${s.p99Ms} ms)${revalidated} beside \`GET /healthz\` ${s.healthz.requestsPerSecond} requests/s on the same server`);
  }
  const bulk = results.bulkStore.flatMap((b) => ('skipped' in b ? [] : [`${b.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ${b.rowsPerSecond} rows/s`]));
  if (bulk.length > 0) extras.push(`bulk store ${bulk.join(', ')}`);
  const synced = results.catalogSync?.results.flatMap((r) => ('skipped' in r ? [] : [r])) ?? [];
  for (const r of synced) {
    extras.push(`\`tsunagu sync\` of ${r.entries.toLocaleString('en')} entries on ${r.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'} in ${r.requests} AniList requests (minimal ${r.minimalRequests}) and ${r.seconds.toFixed(0)} s (rate bound ${r.rateBoundS.toFixed(0)} s), killed once and resumed`);
  }
  const nested = results.discovery && !('skipped' in results.discovery) ? results.discovery.find((d) => d.rootId === 80 && d.depth === 2) : undefined;
  if (nested) extras.push(`Gundam discovered in ${nested.roundTrips} round trips and ${nested.discoveryS.toFixed(2)} s against a ${nested.levelBoundS.toFixed(1)} s level bound`);
  if (results.startup && !('skipped' in results.startup)) {
    extras.push(`\`tsunagu --help\` in ${results.startup.helpMs.dist} ms (bare node: ${results.startup.bareNodeMs} ms)`);
  }
  return [
    ...lines,
    '',
    `${provenance(results)}${extras.length > 0 ? ` Also: ${extras.join('; ')}.` : ''}`,
    ...staleNote(changes),
  ].join('\n');
}

/** What serve-bench measured beside the table: the read without HTTP, and the payload. */
function servingDetail(serving: BenchResults['serving']): string[] {
  if ('skipped' in serving) return [];
  const detail = serving.detail as
    | { franchise?: { members: number; relations: number; jsonKiB: number; gzipKiB?: number; brKiB?: number }; inProcessMs?: { getFranchise: number; stringify: number } }
    | undefined;
  const parts: string[] = [];
  if (detail?.franchise) {
    const f = detail.franchise;
    const packed = f.gzipKiB !== undefined && f.brKiB !== undefined ? ` (${f.gzipKiB} KiB gzip, ${f.brKiB} KiB br)` : '';
    parts.push(`The franchise read answered ${f.members} members and ${f.relations} relations, ${f.jsonKiB} KiB of JSON${packed}, from the read cache (docs/read-cache.md): computed once per data version.`);
  }
  if (detail?.inProcessMs) parts.push(`In process, without HTTP or the cache, the read itself takes ${detail.inProcessMs.getFranchise} ms and JSON.stringify ${detail.inProcessMs.stringify} ms.`);
  return parts.length > 0 ? ['', parts.join(' ')] : [];
}

/** CPU time and re-ingest beside the wall time: on a shared machine CPU time is the steadier figure. */
function bulkDetail(bulk: BenchResults['bulkStore']): string[] {
  const lines: string[] = [];
  for (const b of bulk) {
    if ('skipped' in b) continue;
    const d = b.detail as { clientCpuSeconds?: number; reingestSeconds?: number; reingestWritten?: number } | undefined;
    if (d?.clientCpuSeconds === undefined || d.reingestSeconds === undefined) continue;
    lines.push(`- ${b.database}: ${d.clientCpuSeconds} s of client CPU for ${b.seconds} s of wall time; storing the same catalog again took ${d.reingestSeconds} s and wrote ${d.reingestWritten ?? '?'} rows.`);
  }
  return lines.length > 0 ? ['', ...lines] : [];
}

// ---- markers ----------------------------------------------------------------------------

export type Sections = Record<string, string>;

export async function renderSections(results?: BenchResults): Promise<Sections> {
  const bench = results ?? (await readBenchResults());
  const changes = await membershipChanges(bench);
  return {
    options: renderOptions(),
    'bench-summary': renderBenchSummary(bench, changes),
    'bench-ingest': [renderMarkdown(bench).split('\n')[0]!, '', ...strategyTable(bench.rows), ...staleNote(changes)].join('\n'),
    'bench-serving': [...servingLines(bench.serving), ...servingDetail(bench.serving)].join('\n'),
    'bench-startup': startupLines(bench.startup).join('\n').trimEnd(),
    'bench-discovery': discoveryLines(bench.discovery).join('\n').trimEnd(),
    'bench-catalog-sync': catalogSyncLines(bench.catalogSync).join('\n').trimEnd(),
    'bench-bulk': [...bulkLines(bench.bulkStore), ...bulkDetail(bench.bulkStore)].join('\n'),
  };
}

const MARKER = /<!-- generated:([a-z0-9-]+)[^>]*-->\n[\s\S]*?<!-- \/generated:\1 -->/g;

/** `text` with every generated part replaced; `unknown` names markers no section fills. */
export function fillSections(text: string, sections: Sections): { text: string; filled: string[]; unknown: string[] } {
  const filled: string[] = [];
  const unknown: string[] = [];
  const out = text.replace(MARKER, (whole, name: string) => {
    const body = sections[name];
    if (body === undefined) {
      unknown.push(name);
      return whole;
    }
    filled.push(name);
    const open = whole.slice(0, whole.indexOf('\n') + 1);
    return `${open}${body}\n<!-- /generated:${name} -->`;
  });
  return { text: out, filled, unknown };
}

export interface DocsReport {
  /** `file: section` of every generated part whose text differs from its source. */
  stale: string[];
  unknown: string[];
  filled: number;
}

/** Fills every generated part; writes the files unless `check`. */
export async function generateDocs(options: { check: boolean; root?: string; sections?: Sections }): Promise<DocsReport> {
  const root = options.root ?? ROOT;
  const sections = options.sections ?? (await renderSections());
  const report: DocsReport = { stale: [], unknown: [], filled: 0 };
  for (const file of await documentFiles(root)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const name = relative(root, file);
    const result = fillSections(text, sections);
    report.filled += result.filled.length;
    report.unknown.push(...result.unknown.map((s) => `${name}: ${s}`));
    if (result.text === text) continue;
    for (const section of new Set(result.filled)) {
      const alone = fillSections(text, { [section]: sections[section]! });
      if (alone.text !== text) report.stale.push(`${name}: ${section}`);
    }
    if (!options.check) await writeFile(file, result.text);
  }
  return report;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const check = process.argv.includes('--check');
  const report = await generateDocs({ check });
  for (const u of report.unknown) process.stderr.write(`gen-docs: no source for the generated part ${u}\n`);
  if (check && report.stale.length > 0) {
    process.stderr.write(`gen-docs: out of date (run \`npm run docs\`):\n${report.stale.map((s) => `  ${s}\n`).join('')}`);
    process.exitCode = 1;
  } else if (report.unknown.length > 0) {
    process.exitCode = 1;
  } else {
    process.stdout.write(`${check ? 'checked' : 'wrote'} ${report.filled} generated parts${!check && report.stale.length ? `; updated: ${report.stale.join(', ')}` : ''}\n`);
  }
}
