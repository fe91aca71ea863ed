/**
 * Runs one strategy against one franchise and reduces what it did to a StrategyRun.
 * `runStrategyInChild` does it in a fresh Node process, so peak memory is that run's own
 * and nothing (module caches, warm connections, the simulator) carries over between runs.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPolicy } from '../src/domain/franchise-policy.ts';
import type { FranchiseMember } from '../src/ingest/franchise-view.ts';
import { readFranchise } from '../src/ingest/franchise-reader.ts';
import { createStore } from '../src/store/store.ts';
import { runSeedStrategy } from './seed-strategy.ts';
import { CompletionClock, median, peakRssMb, type StrategyInput, type StrategyRun } from './strategy-run.ts';
import { runTsunaguStrategy } from './tsunagu-strategy.ts';

/** Runs the strategy in this process (the child calls this). */
export async function runStrategy(input: Omit<StrategyInput, 'databaseUrl'>): Promise<StrategyRun> {
  const dir = await mkdtemp(join(tmpdir(), `tsunagu-bench-${input.strategy}-`));
  const databaseUrl = `sqlite:${join(dir, 'bench.sqlite')}`;
  try {
    return input.strategy === 'seed' ? await seedRun({ ...input, databaseUrl }) : await tsunaguRun({ ...input, databaseUrl });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function seedRun(input: StrategyInput): Promise<StrategyRun> {
  const store = await createStore(input.databaseUrl, { migrate: true });
  try {
    const clock = new CompletionClock(input.expected);
    const outcome = await runSeedStrategy({
      anilistUrl: input.anilistUrl,
      jikanUrl: input.jikanUrl,
      store,
      rootId: input.rootId,
      onStored: (id) => clock.stored([id]),
    });
    const fullEnrichmentMs = clock.elapsed();
    const view = await readFranchise(store, input.rootId, { policy: defaultPolicy, now: Date.now() });
    return summarise(input, clock.complete(), fullEnrichmentMs, view?.members ?? [], outcome);
  } finally {
    await store.close();
  }
}

async function tsunaguRun(input: StrategyInput): Promise<StrategyRun> {
  const clock = new CompletionClock(input.expected);
  const outcome = await runTsunaguStrategy({
    anilistUrl: input.anilistUrl,
    jikanUrl: input.jikanUrl,
    databaseUrl: input.databaseUrl,
    rootId: input.rootId,
    env: input.env,
    onStored: (ids, at) => clock.stored(ids, at),
  });
  const fullEnrichmentMs = clock.elapsed();
  const failures = outcome.status === 'succeeded' ? outcome.failures : [`job ${outcome.status}`, ...outcome.failures];
  return summarise(input, clock.complete(), fullEnrichmentMs, outcome.view?.members ?? [], { ...outcome, failures });
}

function summarise(
  input: StrategyInput,
  completeFranchiseMs: number | null,
  fullEnrichmentMs: number,
  members: FranchiseMember[],
  outcome: { requests: StrategyRun['clientRequests']; rateLimited: StrategyRun['client429']; roundTrips: { anilist: number[]; jikan: number[] }; failures: string[] },
): StrategyRun {
  const withMal = members.filter((m) => m.idMal !== null);
  return {
    strategy: input.strategy,
    rootId: input.rootId,
    completeFranchiseMs,
    fullEnrichmentMs,
    members: members.map((m) => m.id).sort((a, b) => a - b),
    malEntries: withMal.length,
    malStored: withMal.filter((m) => m.malStatus === 'ok' || m.malStatus === 'missing').length,
    clientRequests: outcome.requests,
    client429: outcome.rateLimited,
    medianRttMs: { anilist: Math.round(median(outcome.roundTrips.anilist)), jikan: Math.round(median(outcome.roundTrips.jikan)) },
    failures: outcome.failures,
    peakRssMb: peakRssMb(),
  };
}

const CHILD = fileURLToPath(new URL('./strategy-child.ts', import.meta.url));
/** The child prints its result on one line after this marker; anything else it prints is passed through. */
export const RESULT_MARKER = 'STRATEGY_RUN ';

export class StrategyProcessError extends Error {
  override name = 'StrategyProcessError';
}

/** Runs the strategy in a fresh `node --import tsx` process and returns its StrategyRun. */
export function runStrategyInChild(input: Omit<StrategyInput, 'databaseUrl'>): Promise<StrategyRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) {
        reject(new StrategyProcessError(`${input.strategy} run of ${input.rootId} exited with ${code}: ${out.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as StrategyRun);
    });
    child.stdin.end(JSON.stringify(input));
  });
}
