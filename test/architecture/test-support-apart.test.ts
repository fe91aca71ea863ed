import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importSpecifiers } from './import-specifiers.ts';

/*
 * The product is what ships in dist/: everything under src/ except the *.test.ts files.
 * Test support (harnesses, fixtures, fake clocks, conformance suites) lives under test/,
 * so nothing the product is built from may reach node:test or a file under test/.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const testDir = join(root, 'test');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** What one source file reaches that the product must not: `file:line imports specifier`. */
export function testImports(file: string, text: string): string[] {
  const found: string[] = [];
  for (const { specifier, line } of importSpecifiers(text)) {
    const isNodeTest = specifier === 'node:test' || specifier === 'test' || specifier.startsWith('node:test/');
    const target = specifier.startsWith('.') ? resolve(dirname(file), specifier) : undefined;
    const isTestFile = target !== undefined && (target === testDir || target.startsWith(testDir + '/') || target.endsWith('.test.ts'));
    if (isNodeTest || isTestFile) found.push(`${relative(root, file)}:${line} imports ${specifier}`);
  }
  return found;
}

test('no file under src/ other than *.test.ts imports node:test or test support', () => {
  const files = sources(join(root, 'src'));
  assert.ok(files.length > 100, `found only ${files.length} product files under src/`);
  const offending = files.flatMap((file) => testImports(file, readFileSync(file, 'utf8')));
  assert.deepEqual(offending, [], `test support belongs under test/, not in the product:\n${offending.join('\n')}`);
});

test('the scan sees every way a file can pull test code in', () => {
  const file = join(root, 'src', 'jobs', 'example.ts');
  const text = [
    "import { test } from 'node:test';",
    "import { ManualClock } from '../../test/support/manual-clock.ts';",
    "export { anime } from '../../test/fixtures/store-fixtures.ts';",
    "const kit = await import('../../test/support/ingest-harness.ts');",
    "const child = new URL('../../test/conformance/store/concurrent-writer.ts', import.meta.url);",
    "import { cases } from './queue.test.ts';",
    "import { InProcessJobQueue } from './in-process-job-queue.ts';",
    "import { Redis } from 'ioredis';",
  ].join('\n');
  assert.deepEqual(
    testImports(file, text).map((hit) => hit.replace(/ imports .*/, '')),
    [1, 2, 3, 4, 5, 6].map((line) => `src/jobs/example.ts:${line}`),
  );
});
