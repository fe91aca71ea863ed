#!/usr/bin/env node
// Node 20's --test does not expand globs, so the file list is built here.
// Usage: npm test [-- path-filter ...]   (a filter keeps files whose path contains it)
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const searched = ['src', 'test', 'bench', 'eval', 'web'];
const skipped = new Set(['node_modules', 'dist', '.git']);

function find(dir, out) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (skipped.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = searched
  .flatMap((dir) => find(join(root, dir), []))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

if (files.length === 0) {
  console.error(`no test files found${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=tap', `--test-concurrency=${concurrency}`, ...files],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);

let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
child.on('close', (code) => {
  const ran = /^# tests (\d+)/m.exec(tail);
  if (!ran || Number(ran[1]) === 0) {
    console.error('no test ran');
    process.exit(1);
  }
  process.exit(code ?? 1);
});
