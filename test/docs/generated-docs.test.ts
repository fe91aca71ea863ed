import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { options, type OptionSpec } from '../../src/config/config.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { documentFiles, fillSections, generateDocs, renderSections, ROOT, unitOf } from '../../scripts/gen-docs.ts';

// The README and docs restate two sources, the options table in src/config/config.ts and the
// benchmark results in bench/results/latest.json; `npm run docs` writes those parts. These
// tests fail when a document and its source disagree, so a figure or an option cannot drift.

const sections = renderSections();

test('the generated parts of README.md and docs/ are what `npm run docs` writes', async () => {
  const report = await generateDocs({ check: true, sections: await sections });
  assert.deepEqual(report.unknown, [], 'every generated marker has a source');
  assert.deepEqual(report.stale, [], 'out of date: run `npm run docs` and commit');
  assert.ok(report.filled >= 2, 'the README holds the options table and the benchmark summary');
});

test("README's options table names every option of the config with its default and unit", async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  for (const spec of Object.values(options) as OptionSpec[]) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${spec.env}\` |`));
    assert.ok(row, `${spec.env} has a row`);
    assert.ok(row.includes(spec.default === undefined ? '| unset |' : `| \`${spec.default}\` |`), `${spec.env}: default`);
    assert.ok(unitOf(spec), `${spec.env} states a unit and range (\`unit\` in src/config/config.ts) or has a fixed list of values`);
  }
});

test('a README whose options table lacks an option, or has a wrong default, is found out of date', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const rendered = await sections;
  const dropped = readme.replace(/^\| `PORT` \|.*\n/m, '');
  assert.notEqual(dropped, readme);
  assert.notEqual(fillSections(dropped, { options: rendered.options }).text, dropped, 'a missing row is stale');
  const wrong = readme.replace('| `PORT` | `3000` |', '| `PORT` | `8080` |');
  assert.notEqual(wrong, readme);
  assert.notEqual(fillSections(wrong, { options: rendered.options }).text, wrong, 'a wrong default is stale');
});

test('the README is a front door: at most 300 lines, every command, and the manual under docs/', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const lines = readme.split('\n').length;
  assert.ok(lines <= 300, `README.md has ${lines} lines`);
  for (const command of buildProgram().commands.map((c) => c.name())) {
    if (command === 'help') continue;
    assert.match(readme, new RegExp(`\\| \`tsunagu ${command}\\b`), `the commands table lists tsunagu ${command}`);
  }
  const docs = (await documentFiles()).filter((f) => f.includes(`${join(ROOT, 'docs')}`));
  assert.ok(docs.length >= 4, `${docs.length} documents under docs/`);
});

test('every relative link in README.md, CONTRIBUTING.md and docs/ leads to a file that exists', async () => {
  const broken: string[] = [];
  for (const file of await documentFiles()) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) continue;
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!) || target!.startsWith('#')) continue;
      const path = join(dirname(file), decodeURIComponent(target!.split('#')[0]!));
      if (!(await stat(path).then(() => true, () => false))) broken.push(`${relative(ROOT, file)} -> ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});
