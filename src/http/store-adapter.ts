import { sql } from 'kysely';
import type { Store } from '../store/store.ts';
import type { HttpStore } from './app-deps.ts';

/** The API's view of the store: its anime reads, the data version and a readiness ping. */
export function httpStore(store: Store): HttpStore {
  return {
    anime: store.anime,
    dataVersion: () => store.dataVersion(),
    ping: async () => {
      await sql`select 1`.execute(store.db);
    },
  };
}
