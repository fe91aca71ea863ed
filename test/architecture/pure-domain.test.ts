import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importSpecifiers } from './import-specifiers.ts';

/*
 * The domain (policy, walk, watch order, relation inverses) is pure: it takes its settings
 * as arguments and does no I/O, so it reads only itself and the shared error types. The
 * composition root turns configuration into the values it needs.
 */

const domain = fileURLToPath(new URL('../../src/domain', import.meta.url));
const ALLOWED = /^(\.\/[a-z-]+\.ts|\.\.\/errors\.ts)$/;

test('src/domain imports nothing but itself and the error types (no config, no I/O)', () => {
  const files = readdirSync(domain).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
  assert.ok(files.includes('franchise-policy.ts'));
  const outside = files.flatMap((name) =>
    importSpecifiers(readFileSync(join(domain, name), 'utf8'))
      .map(({ specifier }) => specifier)
      .filter((specifier) => !ALLOWED.test(specifier))
      .map((specifier) => `src/domain/${name} imports ${specifier}`),
  );
  assert.deepEqual(outside, []);
});
