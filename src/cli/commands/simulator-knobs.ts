import type { Command } from 'commander';

/** The simulator's knobs, as every command that starts it (`sim`, `demo`) takes them. */
export interface SimulatorKnobFlags {
  latency: string;
  jitter: string;
  faults: string;
  seed: string;
}

/** Adds the simulator's knobs (latency, jitter, faults, seed) to `command`. */
export function addSimulatorKnobs(command: Command): Command {
  return command
    .option('--latency <ms>', 'base latency of every simulated response, ms', '300')
    .option('--jitter <ms>', 'uniform +- jitter around the latency, ms', '100')
    .option('--faults <spec>', 'simulator fault injection, e.g. 500=0.05,script=1 (the grammar: `tsunagu sim --help`)', '')
    .option('--seed <n>', "seed for the simulator's jitter, faults and shuffles", '1');
}
