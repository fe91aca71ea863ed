#!/usr/bin/env node
// `npm run build`, and `npm ci` through `prepare`: compiles src/ into dist/ (JavaScript
// beside the sources' layout, so paths like `../../data` still resolve), which
// bin/tsunagu.mjs runs. Type checking is `npm run typecheck`'s job, not the build's.
// The new dist/ is made aside and swapped in, so a CLI starting meanwhile never sees half
// of one (it may see none for an instant, and then runs the sources through tsx).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputsChangedAt, writeStamp } from './build-stamp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // Installed without dev dependencies: the CLI still works, from the sources through tsx.
  console.warn('tsunagu build: TypeScript is not installed, so dist/ is not built; bin/tsunagu.mjs runs the sources through tsx');
  process.exit(0);
}

const changedAt = inputsChangedAt(root);
const fresh = join(root, `dist.tmp-${process.pid}`);
const old = join(root, `dist.old-${process.pid}`);
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', fresh], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) {
  rmSync(fresh, { recursive: true, force: true });
  console.error(`tsunagu build: tsc exited with ${compiled.status ?? compiled.signal}`);
  process.exit(1);
}

// Files the code reads at run time beside itself (the simulator's GraphQL schema).
const copyAssets = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copyAssets(path);
    else if (!name.endsWith('.ts')) cpSync(path, join(fresh, relative(join(root, 'src'), path)));
  }
};
copyAssets(join(root, 'src'));
writeStamp(fresh, changedAt);

const dist = join(root, 'dist');
if (existsSync(dist)) renameSync(dist, old);
renameSync(fresh, dist);
rmSync(old, { recursive: true, force: true });
