import { systemClock, type Clock } from '../../src/clock.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { silentLogger } from '../../src/log.ts';
import type { RunningSimulator } from '../../src/sim/simulator.ts';
import { MemoryRateGate } from '../../src/upstream/gate/memory-rate-gate.ts';
import type { RateGateOptions } from '../../src/upstream/gate/rate-gate.ts';
import { createUpstreams, type UpstreamDeps, type Upstreams } from '../../src/upstream/upstreams.ts';

/** A gate that never holds a test back, for tests about mapping and errors rather than pacing. */
export const ROOMY_GATE: RateGateOptions = {
  windows: [{ limit: 100_000, windowMs: 1_000 }],
  maxInFlight: 8,
  rateLimitBackoff: { initialMs: 50, maxMs: 500 },
  guardMs: 0,
};

/** Upstream clients pointed at a running simulator, with roomy gates unless `deps.gates` says otherwise. */
export function simUpstreams(
  sim: RunningSimulator,
  overrides: Parameters<typeof loadConfig>[1] = {},
  deps: Partial<UpstreamDeps> & { clock?: Clock } = {},
): Upstreams & { config: Config } {
  const clock = deps.clock ?? systemClock;
  const config = loadConfig({}, { anilistUrl: sim.anilistUrl, jikanUrl: sim.jikanUrl, upstreamBackoffMs: 10, ...overrides });
  const upstreams = createUpstreams(config, {
    logger: silentLogger,
    ...deps,
    clock,
    gates: { anilist: new MemoryRateGate(ROOMY_GATE, clock), jikan: new MemoryRateGate(ROOMY_GATE, clock), ...deps.gates },
  });
  return { ...upstreams, config };
}
