import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DiscoveryResult } from './franchise-discovery.ts';
import type { EnrichmentResult } from './franchise-enrichment.ts';
import type { EntryFailure } from './franchise-view.ts';
import { ingestOutcome, type IngestFacts } from './ingest-outcome.ts';

const ROOT = 16498;
const anilistFailure: EntryFailure = { id: 20958, upstream: 'anilist', status: 500, message: 'AniList answered 500' };
const jikanFailure: EntryFailure = { id: 99147, idMal: 35760, upstream: 'jikan', status: 503, message: 'Jikan answered 503' };

function discovery(fields: Partial<DiscoveryResult> = {}): DiscoveryResult {
  return {
    rootId: ROOT, rootFound: true, members: new Map([[ROOT, 0], [20958, 1], [99147, 2]]), truncated: false, bridges: [],
    failures: [], fetched: 3, reused: 0, batches: 1, cancelled: false, ...fields,
  };
}

function enrichment(fields: Partial<EnrichmentResult> = {}): EnrichmentResult {
  return { enriched: 3, missing: 0, malRelations: 4, failures: [], cancelled: false, ...fields };
}

function facts(fields: Partial<IngestFacts> = {}): IngestFacts {
  return { rootId: ROOT, discovery: discovery(), enriched: enrichment(), rootStored: true, tally: { anilist: 1, jikan: 6 }, durationMs: 900, discoveryMs: 300, ...fields };
}

test('the status of a finished ingest job, case by case', () => {
  const cases: [string, Partial<IngestFacts>, string][] = [
    ['everything stored', {}, 'succeeded'],
    ['no enrichment asked for', { enriched: null }, 'succeeded'],
    ['one AniList entry failed', { discovery: discovery({ failures: [anilistFailure] }) }, 'partial'],
    ['one Jikan entry failed', { enriched: enrichment({ failures: [jikanFailure] }) }, 'partial'],
    ['AniList has no such root', { discovery: discovery({ rootFound: false, members: new Map(), fetched: 0 }), rootStored: false }, 'failed'],
    ['the root could not be stored', { rootStored: false }, 'failed'],
    ['every call failed: nothing fetched, nothing enriched', { discovery: discovery({ fetched: 0, failures: [anilistFailure] }), enriched: enrichment({ enriched: 0, failures: [jikanFailure] }) }, 'failed'],
    ['nothing fetched from AniList, but Jikan answered (fresh store)', { discovery: discovery({ fetched: 0 }), enriched: enrichment({ enriched: 1, failures: [jikanFailure] }) }, 'partial'],
    ['a 404 from Jikan is an answer', { discovery: discovery({ fetched: 0, failures: [anilistFailure] }), enriched: enrichment({ enriched: 0, missing: 1 }) }, 'partial'],
    ['cancelled in discovery, even with failures', { discovery: discovery({ cancelled: true, failures: [anilistFailure] }) }, 'cancelled'],
    ['cancelled in enrichment', { enriched: enrichment({ cancelled: true }) }, 'cancelled'],
  ];
  for (const [name, given, status] of cases) assert.equal(ingestOutcome(facts(given)).status, status, name);
});

test('a root AniList does not know is the first failure, in the outcome and in the stats', () => {
  const outcome = ingestOutcome(facts({ discovery: discovery({ rootFound: false, failures: [anilistFailure] }), enriched: enrichment({ failures: [jikanFailure] }) }));
  const rootMissing = { id: ROOT, upstream: 'anilist', status: 404, message: 'AniList has no anime with this id' };
  assert.deepEqual(outcome.failures, [rootMissing, anilistFailure, jikanFailure]);
  assert.deepEqual(outcome.result.stats.failures, outcome.failures);
});

test('the stored result: size, truncation, phase times and this job\'s own requests', () => {
  const { result } = ingestOutcome(facts({ discovery: discovery({ truncated: true }) }));
  assert.deepEqual(result, {
    franchiseId: ROOT,
    size: 3,
    truncated: true,
    stats: { durationMs: 900, discoveryMs: 300, enrichmentMs: 600, upstreamRequests: { anilist: 1, jikan: 6 }, failures: [] },
  });
  assert.equal(ingestOutcome(facts({ enriched: null })).result.stats.enrichmentMs, 0, 'no enrichment, no enrichment time');
});
