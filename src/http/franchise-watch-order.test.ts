import { test } from 'node:test';
import assert from 'node:assert/strict';
import { followJob, sqliteDatabase, startFastSimulator, testRuntime } from '../../test/support/ingest-harness.ts';
import { createMetrics } from './metrics.ts';
import { createRuntimeApp } from './runtime-app.ts';
import { startServer } from './server.ts';

test('GET /api/anime/{id}/franchise answers the recommended watch order, every member with its role and reason', async (t) => {
  const sim = await startFastSimulator();
  const db = await sqliteDatabase();
  const runtime = await testRuntime(sim, db.url, { env: { TSUNAGU_ENRICH: 'false' } });
  const shutdown = new AbortController();
  const server = await startServer(createRuntimeApp(runtime, { metrics: createMetrics(), shutdown: shutdown.signal }), { port: 0 });
  t.after(async () => {
    shutdown.abort();
    await server.close();
    await runtime.close();
    await db.close();
    await sim.close();
  });
  // Fullmetal Alchemist (2003): Brotherhood is the continuity people start with.
  const { job } = await runtime.ingest.requestIngest({ query: '121' });
  await followJob(runtime, job.id);
  const response = await fetch(`${server.url}/api/anime/121/franchise?ingest=false`);
  assert.equal(response.status, 200);
  const view = await response.json();
  const recommended: { id: number; role: string; reason: string }[] = view.watchOrder.recommended;
  assert.deepEqual(recommended.map((e) => e.id).sort((a, b) => a - b), view.members.map((m: { id: number }) => m.id).sort((a: number, b: number) => a - b));
  assert.deepEqual(recommended[0], { id: 5114, role: 'main', reason: 'main story, where it aired' });
  assert.deepEqual(recommended.find((e) => e.id === 121), {
    id: 121,
    role: 'alternative',
    reason: 'another continuity: its own block after Fullmetal Alchemist: Brotherhood, where it aired',
  });
  assert.equal(recommended.at(-1)!.role, 'extra');
  assert.deepEqual(Object.keys(view.watchOrder).sort(), ['recommended', 'release', 'story']);
  const spec = await (await fetch(`${server.url}/api/openapi.json`)).json();
  const orders = spec.components.schemas.Franchise.properties.watchOrder.properties;
  assert.deepEqual(orders.recommended.items.properties.role.enum, ['main', 'side', 'optional', 'extra', 'alternative']);
  assert.match(orders.story.description, /chronological/);
});
