import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../catalog/catalog.ts';
import { DEFAULT_FOLLOW, defaultPolicy, parsePolicy, type FranchisePolicy } from './franchise-policy.ts';
import { createFranchiseWalk, walkFranchise, type FranchiseWalkResult } from './franchise-walk.ts';
import type { Relation } from './relation-type.ts';

const catalog = await loadCatalog({ anilistOnly: true });

/** AniList's own outgoing edges of a catalog entry, as the AniList client or the store hands them over. */
function catalogEdges(id: number): Relation[] | undefined {
  return catalog.media.get(id)?.relations.map((r) => ({ from: id, to: r.id, type: r.relationType, source: 'anilist' }));
}

/** A plain BFS with no crossover rule and no caps: the independent reference. */
function plainBfs(root: number, follow: ReadonlySet<string> = defaultPolicy.follow): Map<number, number> {
  const depth = new Map([[root, 0]]);
  for (let level = [root]; level.length > 0; ) {
    const next: number[] = [];
    for (const id of level) {
      for (const edge of catalogEdges(id) ?? []) {
        if (!follow.has(edge.type) || depth.has(edge.to)) continue;
        depth.set(edge.to, depth.get(id)! + 1);
        next.push(edge.to);
      }
    }
    level = next;
  }
  return depth;
}

const sorted = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b);
const title = (id: number) => {
  const t = catalog.media.get(id)!.title;
  return `${t.english ?? ''} ${t.romaji ?? ''}`;
};

// Sizes as the data README reports them (strict types from the main entry).
const REFERENCE: [name: string, id: number, size: number][] = [
  ['Attack on Titan', 16498, 16],
  ['Monogatari', 5081, 19],
  ['Fate/stay night', 356, 41],
  ['Mobile Suit Gundam', 80, 120],
  ['One Piece', 21, 48],
  ['Naruto', 20, 25],
  ['Steins;Gate', 9253, 10],
  ['Death Note', 1535, 2],
];

test('reference franchises: the same members as a plain BFS, nothing held back', () => {
  for (const [name, id, size] of REFERENCE) {
    const result = walkFranchise(id, catalogEdges);
    assert.deepEqual(sorted(result.members.keys()), sorted(plainBfs(id).keys()), name);
    assert.equal(result.members.size, size, name);
    assert.equal(result.truncated, false, name);
    assert.deepEqual(result.bridges, [], name);
  }
});

test('depths are shortest hops along the edges the walk may take', () => {
  // Without multi-parent entries in the way, exactly the plain BFS depths.
  const byId = (depths: Map<number, number>) => [...depths].sort(([a], [b]) => a - b);
  for (const id of [356, 21, 20, 9253, 1535]) assert.deepEqual(byId(walkFranchise(id, catalogEdges).members), byId(plainBfs(id)));
  // Attack on Titan: Chronicle (a recap naming S1, S2, S3 and S3 Part 2 as PARENTs) is reached
  // from S1, so it is no shortcut to Part 2: the chain S1 > S2 > S3 > Part 2 is.
  const aot = walkFranchise(16498, catalogEdges).members;
  assert.equal(plainBfs(16498).get(104578), 2);
  assert.equal(aot.get(104578), 3);
  assert.equal(aot.get(162314), 7);
  assert.deepEqual([...aot.values()], [...aot.values()].sort((a, b) => a - b), 'members come nearest first');
});

test('Attack on Titan never reaches the 720 entries or Ghost in the Shell', () => {
  const walked = walkFranchise(16498, catalogEdges);
  assert.ok([...walked.members.keys()].every((id) => !/ghost in the shell/i.test(title(id))));
  const loose = new Set([...DEFAULT_FOLLOW, 'CHARACTER', 'OTHER']);
  const everything = plainBfs(16498, loose);
  assert.equal(everything.size, 720);
  assert.ok([...everything.keys()].some((id) => /ghost in the shell/i.test(title(id))), 'the loose graph does reach it');
  // Following CHARACTER and OTHER too, the default cap stops the walk and says so...
  const capped = walkFranchise(16498, catalogEdges, parsePolicy([...loose]));
  assert.equal(capped.members.size, 500);
  assert.equal(capped.truncated, true);
  // ...keeping the nearest entries (lowest ids within the last depth) of the uncapped walk.
  const uncapped = walkFranchise(16498, catalogEdges, parsePolicy([...loose], { maxEntries: 5000 }));
  assert.equal(uncapped.truncated, false);
  const nearest = [...uncapped.members].sort(([a, da], [b, db]) => da - db || a - b).slice(0, 500);
  assert.deepEqual([...capped.members], nearest);
});

test('crossovers belong to each franchise that reaches them without joining them', () => {
  const DEVILMAN = 2252;
  const MAZINGER_Z = 2253;
  const CYBORG_009 = 4690;
  const MAZINGER_VS_DEVILMAN = 3898;
  const CYBORG_VS_DEVILMAN = 21231;
  assert.ok(plainBfs(DEVILMAN).has(MAZINGER_Z) && plainBfs(DEVILMAN).has(CYBORG_009), 'a plain walk merges all three');

  const devilman = walkFranchise(DEVILMAN, catalogEdges);
  assert.ok(devilman.members.has(MAZINGER_VS_DEVILMAN) && devilman.members.has(CYBORG_VS_DEVILMAN));
  assert.ok(!devilman.members.has(MAZINGER_Z) && !devilman.members.has(CYBORG_009));
  assert.deepEqual(devilman.bridges, [MAZINGER_VS_DEVILMAN, CYBORG_VS_DEVILMAN]);

  const mazinger = walkFranchise(MAZINGER_Z, catalogEdges);
  assert.ok(mazinger.members.has(MAZINGER_VS_DEVILMAN));
  assert.ok(!mazinger.members.has(DEVILMAN));
  assert.ok(mazinger.bridges.includes(MAZINGER_VS_DEVILMAN));

  // Starting at a crossover: both franchises it joins, but not a third through another crossover.
  const crossover = walkFranchise(MAZINGER_VS_DEVILMAN, catalogEdges);
  assert.equal(crossover.members.get(DEVILMAN), 1);
  assert.equal(crossover.members.get(MAZINGER_Z), 1);
  assert.ok(crossover.members.has(CYBORG_VS_DEVILMAN));
  assert.ok(!crossover.members.has(CYBORG_009));
  for (const id of devilman.members.keys()) assert.ok(crossover.members.has(id));
});

test('Nisekoimonogatari joins neither Monogatari to Nisekoi nor Nisekoi to Monogatari', () => {
  const BAKEMONOGATARI = 5081;
  const NISEKOI = 18897;
  const NISEKOIMONOGATARI = 106495;
  const monogatari = walkFranchise(BAKEMONOGATARI, catalogEdges);
  const nisekoi = walkFranchise(NISEKOI, catalogEdges);
  // AniList lists it as OTHER from both sides, so over AniList's edges neither reaches it...
  assert.ok(!monogatari.members.has(NISEKOIMONOGATARI) && !nisekoi.members.has(NISEKOIMONOGATARI));
  // ...and starting at it gives both franchises whole.
  const fromCrossover = walkFranchise(NISEKOIMONOGATARI, catalogEdges);
  assert.deepEqual(
    sorted(fromCrossover.members.keys()),
    sorted([NISEKOIMONOGATARI, ...monogatari.members.keys(), ...nisekoi.members.keys()]),
  );
  assert.equal(fromCrossover.members.size, 24);

  // Had both parents listed it as their SIDE_STORY (the inverse of its PARENT edges), each
  // franchise would take it in and stop there.
  const claimed = (id: number): Relation[] | undefined => [
    ...(catalogEdges(id) ?? []),
    ...(id === BAKEMONOGATARI || id === NISEKOI ? [{ from: id, to: NISEKOIMONOGATARI, type: 'SIDE_STORY', source: 'anilist' } as const] : []),
  ];
  const monogatariClaimed = walkFranchise(BAKEMONOGATARI, claimed);
  assert.equal(monogatariClaimed.members.get(NISEKOIMONOGATARI), 1);
  assert.ok(!monogatariClaimed.members.has(NISEKOI));
  assert.deepEqual(monogatariClaimed.bridges, [NISEKOIMONOGATARI]);
  assert.equal(monogatariClaimed.members.size, monogatari.members.size + 1);
  const nisekoiClaimed = walkFranchise(NISEKOI, claimed);
  assert.deepEqual(sorted(nisekoiClaimed.members.keys()), sorted([...nisekoi.members.keys(), NISEKOIMONOGATARI]));

  // Inferred inverses and MAL's edges (as the store keeps them) are not walked.
  const stored = (id: number): Relation[] | undefined => [
    ...(catalogEdges(id) ?? []),
    ...(id === BAKEMONOGATARI ? [{ from: id, to: NISEKOIMONOGATARI, type: 'SIDE_STORY', source: 'inferred' } as const] : []),
    ...(id === NISEKOIMONOGATARI ? [{ from: id, to: NISEKOI, type: 'SEQUEL', source: 'mal' } as const] : []),
  ];
  assert.deepEqual(walkFranchise(BAKEMONOGATARI, stored), monogatari);
});

test('a spin-off naming several parents still climbs to its own franchise', () => {
  // Prisma Illya names four Fate entries as PARENTs; from its sequel the walk comes up
  // through it and must reach the whole Fate franchise.
  const fromSpinOffSequel = walkFranchise(20467, catalogEdges);
  assert.deepEqual(sorted(fromSpinOffSequel.members.keys()), sorted(walkFranchise(356, catalogEdges).members.keys()));
  assert.deepEqual(fromSpinOffSequel.bridges, []);
});

test('caps cut deterministically and say so', () => {
  const full = walkFranchise(16498, catalogEdges).members;
  const shallow = walkFranchise(16498, catalogEdges, { ...defaultPolicy, maxDepth: 2 });
  assert.deepEqual([...shallow.members], [...full].filter(([, depth]) => depth <= 2));
  assert.equal(shallow.truncated, true);

  const few = walkFranchise(16498, catalogEdges, { ...defaultPolicy, maxEntries: 5 });
  assert.deepEqual([...few.members], [[16498, 0], [18397, 1], [20691, 1], [20692, 1], [20811, 1]]);
  assert.equal(few.truncated, true);

  const rootOnly = walkFranchise(16498, catalogEdges, { ...defaultPolicy, maxDepth: 0 });
  assert.deepEqual([...rootOnly.members], [[16498, 0]]);
  assert.equal(rootOnly.truncated, true);

  // Exactly at the caps is not truncated: Death Note is 2 entries, 1 hop.
  const exact = walkFranchise(1535, catalogEdges, { ...defaultPolicy, maxEntries: 2, maxDepth: 1 });
  assert.equal(exact.members.size, 2);
  assert.equal(exact.truncated, false);
  assert.equal(walkFranchise(1535, catalogEdges, { ...defaultPolicy, maxEntries: 1 }).truncated, true);
});

test('self-loops, SEQUEL<->SEQUEL pairs, unknown entries and stray edges do not break the walk', () => {
  // Real self-loops (PERSONA5 Dark Sun, Throne of Seal 2nd Season) and a SEQUEL<->SEQUEL pair (Blue Spring Ride).
  for (const id of [106896, 153499, 20596]) {
    assert.deepEqual(sorted(walkFranchise(id, catalogEdges).members.keys()), sorted(plainBfs(id).keys()));
  }
  const e = (from: number, to: number, type: string): Relation => ({ from, to, type, source: 'anilist' });
  const graph = new Map<number, Relation[]>([
    [1, [e(1, 1, 'SEQUEL'), e(1, 2, 'SEQUEL'), e(1, 9, 'SEQUEL'), e(1, 3, 'CHARACTER'), e(7, 1, 'SEQUEL')]],
    [2, [e(2, 1, 'SEQUEL'), e(2, 1, 'PREQUEL'), e(2, 4, 'SIDE_STORY')]],
    [4, [e(4, 2, 'PARENT')]],
  ]);
  const result = walkFranchise(1, (id) => graph.get(id));
  // 9 is unknown: a member that cannot be expanded; 3 is CHARACTER; 7 is someone else's edge.
  assert.deepEqual([...result.members], [[1, 0], [2, 1], [9, 1], [4, 2]]);
  assert.equal(result.truncated, false);

  const unknownRoot = walkFranchise(42, () => undefined);
  assert.deepEqual([...unknownRoot.members], [[42, 0]]);
});

test('the incremental walk asks for entries and finishes when all have been visited', () => {
  const walk = createFranchiseWalk(9253);
  assert.deepEqual(walk.pending(), [9253]);
  const next = walk.visit(9253, catalogEdges(9253));
  assert.deepEqual(sorted(next), sorted(plainBfs(9253).keys()).filter((id) => plainBfs(9253).get(id) === 1));
  assert.deepEqual(sorted(walk.pending()), sorted(next));
  assert.deepEqual(walk.visit(9253, catalogEdges(9253)), [], 'nothing asked for twice');
  // An entry already known (e.g. from the store) may be visited before it is asked for.
  const ahead = [...plainBfs(9253)].find(([, depth]) => depth === 2)![0];
  walk.visit(ahead, catalogEdges(ahead));
  let queue = walk.pending();
  while (queue.length > 0) {
    for (const id of queue) walk.visit(id, catalogEdges(id));
    queue = walk.pending();
  }
  assert.deepEqual(walk.result(), walkFranchise(9253, catalogEdges));
  assert.equal(walk.members().size, 10);
});

/** Drives a walk over a small graph in a fixed order; returns every id it asked for. */
function driveInOrder(walk: ReturnType<typeof createFranchiseWalk>, graph: Map<number, Relation[]>, order: number[]): number[] {
  const asked = walk.pending();
  for (const id of order) {
    assert.ok(walk.pending().includes(id), `${id} was not asked for (yet)`);
    asked.push(...walk.visit(id, graph.get(id)));
  }
  assert.deepEqual(walk.pending(), [], 'the order covers every request');
  return asked;
}

const edge = (from: number, to: number, type: string): Relation => ({ from, to, type, source: 'anilist' });

test('the crossover rule waits until a nearer parent can no longer turn up', () => {
  // 1 -> 2 -> 3 -> 4 (side story), and 1 -> 5 -> 6: 4 names 6 (depth 2) and 7 (another
  // franchise, 7 -> 8) as PARENTs. 4 is visited while 5 is still in flight: climbing then
  // would make 7 look like a member and ask for 8.
  const graph = new Map<number, Relation[]>([
    [1, [edge(1, 2, 'SEQUEL'), edge(1, 5, 'SIDE_STORY')]],
    [2, [edge(2, 3, 'SEQUEL')]],
    [3, [edge(3, 4, 'SIDE_STORY')]],
    [4, [edge(4, 6, 'PARENT'), edge(4, 7, 'PARENT')]],
    [5, [edge(5, 6, 'SEQUEL')]],
    [6, []],
    [7, [edge(7, 8, 'SEQUEL')]],
  ]);
  const walk = createFranchiseWalk(1);
  const asked = driveInOrder(walk, graph, [1, 2, 3, 4, 7, 6, 5]);
  assert.ok(!asked.includes(8), `asked for ${asked.join(', ')}`);
  assert.deepEqual([...walk.members()], [[1, 0], [2, 1], [5, 1], [3, 2], [6, 2], [4, 3]]);
  assert.deepEqual(walk.bridges, [4]);
  assert.deepEqual(walk.result(), walkFranchise(1, (id) => graph.get(id)));
});

test('under the entry cap an incomplete level is not fetched early', () => {
  // Cap 4: the start, its two sequels 2 and 3, and the lowest id one level down. 2's
  // side stories (20, 21, 22) arrive first, but 3's (10) is the one that belongs.
  const graph = new Map<number, Relation[]>([
    [1, [edge(1, 2, 'SEQUEL'), edge(1, 3, 'SIDE_STORY')]],
    [2, [edge(2, 20, 'SIDE_STORY'), edge(2, 21, 'SIDE_STORY'), edge(2, 22, 'SIDE_STORY')]],
    [3, [edge(3, 10, 'SIDE_STORY')]],
    [10, []],
  ]);
  const policy = { ...defaultPolicy, maxEntries: 4 };
  const walk = createFranchiseWalk(1, policy);
  const asked = driveInOrder(walk, graph, [1, 2, 3, 10]);
  assert.deepEqual(asked, [1, 2, 3, 10]);
  assert.deepEqual([...walk.members()], [[1, 0], [2, 1], [3, 1], [10, 2]]);
  assert.equal(walk.truncated, true);
});

/** mulberry32: a tiny seeded PRNG, so every shuffled order can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A pipelined engine in miniature: requests are in flight together and come back one at a
 * time or in batches, in random order; new requests join the flight as answers arrive.
 */
function walkOutOfOrder(root: number, policy: FranchisePolicy, random: () => number): { result: FranchiseWalkResult; fetched: number } {
  const walk = createFranchiseWalk(root, policy);
  const inFlight = walk.pending();
  let fetched = inFlight.length;
  while (inFlight.length > 0) {
    const take = 1 + Math.floor(random() * Math.min(inFlight.length, 6));
    const answered: number[] = [];
    for (let i = 0; i < take; i++) answered.push(inFlight.splice(Math.floor(random() * inFlight.length), 1)[0]);
    const asked = random() < 0.5 ? walk.visitAll(answered.map((id) => [id, catalogEdges(id)] as const)) : answered.flatMap((id) => walk.visit(id, catalogEdges(id)));
    fetched += asked.length;
    inFlight.push(...asked);
  }
  assert.deepEqual(walk.pending(), []);
  return { result: walk.result(), fetched };
}

test('out-of-order visits give the same franchise as walking in one go', () => {
  const loose = parsePolicy([...DEFAULT_FOLLOW, 'CHARACTER', 'OTHER'], { maxEntries: 60 });
  const cases: [root: number, policy: FranchisePolicy][] = [
    ...REFERENCE.map(([, id]) => [id, defaultPolicy] as [number, FranchisePolicy]),
    [2252, defaultPolicy], // Devilman: two crossovers held back
    [3898, defaultPolicy], // starting at a crossover
    [21520, defaultPolicy], // Koyomimonogatari: four parents, rule decided away from the root
    [20467, defaultPolicy], // Prisma Illya 2Wei: climbs through a multi-parent spin-off
    [5081, { ...defaultPolicy, maxEntries: 7 }],
    [356, { ...defaultPolicy, maxDepth: 2 }],
    [80, { ...defaultPolicy, maxEntries: 50, maxDepth: 3 }],
    [16498, loose],
  ];
  const random = seeded(20260705);
  for (const [root, policy] of cases) {
    const expected = walkFranchise(root, catalogEdges, policy);
    for (let run = 0; run < 12; run++) {
      const { result, fetched } = walkOutOfOrder(root, policy, random);
      assert.deepEqual(result, expected, `root ${root}, run ${run}`);
      if (!expected.truncated) {
        // Besides members, only the parents the crossover rule held back are fetched.
        const held = new Set(expected.bridges.flatMap((id) => catalogEdges(id)!.filter((e) => e.type === 'PARENT' && !expected.members.has(e.to)).map((e) => e.to)));
        assert.equal(fetched, expected.members.size + held.size, `root ${root}, run ${run}`);
      } else {
        // Under a cap, entries fetched early may lose their place to nearer ones found later.
        assert.ok(fetched <= expected.members.size * 1.5, `root ${root}, run ${run}: fetched ${fetched}`);
      }
    }
  }
});
