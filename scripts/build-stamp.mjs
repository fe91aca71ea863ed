// Whether dist/ (the built CLI and server) is as new as what it is built from. The build
// writes the stamp; bin/tsunagu.mjs reads it at every start (a few ms for ~200 files).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the build reads; a change to any of them makes dist/ stale. */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json'];
const STAMP = 'build-stamp.json';

/**
 * The latest change to the build's inputs, ms since epoch. Folders count too (deleting or
 * renaming a file changes its folder), and ctime too (a rename keeps a file's mtime).
 * Tests are not built, so they do not count.
 */
export function inputsChangedAt(root) {
  let latest = 0;
  const visit = (path, isTest) => {
    if (isTest) return;
    const stat = statSync(path);
    latest = Math.max(latest, stat.mtimeMs, stat.ctimeMs);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name), name.endsWith('.test.ts'));
  };
  for (const input of INPUTS) visit(join(root, input), false);
  return latest;
}

/** Records in `outDir` that it was built from inputs as of `changedAt`. */
export function writeStamp(outDir, changedAt) {
  writeFileSync(join(outDir, STAMP), `${JSON.stringify({ inputsChangedAt: changedAt })}\n`);
}

/** 'fresh', 'missing' (never built) or 'stale' (an input changed since the build). */
export function buildState(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, 'dist', STAMP), 'utf8'));
  } catch {
    return 'missing';
  }
  return inputsChangedAt(root) <= stamp.inputsChangedAt ? 'fresh' : 'stale';
}
