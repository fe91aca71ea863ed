/**
 * Time to a complete franchise and to full MAL enrichment, through the simulator at a
 * realistic round trip (300 ms +- 100), AniList enforcing 90/min and Jikan 3/s + 60/min,
 * beside the lower bounds: levels x median round trip for discovery, and the earliest
 * Jikan's two windows let the last MAL request go for enrichment. Each run starts from an
 * empty SQLite store. Two client settings: the defaults (AniList 28/min to start, made for
 * the real AniList's degraded 30/min, then what its headers announce; Jikan its published
 * 3/s + 60/min over 1 s and 60 s plus twice UPSTREAM_JITTER_MS) and AniList tuned to these limits.
 * Then it measures whether nesting relations two levels deep in one query pays.
 *
 *   node --import tsx bench/franchise.ts [--only aot|gundam] [--no-nested]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../src/catalog/catalog.ts';
import { walkEntryFromCatalog } from '../src/catalog/catalog-to-domain.ts';
import { loadConfig } from '../src/config/config.ts';
import { defaultPolicy } from '../src/domain/franchise-policy.ts';
import { createFranchiseWalk, walkFranchise } from '../src/domain/franchise-walk.ts';
import type { Relation } from '../src/domain/relation-type.ts';
import { FINAL_STATUSES } from '../src/ingest/progress-event.ts';
import { silentLogger } from '../src/log.ts';
import { createRuntime } from '../src/runtime.ts';
import { windowScheduleMs } from './bounds.ts';
import { startSimProcess } from './sim-process.ts';
import { median } from './strategy-run.ts';

const SIM = { latencyMs: 300, jitterMs: 100, anilistRatePerMinute: 90, jikanPerSecond: 3, jikanPerMinute: 60, seed: 1 };
const FRANCHISES = [
  { key: 'aot', root: 16498, name: 'Attack on Titan' },
  { key: 'gundam', root: 80, name: 'Mobile Suit Gundam' },
];
const PROFILES: { name: string; env: Record<string, string> }[] = [
  { name: 'defaults', env: {} },
  // AniList paced for the 90/min this simulator enforces from the first request. Jikan stays at its defaults.
  { name: 'anilist-90', env: { ANILIST_RATE_PER_MINUTE: '85', ANILIST_BURST: '20' } },
];

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const catalog = await loadCatalog();
const sim = await startSimProcess(SIM);

const seconds = (ms: number) => Number((ms / 1000).toFixed(2));

function expectedFranchise(root: number) {
  return walkFranchise(root, (id) => {
    const entry = catalog.media.get(id);
    return entry ? walkEntryFromCatalog(entry) : undefined;
  });
}

async function ingestRun(franchise: (typeof FRANCHISES)[number], profile: (typeof PROFILES)[number]) {
  const dir = await mkdtemp(join(tmpdir(), 'tsunagu-bench-'));
  await sim.reset();
  const config = loadConfig({ ANILIST_URL: sim.anilistUrl, JIKAN_URL: sim.jikanUrl, DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`, ...profile.env });
  const rtt = { anilist: [] as number[], jikan: [] as number[] };
  const runtime = await createRuntime(config, silentLogger, {
    observer: { onRequest: ({ upstream, status, durationMs }) => status === 200 && rtt[upstream].push(durationMs) },
  });
  try {
    const started = performance.now();
    let discoveredAt = 0;
    const { job } = await runtime.ingest.requestIngest({ query: String(franchise.root) });
    await new Promise<void>((resolve) => {
      void runtime.bus.subscribe(job.id, 0, (event) => {
        if (event.type === 'progress' && event.progress.phase === 'discovery' && event.progress.total > 0 && event.progress.done === event.progress.total && !discoveredAt) {
          discoveredAt = performance.now() - started;
        }
        if (event.type === 'state' && FINAL_STATUSES.has(event.status)) resolve();
      });
    });
    const enrichedAt = performance.now() - started;
    const finished = (await runtime.ingest.getJob(job.id))!;
    const view = (await runtime.ingest.franchiseOf(franchise.root))!;
    const stats = await sim.stats();
    const expected = expectedFranchise(franchise.root);
    const levels = Math.max(...expected.members.values()) + 1;
    const malEntries = view.members.filter((m) => m.idMal !== null).length;
    const anilistRtt = median(rtt.anilist);
    const jikanRtt = median(rtt.jikan);
    return {
      franchise: franchise.name,
      client: profile.name,
      status: finished.status,
      entries: view.franchise.size,
      levels,
      completeFranchiseS: seconds(discoveredAt),
      discoveryBoundS: seconds(levels * anilistRtt),
      fullEnrichmentS: seconds(enrichedAt),
      enrichmentBoundS: seconds(windowScheduleMs(malEntries, SIM.jikanPerSecond, SIM.jikanPerMinute) + jikanRtt),
      // The same at the client's own, lower Jikan pace: what its politeness margin costs.
      enrichmentBoundAtClientRateS: seconds(windowScheduleMs(malEntries, Math.max(1, Math.floor(config.jikanRatePerSecond)), Math.floor(config.jikanRatePerMinute)) + jikanRtt),
      anilistRequests: stats.anilist.requests,
      jikanRequests: stats.jikan.requests,
      malEntries,
      http429: stats.anilist.rateLimited + stats.jikan.rateLimited,
      medianRttMs: { anilist: Math.round(anilistRtt), jikan: Math.round(jikanRtt) },
      failures: finished.failures.length,
    };
  } finally {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// --- Nesting relations two levels deep: each answer also carries every neighbour's full
// record and ITS edges, so one round trip advances the walk two levels.
const FIELDS = `fragment fields on Media {
  id idMal type format status(version: 2) title { romaji english native } synonyms description(asHtml: false)
  startDate { year month day } endDate { year month day } season seasonYear episodes duration source(version: 3)
  genres tags { name rank isMediaSpoiler } averageScore popularity coverImage { extraLarge large color } bannerImage
  studios(isMain: true) { nodes { name } } isAdult updatedAt
}`;
const EDGES = 'edges { id relationType(version: 2) node { id idMal type format status(version: 2) } }';
const NESTED = `query Nested($ids: [Int]) { Page(page: 1, perPage: 50) { media(id_in: $ids, type: ANIME) {
  ...fields relations { edges { id relationType(version: 2) node { ...fields relations { ${EDGES} } } } } } } }
${FIELDS}`;
const FLAT = `query Flat($ids: [Int]) { Page(page: 1, perPage: 50) { media(id_in: $ids, type: ANIME) { ...fields relations { ${EDGES} } } } }
${FIELDS}`;

interface RawMedia {
  id: number;
  type: string;
  relations: { edges: { relationType: string; node: RawMedia }[] };
}

function edgesOf(media: RawMedia): Relation[] {
  return media.relations.edges.filter((e) => e.node.type === 'ANIME').map((e) => ({ from: media.id, to: e.node.id, type: e.relationType, source: 'anilist' }));
}

/** Discovery with raw queries, level by level (so round trips are counted cleanly). */
async function rawDiscovery(root: number, nested: boolean) {
  const walk = createFranchiseWalk(root, defaultPolicy);
  let requests = 0;
  let bytes = 0;
  let rounds = 0;
  const started = performance.now();
  for (let frontier = walk.pending(); frontier.length > 0; frontier = walk.pending()) {
    rounds++;
    const batches: number[][] = [];
    for (let i = 0; i < frontier.length; i += 50) batches.push(frontier.slice(i, i + 50));
    const answers = await Promise.all(
      batches.map(async (ids) => {
        requests++;
        const response = await fetch(sim.anilistUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ query: nested ? NESTED : FLAT, variables: { ids } }),
        });
        const text = await response.text();
        bytes += text.length;
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
        return { ids, media: (JSON.parse(text) as { data: { Page: { media: RawMedia[] } } }).data.Page.media };
      }),
    );
    const visits: [number, Relation[] | undefined][] = [];
    for (const { ids, media } of answers) {
      const seen = new Set(media.map((m) => m.id));
      for (const m of media) {
        visits.push([m.id, edgesOf(m)]);
        // A neighbour's record came with its own edges: it is walked without being fetched.
        if (nested) for (const e of m.relations.edges) if (e.node.type === 'ANIME') visits.push([e.node.id, edgesOf(e.node)]);
      }
      for (const id of ids) if (!seen.has(id)) visits.push([id, undefined]);
    }
    walk.visitAll(visits);
  }
  return { members: walk.members().size, rounds, requests, kB: Math.round(bytes / 1024), ms: Math.round(performance.now() - started) };
}

const rows = [];
for (const franchise of FRANCHISES.filter((f) => !only || f.key === only)) {
  for (const profile of PROFILES) {
    process.stderr.write(`ingesting ${franchise.name} with ${profile.name} client settings...\n`);
    rows.push(await ingestRun(franchise, profile));
  }
}
console.table(rows.map(({ medianRttMs, ...row }) => ({ ...row, rttMs: `${medianRttMs.anilist}/${medianRttMs.jikan}` })));

const nestedRows = [];
if (!args.includes('--no-nested')) {
  for (const franchise of FRANCHISES.filter((f) => !only || f.key === only)) {
    for (const nested of [false, true]) {
      await sim.reset();
      process.stderr.write(`raw ${nested ? 'nested' : 'flat'} discovery of ${franchise.name}...\n`);
      nestedRows.push({ franchise: franchise.name, query: nested ? 'relations 2 levels deep' : 'one level (as shipped)', ...(await rawDiscovery(franchise.root, nested)) });
    }
  }
  console.table(nestedRows);
}
sim.close();
console.log(JSON.stringify({ bench: 'franchise', simulator: SIM, rows, nested: nestedRows }));
