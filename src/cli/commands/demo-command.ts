import type { Command } from 'commander';
import { addSimulatorKnobs, type SimulatorKnobFlags } from './simulator-knobs.ts';

export interface DemoFlags extends SimulatorKnobFlags {
  port?: string;
  host?: string;
}

export function registerDemoCommand(program: Command): void {
  const demo = program
    .command('demo')
    .description('run Tsunagu offline: the simulator in place of AniList and Jikan, a fresh database, the API and the web page')
    .option('--port <port>', 'port of the web page and API (default: PORT, 3000)')
    .option('--host <host>', 'address to bind (default: HOST, 127.0.0.1)');
  addSimulatorKnobs(demo).action(async (flags: DemoFlags) => (await import('./demo-action.ts')).runDemo(flags));
}
