import type { Command } from 'commander';

export interface WorkerFlags {
  concurrency?: string;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run ingest jobs without serving HTTP, beside `serve --no-worker` (see docs/operations.md); SIGTERM puts running jobs back in the queue')
    .option('--concurrency <n>', 'jobs this process runs at once, 1-64 (default: WORKER_CONCURRENCY, 4)')
    .action(async (flags: WorkerFlags) => (await import('./worker-action.ts')).work(flags));
}
