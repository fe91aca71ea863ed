import type { Catalog } from '../catalog/catalog.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';

export interface SimulatorOptions {
  /** Address to bind. Default '127.0.0.1'. */
  host?: string;
  /** Port to listen on, 0-65535. Default 0 (ephemeral); the CLI defaults to 4000. */
  port?: number;
  /** Base latency added to every response, ms, 0-600000. Default 0 (the CLI: 300). */
  latencyMs?: number;
  /** Uniform +- jitter around latencyMs, ms, 0-600000. Default 0 (the CLI: 100). */
  jitterMs?: number;
  /** AniList requests accepted per sliding 60 s window (enforced), 1-100000. Default 90. */
  anilistRatePerMinute?: number;
  /**
   * What X-RateLimit-Limit claims, 1-100000. Default: anilistRatePerMinute. Set 90 with 30 enforced
   * to play AniList 2024-2025, whose headers claimed 90 while it enforced 30.
   */
  anilistHeaderLimit?: number;
  /** Retry-After on AniList 429s, seconds, 0-3600. Default: until the window (or storm) frees (real: 30-60). */
  anilistRetryAfterSeconds?: number;
  /**
   * Most results one AniList filter yields, 1-100000. Default 5000 (AniList's cap): pageInfo.total
   * stops there, hasNextPage turns false there, and a page starting past it is refused as too deep.
   */
  anilistResultCap?: number;
  /** Jikan requests per sliding 1 s window, 1-1000. Default 3 (Jikan's published limit). */
  jikanPerSecond?: number;
  /** Jikan requests per sliding 60 s window, 1-100000; held together with jikanPerSecond. Default 60. */
  jikanPerMinute?: number;
  /** Fault spec (see FAULT_GRAMMAR in fault-spec.ts). Default '' (none). */
  faults?: string;
  /** Seeds jitter, fault rolls, id_in shuffles and which entries show content faults. Default 1. */
  seed?: number;
  /** When true, AniList requests without a Referer get AniList's 403 "temporarily disabled" body. Default false. */
  requireReferer?: boolean;
  /**
   * Catalog entries AniList does not have yet at the start, 0-1000000, picked by the seed; an edit
   * (POST /__sim/edit with `publish` or their ids) adds them later. Default 0.
   */
  unpublished?: number;
  /** The data served. Default: loadCatalog(). */
  catalog?: Catalog;
  /** Time source for rate windows, cache headers and latency. Default: systemClock. */
  clock?: Clock;
  /** Request log (debug level). Default: silent. */
  logger?: Logger;
}

/** The knobs configure() may change while the simulator runs. */
export type SimulatorKnobs = Omit<SimulatorOptions, 'host' | 'port' | 'unpublished' | 'catalog' | 'clock' | 'logger'>;

/** Knobs with their defaults applied; header limit and Retry-After stay optional because they follow others. */
export interface ResolvedKnobs {
  latencyMs: number;
  jitterMs: number;
  anilistRatePerMinute: number;
  anilistHeaderLimit: number | undefined;
  anilistRetryAfterSeconds: number | undefined;
  anilistResultCap: number;
  jikanPerSecond: number;
  jikanPerMinute: number;
  faults: string;
  seed: number;
  requireReferer: boolean;
}

export const DEFAULT_KNOBS: ResolvedKnobs = {
  latencyMs: 0,
  jitterMs: 0,
  anilistRatePerMinute: 90,
  anilistHeaderLimit: undefined,
  anilistRetryAfterSeconds: undefined,
  anilistResultCap: 5000,
  jikanPerSecond: 3,
  jikanPerMinute: 60,
  faults: '',
  seed: 1,
  requireReferer: false,
};

export class SimulatorOptionError extends TypeError {
  override name = 'SimulatorOptionError';
}

const describe = (value: unknown) => `\`${String(value)}\` (${typeof value})`;

function number(name: string, value: unknown, min: number, max: number, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new SimulatorOptionError(`Expected \`${name}\` to be a finite ${integer ? 'integer' : 'number'} from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

const RANGES: Record<string, [min: number, max: number, integer: boolean]> = {
  port: [0, 65_535, true],
  latencyMs: [0, 600_000, false],
  jitterMs: [0, 600_000, false],
  anilistRatePerMinute: [1, 100_000, true],
  anilistHeaderLimit: [1, 100_000, true],
  anilistRetryAfterSeconds: [0, 3600, true],
  anilistResultCap: [1, 100_000, true],
  unpublished: [0, 1_000_000, true],
  jikanPerSecond: [1, 1000, true],
  jikanPerMinute: [1, 100_000, true],
  seed: [-(2 ** 31), 2 ** 32 - 1, true],
};

/** Checks every present knob; throws SimulatorOptionError naming the first bad one. */
export function validateKnobs(patch: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const range = RANGES[name];
    if (range) number(name, value, ...range);
    else if (name === 'faults' && typeof value !== 'string') throw new SimulatorOptionError(`Expected \`faults\` to be a string, got ${describe(value)}`);
    else if (name === 'requireReferer' && typeof value !== 'boolean') {
      throw new SimulatorOptionError(`Expected \`requireReferer\` to be a boolean, got ${describe(value)}`);
    } else if (name === 'host' && (typeof value !== 'string' || !value)) {
      throw new SimulatorOptionError(`Expected \`host\` to be a non-empty string, got ${describe(value)}`);
    }
  }
}

/**
 * Applies `patch` over `base`. A knob given as undefined returns to its default (for anilistHeaderLimit
 * and anilistRetryAfterSeconds: following the enforced window again); a knob left out keeps its value.
 */
export function applyKnobs(base: ResolvedKnobs, patch: SimulatorKnobs): ResolvedKnobs {
  validateKnobs(patch as Record<string, unknown>);
  const next = { ...base };
  for (const key of Object.keys(DEFAULT_KNOBS) as (keyof ResolvedKnobs)[]) {
    if (!Object.hasOwn(patch, key)) continue;
    (next as Record<string, unknown>)[key] = patch[key] ?? DEFAULT_KNOBS[key];
  }
  return next;
}
