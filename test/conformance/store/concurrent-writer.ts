// Child process for the concurrent-writers case: opens the store (migrating, like every
// process would), says "ready", waits for "go" on stdin, then writes its share of a
// synthetic franchise chain in small batches and prints a JSON summary.
// Usage: node --import tsx concurrent-writer.ts <database-url> <worker 0|1> <entries>
import { createInterface } from 'node:readline';
import { createStore } from '../../../src/store/store.ts';
import { anime, edge, T0 } from '../../fixtures/store-fixtures.ts';

const [url, workerArg, entriesArg] = process.argv.slice(2);
const worker = Number(workerArg);
const entries = Number(entriesArg);
const BATCH = 10;

const store = await createStore(url!, { migrate: true, busyTimeoutMs: 30_000 });
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();

// Worker k writes ids with id % 2 === k; each entry's SEQUEL is the next id, which the
// other worker owns, so half the edges land pending and are promoted across processes.
// MAL ids make each transaction start with a read (the MAL-claim check): a deferred
// BEGIN would then fail with SQLITE_BUSY on its first write; this case exists to catch that.
const mine = Array.from({ length: entries }, (_, i) => i + 1).filter((id) => id % 2 === worker);
let batches = 0;
for (let i = 0; i < mine.length; i += BATCH) {
  const ids = mine.slice(i, i + BATCH);
  await store.saveBatch(
    ids.map((id) => anime(id, { idMal: 100_000 + id, fetchedAt: T0 })),
    ids.filter((id) => id < entries).map((id) => edge(id, id + 1, 'SEQUEL')),
  );
  batches++;
}
await store.close();
process.stdout.write(`${JSON.stringify({ worker, batches })}\n`);
