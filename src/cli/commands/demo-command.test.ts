import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/tsunagu.mjs', import.meta.url));

function runDemo(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'demo', ...args], { env: { ...process.env, LOG_LEVEL: 'silent' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

test('`tsunagu demo` serves the page and the API, and stops cleanly on SIGTERM, deleting its database', async (t) => {
  const run = runDemo(['--port', '0', '--latency', '0', '--jitter', '0']);
  t.after(() => run.child.kill('SIGKILL'));
  const ready = await new Promise<string>((resolve, reject) => {
    run.child.stdout.on('data', () => {
      if (/Ctrl-C stops/.test(run.output().stdout)) resolve(run.output().stdout);
    });
    run.exited.then((code) => reject(new Error(`demo exited early (${code}): ${run.output().stderr}`)));
  });
  const url = /web page\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(ready)?.[1];
  const database = /database\s+(\S+)/.exec(ready)?.[1];
  assert.ok(url, ready);
  assert.ok(database && existsSync(database), `the demo database exists while it runs: ${database}`);
  const page = await fetch(`${url}/anime/16498`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="root"><\/div>/, 'the built page, also on a client-side route');
  const search = await fetch(`${url}/api/search?q=Attack%20on%20Titan&remote=true`);
  const body = (await search.json()) as { results: { id: number }[] };
  assert.equal(body.results[0]?.id, 16498, 'the simulator answers AniList searches');
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);
  assert.match(run.output().stdout, /stopping/);
  assert.equal(existsSync(database!), false, 'the database is gone after the demo stops');
});

test('a bad flag stops the demo at once with one line naming it', async () => {
  const run = runDemo(['--faults', 'nonsense=2']);
  assert.equal(await run.exited, 2);
  assert.match(run.output().stderr, /^tsunagu: --faults: .+\n$/);
});
