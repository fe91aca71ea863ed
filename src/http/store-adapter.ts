import { sql } from 'kysely';
import type { Store } from '../store/store.ts';
import type { HttpStore } from './app-deps.ts';

/** The API's view of the store: its anime reads plus a readiness ping. */
export function httpStore(store: Store): HttpStore {
  return {
    anime: store.anime,
    ping: async () => {
      await sql`select 1`.execute(store.db);
    },
  };
}
