#!/usr/bin/env node
// Runs the built CLI in dist/ (made by `npm ci` through `prepare`, or `npm run build`). A
// checkout never built, or whose sources changed since, runs the sources through tsx
// instead: slower to start, never out of date. TSUNAGU_RUN_FROM=dist or src forces one.
import { buildState } from '../scripts/build-stamp.mjs';

const from = process.env.TSUNAGU_RUN_FROM || 'auto';
if (!['auto', 'dist', 'src'].includes(from)) {
  process.stderr.write(`tsunagu: TSUNAGU_RUN_FROM must be auto, dist or src, got "${from}"\n`);
  process.exit(2);
}
const state = from === 'src' ? 'not used' : buildState(new URL('..', import.meta.url).pathname);
if (from === 'dist' && state !== 'fresh') {
  process.stderr.write(`tsunagu: TSUNAGU_RUN_FROM=dist, but dist/ is ${state}: run \`npm run build\`\n`);
  process.exit(1);
}
let main;
if (state === 'fresh') {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  if (from === 'auto' && process.stderr.isTTY) {
    process.stderr.write(`tsunagu: dist/ is ${state}; running the sources through tsx (slower start; \`npm run build\` rebuilds)\n`);
  }
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
await main(process.argv);
