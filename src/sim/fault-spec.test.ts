import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultPlan } from './fault-plan.ts';
import { parseFaultSpec } from './fault-spec.ts';
import { seededRandom } from './seeded-random.ts';

test('the grammar: kind=probability[:seconds][@upstream], comma-separated', () => {
  assert.deepEqual(parseFaultSpec(''), []);
  assert.deepEqual(parseFaultSpec(' 500=0.05 , hang=0.01@jikan,storm=0.02:5,casing=0.5'), [
    { kind: '500', probability: 0.05, upstreams: ['anilist', 'jikan'], stormSeconds: 10 },
    { kind: 'hang', probability: 0.01, upstreams: ['jikan'], stormSeconds: 10 },
    { kind: 'storm', probability: 0.02, upstreams: ['anilist', 'jikan'], stormSeconds: 5 },
    { kind: 'casing', probability: 0.5, upstreams: ['jikan'], stormSeconds: 10 },
  ]);
});

test('mistakes are named', () => {
  const cases: [string, RegExp][] = [
    ['500', /expected kind=probability/],
    ['nope=0.1', /unknown kind `nope`/],
    ['500=1.5', /probability must be a number from 0 to 1/],
    ['500=abc', /probability must be a number from 0 to 1/],
    ['500=0.1:3', /only storm takes :seconds/],
    ['storm=0.1:0', /storm seconds must be a number in \(0, 3600\]/],
    ['500=0.1@mal', /unknown upstream `mal`/],
    ['casing=1@anilist', /casing applies to jikan only/],
    ['500=0.1,500=0.2@jikan', /500 is given twice for jikan/],
    ['500=0.6,hang=0.5@anilist', /for anilist add up to 1.1/],
  ];
  for (const [spec, message] of cases) assert.throws(() => parseFaultSpec(spec), message, spec);
});

test('request faults: one roll per request against cumulative probabilities, only on the named upstream', () => {
  const plan = FaultPlan.parse('500=0.25,502=0.25@jikan', 1);
  const random = seededRandom(3);
  const counts: Record<string, number> = {};
  for (let i = 0; i < 4000; i++) {
    const kind = plan.rollRequest('jikan', random)?.kind ?? 'none';
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  for (const kind of ['500', '502']) assert.ok(Math.abs(counts[kind] - 1000) < 150, `${kind}: ${counts[kind]}`);
  assert.ok(Math.abs(counts.none - 2000) < 150);
  for (let i = 0; i < 200; i++) assert.notEqual(plan.rollRequest('anilist', random)?.kind, '502');
});

test('content faults hit a stable share of entries, and another seed picks others', () => {
  const a = FaultPlan.parse('script=0.3', 1);
  const b = FaultPlan.parse('script=0.3', 2);
  const ids = [...Array(2000).keys()].map((i) => i + 1);
  const hitA = ids.filter((id) => a.affects('script', 'anilist', id));
  const hitB = ids.filter((id) => b.affects('script', 'anilist', id));
  assert.ok(Math.abs(hitA.length - 600) < 80, `${hitA.length}`);
  assert.deepEqual(ids.filter((id) => a.affects('script', 'anilist', id)), hitA, 'stable');
  assert.notDeepEqual(hitA, hitB);
  assert.equal(a.affects('casing', 'jikan', 1), false, 'not in the spec');
});
