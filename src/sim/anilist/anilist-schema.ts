import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLSchema } from 'graphql';

const SCHEMA_PATH = new URL('../anilist.graphql', import.meta.url);

/** AniList's schema, rebuilt from its reference pages (src/sim/anilist.graphql). */
export function loadAnilistSchema(): GraphQLSchema {
  return buildSchema(readFileSync(SCHEMA_PATH, 'utf8'));
}
