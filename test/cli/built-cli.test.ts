import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
// @ts-expect-error plain JavaScript, shared by the build and bin/tsunagu.mjs
import { buildState, inputsChangedAt, writeStamp } from '../../scripts/build-stamp.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'tsunagu.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node` with `args` in the project, as a user's shell would. */
function node(args: string[], env: Record<string, string> = {}): Promise<Run> & { child: ReturnType<typeof spawn> } {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const done = new Promise<Run>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return Object.assign(done, { child });
}

/** The CLI from dist/ only: fails instead of falling back to the sources. */
const built = (...args: string[]) => node([BIN, ...args], { TSUNAGU_RUN_FROM: 'dist' });

describe('the built CLI (dist/, what `npm ci` makes and bin/tsunagu.mjs runs)', () => {
  before(async () => {
    // CI builds in `npm ci`; a checkout with newer sources is built here, as `npm run build` would.
    if (buildState(ROOT) !== 'fresh') {
      const build = await node(['scripts/build.mjs']);
      assert.equal(build.code, 0, build.stderr);
    }
  });

  it('answers --help with every command', async () => {
    const run = await built('--help');
    assert.equal(run.code, 0, run.stderr);
    for (const command of ['config', 'demo', 'discover', 'migrate', 'serve', 'sim', 'sync', 'worker']) assert.match(run.stdout, new RegExp(`^  ${command} `, 'm'));
  });

  it('migrates a database (the store and its migrations load from dist/)', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsunagu-built-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const url = `sqlite:${join(dir, 'db.sqlite')}`;
    const run = await built('migrate', '--database-url', url);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /applied 0001_initial\n.*applied 0003_gate_pace\n.*applied 0007_covers_cache\n$/s);
  });

  it('runs the simulator, whose GraphQL schema is a file beside the code', { timeout: 60_000 }, async () => {
    const sim = built('sim', '--port', '0', '--latency', '0', '--jitter', '0');
    try {
      const anilistUrl = await new Promise<string>((resolve, reject) => {
        let out = '';
        sim.child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk;
          const url = /^ANILIST_URL=(\S+)$/m.exec(out)?.[1];
          if (url) resolve(url);
        });
        void sim.then((run) => reject(new Error(`sim exited early (${run.code}): ${run.stderr}`)));
      });
      const response = await fetch(anilistUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: '{ Media(id: 16498) { id title { romaji } } }' }),
      });
      assert.equal(response.status, 200);
      assert.deepEqual(((await response.json()) as { data: unknown }).data, { Media: { id: 16498, title: { romaji: 'Shingeki no Kyojin' } } });
    } finally {
      sim.child.kill('SIGTERM');
    }
    assert.equal((await sim).code, 0);
  });

  it('refuses an unknown command or option with exit 2 and one line naming it', async () => {
    const cases: [string[], RegExp][] = [
      [['mirror', '--help'], /^tsunagu: unknown command 'mirror' \(commands: config, demo, discover, migrate, serve, sim, sync, worker; add --help for usage\)\n$/],
      [['help', 'mirror'], /^tsunagu: unknown command 'mirror'/],
      [['discover', '--bogus', 'x'], /^tsunagu: unknown option '--bogus'\n/],
      [['--bogus'], /^tsunagu: unknown option '--bogus'\n/],
      [['migrate', 'extra'], /^tsunagu: too many arguments for 'migrate'/],
    ];
    const runs = await Promise.all(cases.map(([args]) => built(...args)));
    runs.forEach((run, i) => {
      const [args, message] = cases[i]!;
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
      assert.equal(run.stdout, '');
    });
  });

  it('the sources through tsx behave the same (the fallback of a checkout changed since its build)', async () => {
    const run = await node([BIN, 'mirror', '--help'], { TSUNAGU_RUN_FROM: 'src' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^tsunagu: unknown command 'mirror'/);
    const help = await node([BIN, 'discover', '--help'], { TSUNAGU_RUN_FROM: 'src' });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Usage: tsunagu discover \[options\] <query>/);
  });

  it('names a bad TSUNAGU_RUN_FROM', async () => {
    const run = await node([BIN, '--help'], { TSUNAGU_RUN_FROM: 'compiled' });
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'tsunagu: TSUNAGU_RUN_FROM must be auto, dist or src, got "compiled"\n');
  });
});

describe('when dist/ counts as current', () => {
  const root = mkdtempSync(join(tmpdir(), 'tsunagu-stamp-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const past = new Date(Date.now() - 60_000);

  before(() => {
    mkdirSync(join(root, 'src', 'cli'), { recursive: true });
    for (const file of ['tsconfig.json', 'tsconfig.build.json', 'src/cli/main.ts', 'src/cli/old.ts', 'src/cli/main.test.ts']) writeFileSync(join(root, file), '');
  });

  const build = () => {
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeStamp(join(root, 'dist'), inputsChangedAt(root));
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('never built: missing; built: fresh', () => {
    assert.equal(buildState(root), 'missing');
    build();
    assert.equal(buildState(root), 'fresh');
  });

  it('a source edited, added or removed after the build makes it stale; a test does not', async () => {
    build();
    await settle();
    utimesSync(join(root, 'src/cli/main.test.ts'), new Date(), new Date());
    assert.equal(buildState(root), 'fresh', 'tests are not built');
    utimesSync(join(root, 'src/cli/main.ts'), past, new Date());
    assert.equal(buildState(root), 'stale', 'edited');
    build();
    await settle();
    writeFileSync(join(root, 'src/new.ts'), '');
    assert.equal(buildState(root), 'stale', 'added');
    build();
    await settle();
    unlinkSync(join(root, 'src/cli/old.ts'));
    assert.equal(buildState(root), 'stale', 'removed');
    build();
    await settle();
    utimesSync(join(root, 'tsconfig.json'), past, new Date());
    assert.equal(buildState(root), 'stale', 'compiler settings changed');
  });
});
