import type { Command } from 'commander';
import { FAULT_GRAMMAR } from '../../sim/fault-spec.ts';
import { addSimulatorKnobs, type SimulatorKnobFlags } from './simulator-knobs.ts';

export interface SimFlags extends SimulatorKnobFlags {
  port: string;
  host: string;
  anilistRate: string;
  anilistHeaderLimit?: string;
  anilistRetryAfter?: string;
  anilistResultCap: string;
  unpublished: string;
  jikanRate: string;
  requireReferer?: boolean;
}

/**
 * What the simulator models and refuses, for `sim --help`. Rendering it needs the AniList
 * schema (graphql and the simulator's tables), which no other command should load, and
 * commander's help text is synchronous: so it is loaded just before `sim` runs or shows
 * its help (also `tsunagu help sim`).
 */
let contractText = '';

async function loadContractText(): Promise<string> {
  const [{ loadAnilistSchema }, { renderContract, simulatorContract }] = await Promise.all([
    import('../../sim/anilist/anilist-schema.ts'),
    import('../../sim/sim-contract.ts'),
  ]);
  return renderContract(simulatorContract(loadAnilistSchema()));
}

export function registerSimCommand(program: Command): void {
  program.hook('preSubcommand', async (_program, command) => {
    if (command.name() === 'sim') contractText = await loadContractText();
  });
  const sim = program
    .command('sim')
    .description('run the AniList + Jikan simulator: the offline catalog behind both APIs, with their limits, errors and faults')
    .option('--port <port>', 'port to listen on (0: any free port)', '4000')
    .option('--host <host>', 'address to bind', '127.0.0.1');
  addSimulatorKnobs(sim)
    .option('--anilist-rate <n>', 'AniList requests per sliding minute, enforced with 429s', '90')
    .option('--anilist-header-limit <n>', 'what X-RateLimit-Limit claims (default: the enforced rate)')
    .option('--anilist-retry-after <s>', 'Retry-After on AniList 429s, seconds (default: until the window frees)')
    .option('--anilist-result-cap <n>', 'most results one AniList filter yields (pageInfo.total stops there; deeper pages are refused)', '5000')
    .option('--unpublished <n>', 'catalog entries AniList does not have yet at the start (POST /__sim/edit publishes them)', '0')
    .option('--jikan-rate <rates>', "Jikan's two limits, both enforced", '3/s,60/min')
    .option('--require-referer', 'answer AniList requests without a Referer with the 403 "temporarily disabled" body')
    .addHelpText('after', `\nFault spec (--faults): ${FAULT_GRAMMAR}\n\nExample: tsunagu sim --anilist-rate 30 --anilist-header-limit 90 --faults 500=0.05,storm=0.01:20\n\nCatalog changes (see docs/simulator.md): POST /__sim/edit {"ids":[..]} | {"count":N} | {"publish":N}; POST /__sim/remove {"ids":[..]} | {"count":N}; POST /__sim/restore {} | {"ids":[..]}`)
    .addHelpText('after', () => `\n${contractText}`)
    .action(async (flags: SimFlags) => (await import('./sim-action.ts')).runSimulator(flags));
}
