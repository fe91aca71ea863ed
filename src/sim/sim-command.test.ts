import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { CliError } from '../cli/cli-error.ts';
import { buildProgram } from '../cli/main.ts';
import { loadAnilistSchema } from './anilist/anilist-schema.ts';
import { renderContract, simulatorContract } from './sim-contract.ts';
import { startSimulator } from './simulator.ts';

const BIN = fileURLToPath(new URL('../../bin/tsunagu.mjs', import.meta.url));

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, out: () => stdout, err: () => stderr };
}

test('tsunagu sim prints the URLs and env lines, serves both upstreams and stops cleanly on SIGTERM', async () => {
  const sim = run(['sim', '--port', '0', '--latency', '0', '--jitter', '0', '--anilist-rate', '270', '--anilist-header-limit', '90', '--faults', 'script=1', '--anilist-result-cap', '120', '--unpublished', '5']);
  try {
    const deadline = Date.now() + 60_000;
    while (!/^JIKAN_URL=/m.test(sim.out()) && Date.now() < deadline) {
      if (sim.child.exitCode !== null) assert.fail(`exited early: ${sim.err()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const anilistUrl = /^ANILIST_URL=(\S+)$/m.exec(sim.out())?.[1];
    const jikanUrl = /^JIKAN_URL=(\S+)$/m.exec(sim.out())?.[1];
    assert.match(anilistUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/anilist$/);
    assert.match(jikanUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/jikan\/v4$/);

    const res = await fetch(anilistUrl!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: '{ Media(id: 1) { description } }' }) });
    assert.equal(res.headers.get('x-ratelimit-limit'), '90');
    assert.match((await res.json()).data.Media.description, /<script>/, 'the --faults flag reached the simulator');
    assert.equal((await fetch(`${jikanUrl}/anime/1`)).status, 200);
    const page = await fetch(anilistUrl!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: '{ Page { pageInfo { total } media { id } } }' }) });
    assert.equal((await page.json()).data.Page.pageInfo.total, 120, '--anilist-result-cap reached the simulator');
    const catalog = await (await fetch(anilistUrl!.replace('/anilist', '/__sim/catalog'))).json();
    assert.equal(catalog.unpublished.length, 5, '--unpublished reached the simulator');
    const stats = await (await fetch(anilistUrl!.replace('/anilist', '/__sim/stats'))).json();
    assert.equal(stats.anilist.requests, 2);
    assert.equal(stats.jikan.requests, 1);
  } finally {
    sim.child.kill('SIGTERM');
  }
  const [code, signal] = await sim.exited;
  assert.equal(signal, null, 'it handled the signal itself');
  assert.equal(code, 0, sim.err());
});

test('a bad flag exits non-zero with one line naming the flag', async () => {
  const bad = run(['sim', '--latency', '-5']);
  const [code] = await bad.exited;
  assert.equal(code, 2);
  assert.equal(bad.err(), 'tsunagu: --latency must be a number from 0 to 600000, got "-5"\n');
});

test('every flag is validated before anything starts', async () => {
  for (const [flag, value, pattern] of [
    ['--port', '70000', /^--port must be an integer from 0 to 65535, got "70000"$/],
    ['--jitter', 'abc', /^--jitter must be a number/],
    ['--anilist-rate', '0', /^--anilist-rate must be an integer from 1/],
    ['--anilist-header-limit', '1.5', /^--anilist-header-limit must be an integer/],
    ['--anilist-retry-after', '-1', /^--anilist-retry-after must be an integer from 0 to 3600/],
    ['--anilist-result-cap', '0', /^--anilist-result-cap must be an integer from 1 to 100000, got "0"$/],
    ['--unpublished', '-3', /^--unpublished must be an integer from 0 to 1000000/],
    ['--jikan-rate', '3/hour', /^--jikan-rate must look like 3\/s,60\/min/],
    ['--seed', 'x', /^--seed must be an integer/],
    ['--host', ' ', /^--host must not be empty$/],
    ['--faults', '500=2', /^--faults: fault `500=2`: probability must be a number from 0 to 1/],
  ] as const) {
    await assert.rejects(buildProgram().parseAsync(['node', 'tsunagu', 'sim', flag, value]), (error: unknown) => {
      assert.ok(error instanceof CliError, flag);
      assert.match(error.message, pattern);
      return true;
    });
  }
});

test('tsunagu sim --help (and tsunagu help sim) and GET /__sim/capabilities tell the same contract', async () => {
  const help = run(['sim', '--help']);
  const [code] = await help.exited;
  assert.equal(code, 0, help.err());
  const text = help.out();
  const helpSim = run(['help', 'sim']);
  const [helpCode] = await helpSim.exited;
  assert.equal(helpCode, 0, helpSim.err());
  assert.equal(helpSim.out(), text, 'both ways of asking show the same help');
  const sim = await startSimulator();
  try {
    const res = await fetch(`${sim.url}/__sim/capabilities`);
    assert.equal(res.status, 200);
    const contract = await res.json();
    assert.deepEqual(contract, JSON.parse(JSON.stringify(simulatorContract(loadAnilistSchema()))), 'one source for both');
    assert.ok(text.includes(renderContract(contract)), 'the help prints the rendered contract');
    // And the rendered text names every rule of the JSON.
    for (const { field } of [...contract.anilist.rootFields, ...contract.anilist.pageFields]) assert.match(text, new RegExp(`\\b${field}\\b`), field);
    for (const { argument } of contract.anilist.mediaArguments.refused) assert.ok(text.includes(`${argument} (`), argument);
    for (const route of contract.jikan.routes) assert.ok(text.includes(`  ${route.path}  [${route.answer}]`), route.path);
    assert.ok(contract.anilist.mediaLists.alwaysEmpty.includes('characters'));
  } finally {
    await sim.close();
  }
});
