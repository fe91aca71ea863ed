import { loadConfig } from '../../config/config.ts';
import { createLogger } from '../../log.ts';
import { FaultSpecError, parseFaultSpec } from '../../sim/fault-spec.ts';
import { startSimulator } from '../../sim/simulator.ts';
import { CliError } from '../cli-error.ts';
import { untilStopSignal } from '../until-stop-signal.ts';
import type { SimFlags } from './sim-command.ts';

function numberFlag(flag: string, text: string, min: number, max: number, integer = true): number {
  const value = Number(text);
  if (!/^-?\d+(\.\d+)?$/.test(text.trim()) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new CliError(`--${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function hostFlag(text: string): string {
  if (!text.trim()) throw new CliError('--host must not be empty');
  return text.trim();
}

/** `3/s,60/min` (either part may be left out) into Jikan's two limits. */
function jikanRate(text: string): { jikanPerSecond?: number; jikanPerMinute?: number } {
  const rate: { jikanPerSecond?: number; jikanPerMinute?: number } = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(\d+)\/(s|min)$/.exec(part);
    if (!match) throw new CliError(`--jikan-rate must look like 3/s,60/min, got "${text}"`);
    if (match[2] === 's') rate.jikanPerSecond = numberFlag('jikan-rate (per second)', match[1], 1, 1000);
    else rate.jikanPerMinute = numberFlag('jikan-rate (per minute)', match[1], 1, 100_000);
  }
  if (rate.jikanPerSecond === undefined && rate.jikanPerMinute === undefined) throw new CliError(`--jikan-rate must look like 3/s,60/min, got "${text}"`);
  return rate;
}

/** `tsunagu sim`: checks every flag, starts the simulator, prints where it is, and runs until Ctrl-C. */
export async function runSimulator(flags: SimFlags): Promise<void> {
  const options = {
    port: numberFlag('port', flags.port, 0, 65_535),
    host: hostFlag(flags.host),
    latencyMs: numberFlag('latency', flags.latency, 0, 600_000, false),
    jitterMs: numberFlag('jitter', flags.jitter, 0, 600_000, false),
    anilistRatePerMinute: numberFlag('anilist-rate', flags.anilistRate, 1, 100_000),
    anilistHeaderLimit: flags.anilistHeaderLimit === undefined ? undefined : numberFlag('anilist-header-limit', flags.anilistHeaderLimit, 1, 100_000),
    anilistRetryAfterSeconds: flags.anilistRetryAfter === undefined ? undefined : numberFlag('anilist-retry-after', flags.anilistRetryAfter, 0, 3600),
    anilistResultCap: numberFlag('anilist-result-cap', flags.anilistResultCap, 1, 100_000),
    unpublished: numberFlag('unpublished', flags.unpublished, 0, 1_000_000),
    ...jikanRate(flags.jikanRate),
    faults: flags.faults,
    seed: numberFlag('seed', flags.seed, -(2 ** 31), 2 ** 32 - 1),
    requireReferer: flags.requireReferer ?? false,
  };
  try {
    parseFaultSpec(options.faults);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new CliError(`--faults: ${error.message}`);
    throw error;
  }
  const logger = createLogger(loadConfig().logLevel, { name: 'sim' });
  let sim;
  try {
    sim = await startSimulator({ ...options, logger });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new CliError(`--port/--host: cannot listen on ${options.host}:${options.port} (${code})`);
    }
    throw error;
  }
  const headerLimit = options.anilistHeaderLimit ?? options.anilistRatePerMinute;
  process.stdout.write(
    `tsunagu sim listening on ${sim.url}\n` +
      `  AniList  POST ${sim.anilistUrl}  (${options.anilistRatePerMinute}/min enforced, X-RateLimit-Limit ${headerLimit})\n` +
      `  Jikan    GET  ${sim.jikanUrl}  (${options.jikanPerSecond ?? 3}/s and ${options.jikanPerMinute ?? 60}/min)\n` +
      `  contract GET  ${sim.url}/__sim/capabilities (what is modelled and what is refused; also tsunagu sim --help)\n` +
      `  stats    GET  ${sim.url}/__sim/stats   (reset: POST ${sim.url}/__sim/reset)\n` +
      `  catalog  GET  ${sim.url}/__sim/catalog (change it: POST /__sim/edit, /__sim/remove, /__sim/restore, /__sim/catalog/reset)\n` +
      `  covers   GET  ${sim.url}/file/anilistcdn/media/anime/cover/{large,medium,small}/bx<id>.png, /images/anime/<mal_id>[t|l].png\n` +
      `  results per filter at most ${options.anilistResultCap}, ${options.unpublished} entries not yet published\n` +
      `  latency ${options.latencyMs} +- ${options.jitterMs} ms, faults: ${options.faults || 'none'}, seed ${options.seed}\n` +
      `Point clients at it:\n` +
      `ANILIST_URL=${sim.anilistUrl}\n` +
      `JIKAN_URL=${sim.jikanUrl}\n`,
  );
  await untilStopSignal();
  await sim.close();
  logger.info({ stats: sim.stats() }, 'simulator stopped');
}
