import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BIN = fileURLToPath(new URL('../../../bin/tsunagu.mjs', import.meta.url));
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'migrate', ...args], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

test('tsunagu migrate applies the schema once, then says it is up to date', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-migrate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const url = `sqlite:${join(dir, 'nested', 'db.sqlite')}`;
  assert.deepEqual(await run('--database-url', url), { code: 0, stdout: `${url}: applied 0001_initial\n${url}: applied 0002_jobs_owner_and_retention\n${url}: applied 0003_gate_pace\n${url}: applied 0004_sync_catalog\n${url}: applied 0005_data_version\n${url}: applied 0007_covers_cache\n`, stderr: '' });
  assert.deepEqual(await run('--database-url', url), { code: 0, stdout: `${url}: schema up to date, nothing applied\n`, stderr: '' });
});

test('tsunagu migrate refuses a URL it cannot use, in one line, without the password', async () => {
  const result = await run('--database-url', 'mysql://root:hunter2@db/app');
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^tsunagu: database URL "mysql:\/\/root:\*\*\*@db\/app": expected sqlite:<path>, a file path or postgres:\/\/\.\.\.\n$/);
});
