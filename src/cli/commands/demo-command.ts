import type { Command } from 'commander';

export interface DemoFlags {
  port?: string;
  host?: string;
  latency: string;
  jitter: string;
  faults: string;
  seed: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run Tsunagu offline: the simulator in place of AniList and Jikan, a fresh database, the API and the web page')
    .option('--port <port>', 'port of the web page and API (default: PORT, 3000)')
    .option('--host <host>', 'address to bind (default: HOST, 127.0.0.1)')
    .option('--latency <ms>', "the simulated services' latency, ms", '300')
    .option('--jitter <ms>', 'uniform +- jitter around the latency, ms', '100')
    .option('--faults <spec>', 'simulator fault injection (see `tsunagu sim --help`), e.g. 500=0.05,script=1', '')
    .option('--seed <n>', 'simulator seed', '1')
    .action(async (flags: DemoFlags) => (await import('./demo-action.ts')).runDemo(flags));
}
