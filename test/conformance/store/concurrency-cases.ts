import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { SuiteContext } from './store-conformance.ts';

const WRITER = fileURLToPath(new URL('./concurrent-writer.ts', import.meta.url));

function startWriter(url: string, worker: number, entries: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, url, String(worker), String(entries)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => stdout.includes('ready\n') && resolve());
    child.once('exit', (code) => reject(new Error(`writer ${worker} exited (${code}) before ready: ${stderr}`)));
  });
  const done = once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
  return { child, ready, done };
}

function kill(child: ChildProcess): void {
  if (child.exitCode === null) child.kill();
}

export function concurrencyCases(ctx: SuiteContext): void {
  test('concurrency: two processes writing one database at once both finish, nothing lost, invariants hold', async () => {
    const url = await ctx.freshUrl();
    const entries = 400;
    // Both open (and migrate) the fresh database at the same moment too.
    const writers = [startWriter(url, 0, entries), startWriter(url, 1, entries)];
    try {
      await Promise.all(writers.map((w) => w.ready));
      for (const w of writers) w.child.stdin!.end('go\n');
      const results = await Promise.all(writers.map((w) => w.done));
      for (const r of results) assert.equal(r.code, 0, `writer failed: ${r.stderr}`);
      assert.deepEqual(results.map((r) => JSON.parse(r.stdout.split('\n').at(-2)!).batches), [20, 20]);
    } finally {
      for (const w of writers) kill(w.child);
    }
    const { store } = await ctx.open({ url });
    assert.equal(await store.anime.count(), entries);
    assert.deepEqual(await store.relations.listPending(), []);
    const edges = await store.relations.listFrom(Array.from({ length: entries }, (_, i) => i + 1));
    assert.equal(edges.filter((e) => e.type === 'SEQUEL' && e.source === 'anilist').length, entries - 1);
    assert.equal(edges.filter((e) => e.type === 'PREQUEL' && e.source === 'inferred').length, entries - 1);
    assert.deepEqual(await store.checkInvariants(), { ok: true, problems: [] });
  });
}
