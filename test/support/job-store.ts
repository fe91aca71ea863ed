import type { TestContext } from 'node:test';
import type { Clock } from '../../src/clock.ts';
import { MemoryProgressBus } from '../../src/jobs/memory-progress-bus.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { sqliteDatabase } from './ingest-harness.ts';

/** A fresh SQLite store and a memory progress bus, both on `clock`; closed (and the file removed) after test `t`. */
export async function storeAndBus(t: TestContext, clock: Clock): Promise<{ store: Store; bus: MemoryProgressBus }> {
  const db = await sqliteDatabase();
  const store = await createStore(db.url, { clock });
  const bus = new MemoryProgressBus({ clock });
  t.after(async () => {
    await bus.close();
    await store.close();
    await db.close();
  });
  return { store, bus };
}
