import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { silentLogger } from '../log.ts';
import { ensureWebBuilt } from './web-assets.ts';

/** A tiny Vite project, so the rebuild rules are tested without touching the real page. */
function tinyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-web-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="x"></div><script type="module" src="/src/main.ts"></script>');
  writeFileSync(join(dir, 'vite.config.ts'), "export default { logLevel: 'silent' };\n");
  writeFileSync(join(dir, 'src', 'main.ts'), "document.getElementById('x')!.textContent = 'one';\n");
  return dir;
}

const bundleText = (dist: string) =>
  readdirSync(join(dist, 'assets'))
    .map((name) => readFileSync(join(dist, 'assets', name), 'utf8'))
    .join('\n');

test('builds a missing dist, leaves a current one alone, and rebuilds after a source changes', async (t) => {
  const dir = tinyProject();
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const dist = await ensureWebBuilt(silentLogger, { webDir: dir });
  assert.equal(dist, join(dir, 'dist'));
  assert.match(bundleText(dist), /one/);
  const firstBuild = statSync(join(dist, 'index.html')).mtimeMs;

  await ensureWebBuilt(silentLogger, { webDir: dir });
  assert.equal(statSync(join(dist, 'index.html')).mtimeMs, firstBuild, 'a current dist is not rebuilt');

  writeFileSync(join(dir, 'src', 'main.ts'), "document.getElementById('x')!.textContent = 'two';\n");
  const later = new Date(firstBuild + 5_000);
  utimesSync(join(dir, 'src', 'main.ts'), later, later);
  await ensureWebBuilt(silentLogger, { webDir: dir });
  assert.match(bundleText(dist), /two/, 'the changed source was rebuilt');
  assert.deepEqual(
    readdirSync(dir).filter((name) => name.startsWith('.dist')),
    [],
    'no temporary build folders are left behind',
  );
});

test('callers arriving during a build share it', async (t) => {
  const dir = tinyProject();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const [a, b] = await Promise.all([ensureWebBuilt(logger, { webDir: dir }), ensureWebBuilt(logger, { webDir: dir })]);
  assert.equal(a, b);
  assert.ok(existsSync(join(a, 'index.html')));
  assert.equal(lines.filter((line) => line.includes('building the web page')).length, 1, 'one build for both callers');
});

test('a broken page fails with a clear error and leaves no half build', async (t) => {
  const dir = tinyProject();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'src', 'main.ts'), 'import "./missing-module.ts";\n');
  await assert.rejects(ensureWebBuilt(silentLogger, { webDir: dir }), { name: 'WebBuildError', message: /cannot build the web page/ });
  assert.equal(existsSync(join(dir, 'dist')), false);
  assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('.dist')), []);
});

test("the real page's build runs under a CSP of 'self' only: no inline script or style, no remote asset", async () => {
  const dist = await ensureWebBuilt(silentLogger);
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
  assert.ok(scripts.length > 0, 'the page has a script');
  for (const [tag, body] of scripts) {
    assert.equal(body.trim(), '', `inline script body in ${tag}`);
    assert.match(tag, /src="\/assets\//, `script from the same origin: ${tag}`);
  }
  assert.doesNotMatch(html, /<style\b/, 'no inline <style>');
  assert.doesNotMatch(html, /\sstyle="/, 'no style attributes');
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no remote asset');
  for (const [, path] of html.matchAll(/(?:src|href)="(\/[^"]+)"/g)) {
    if (!path.startsWith('/api/')) assert.ok(existsSync(join(dist, path)), `${path} exists`);
  }
});
