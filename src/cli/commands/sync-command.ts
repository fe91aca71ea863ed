import type { Command } from 'commander';

export interface SyncFlags {
  full?: boolean;
  json?: boolean;
  /** Commander's `--no-enrich`: false when given, true otherwise. */
  enrich: boolean;
}

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description("mirror AniList's whole anime catalog into the store: a full pass the first time, then only what changed; resumes where an interrupted run stopped")
    .option('--full', 'a complete pass (also marks entries AniList no longer has as removed); default only for the first run')
    .option('--json', 'print the summary as one JSON document on stdout (progress and logs stay on stderr)')
    .option('--no-enrich', 'skip MyAnimeList (Jikan) enrichment of the catalog while the sync runs')
    .action(async (flags: SyncFlags) => (await import('./sync-action.ts')).sync(flags));
}
