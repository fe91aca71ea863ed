import type { Command } from 'commander';

export interface DiscoverFlags {
  json?: boolean;
  /** Commander's `--no-enrich`: false when given, true otherwise. */
  enrich: boolean;
  follow?: string;
  maxEntries?: string;
  maxDepth?: string;
}

export function registerDiscoverCommand(program: Command): void {
  program
    .command('discover')
    .description('find the whole franchise of an anime, ingest it from AniList (and MAL through Jikan) and print it')
    .argument('<query>', 'a title, an AniList id, or mal:<MAL id>')
    .option('--json', 'print the franchise as one JSON document on stdout (progress and logs stay on stderr)')
    .option('--no-enrich', 'skip MyAnimeList (Jikan) enrichment')
    .option('--follow <types>', 'relation types the walk follows, comma-separated (default: FRANCHISE_FOLLOW)')
    .option('--max-entries <n>', 'most entries in the franchise, 1-5000 (default: FRANCHISE_MAX_ENTRIES)')
    .option('--max-depth <n>', 'most relation hops from the entry asked for, 0-1000 (default: FRANCHISE_MAX_DEPTH)')
    .action(async (query: string, flags: DiscoverFlags) => (await import('./discover-action.ts')).discover(query, flags));
}
