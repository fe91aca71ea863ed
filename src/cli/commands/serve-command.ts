import type { Command } from 'commander';

export interface ServeFlags {
  port?: string;
  host?: string;
  /** Commander's `--no-worker`: false when given. */
  worker: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API and the web page, and run ingest jobs (unless --no-worker)')
    .option('--port <port>', 'port to listen on, 0-65535 (default: PORT, 3000)')
    .option('--host <host>', 'address to bind (default: HOST, 127.0.0.1)')
    .option('--no-worker', 'only serve: leave ingest jobs to `tsunagu worker` processes')
    .action(async (flags: ServeFlags) => (await import('./serve-action.ts')).serve(flags));
}
