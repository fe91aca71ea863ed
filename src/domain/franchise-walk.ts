import { defaultPolicy, type FranchisePolicy } from './franchise-policy.ts';
import type { Relation } from './relation-type.ts';

/*
 * Crossover rule: the walk does not climb from an entry to its PARENTs when it already
 * reached one of that entry's parents at a smaller depth.
 *
 * Why: an entry's parents are its context. When the walk came down from one of them, the
 * others are either reachable anyway (the same franchise: nothing is lost) or reachable only
 * through this entry (another franchise, which a crossover must not pull in). When the walk
 * came up from the entry's own line (its sequels, its own side stories, or the entry itself),
 * its parents are the way to its franchise and it takes all of them. So Nisekoimonogatari
 * (PARENTs Bakemonogatari and Nisekoi) is a member of both franchises without joining them,
 * and a walk that STARTS at it gets both (depth 0: no parent is nearer). Entries with one
 * parent are never affected: their only parent is either the way in or the way up. The rule
 * reads nothing but the entry's own edges and shortest depths, so it decides the same way
 * whatever order entries arrive in, with no list of known crossovers to keep.
 *
 * Only AniList's own edges are read: the store adds inferred inverses and MAL's edges, and
 * following those would make a franchise read from the store differ from the one discovered
 * over the network (Attack on Titan would grow from 16 to 22 entries through inferred edges).
 */

/** Edges the walk reads; the others are kept for display only. */
const WALKED_SOURCE = 'anilist';

/** A finished (or, while pending() is not empty, provisional) franchise. */
export interface FranchiseWalkResult {
  /** Member id to its shortest hop count from the start, in (depth, id) order. */
  members: Map<number, number>;
  /** True when maxEntries or maxDepth left out entries the policy would have followed. */
  truncated: boolean;
  /** Members where the crossover rule stopped the walk before a parent outside the franchise, ascending. */
  bridges: number[];
}

/**
 * A franchise walk the ingest engine drives: fetch pending(), visit each entry with its
 * outgoing edges as they arrive (in any order, in any grouping), fetch what visit returns,
 * until pending() is empty. The result depends only on the graph, never on arrival order.
 */
export interface FranchiseWalk {
  readonly rootId: number;
  /**
   * Records an entry's outgoing edges (`undefined`: the entry is unknown or failed; it stays
   * a member but cannot be expanded) and returns the ids to fetch next, nearest first. A later
   * visit of the same id replaces its edges. An entry may be visited without being asked for
   * (e.g. one already in the store): it is used only if the walk reaches it.
   */
  visit(id: number, edges: readonly Relation[] | undefined): number[];
  /** visit() for a batch, recomputing once: what a batch of 50 from AniList should use. */
  visitAll(entries: Iterable<readonly [id: number, edges: readonly Relation[] | undefined]>): number[];
  /** Ids returned for fetching (the root from the start) and not visited yet. */
  pending(): number[];
  members(): Map<number, number>;
  readonly truncated: boolean;
  readonly bridges: number[];
  result(): FranchiseWalkResult;
}

/** An edge the policy follows, reduced to what the walk needs. */
interface Step {
  to: number;
  /** Only a PARENT edge (no other followed edge to the same entry): subject to the crossover rule. */
  climb: boolean;
}

type Climb = 'yes' | 'no' | 'not-yet';

interface Snapshot extends FranchiseWalkResult {
  /** Parents the crossover rule held back, or has not ruled on yet: fetched early (see visitAll). */
  heldParents: number[];
  /** Deepest level whose members may be fetched now (see compute). */
  fetchThrough: number;
}

export function createFranchiseWalk(rootId: number, policy: FranchisePolicy = defaultPolicy): FranchiseWalk {
  return new Walk(rootId, policy);
}

/**
 * Walks a franchise over a known graph in one go (the store's read, tests): `edgesOf`
 * returns an entry's outgoing edges, or undefined when the entry is unknown.
 */
export function walkFranchise(
  rootId: number,
  edgesOf: (id: number) => readonly Relation[] | undefined,
  policy: FranchisePolicy = defaultPolicy,
): FranchiseWalkResult {
  const walk = createFranchiseWalk(rootId, policy);
  for (let batch = walk.pending(); batch.length > 0; batch = walk.pending()) {
    walk.visitAll(batch.map((id) => [id, edgesOf(id)] as const));
  }
  return walk.result();
}

class Walk implements FranchiseWalk {
  /** Followed outgoing edges of every visited entry; null for an entry visited as unknown. */
  private readonly known = new Map<number, Step[] | null>();
  /** Every id handed out for fetching, in the order handed out. */
  private readonly requested = new Set<number>();
  private state: Snapshot;

  constructor(
    readonly rootId: number,
    private readonly policy: FranchisePolicy,
  ) {
    this.requested.add(rootId);
    this.state = this.compute();
  }

  visit(id: number, edges: readonly Relation[] | undefined): number[] {
    return this.visitAll([[id, edges]]);
  }

  visitAll(entries: Iterable<readonly [number, readonly Relation[] | undefined]>): number[] {
    for (const [id, edges] of entries) this.known.set(id, edges ? this.steps(id, edges) : null);
    this.state = this.compute();
    // Held-back parents ride along in the same batch: where the rule later lets the walk
    // climb, or the parent turns out to be reachable another way (a recap listing every
    // season as its PARENT), this saves a round trip; otherwise it costs one entry in a
    // batch, never an extra request.
    const { members, heldParents, fetchThrough } = this.state;
    const wanted = [...members].filter(([, depth]) => depth <= fetchThrough).map(([id]) => id);
    const next: number[] = [];
    for (const id of [...wanted, ...heldParents]) {
      if (this.requested.has(id) || this.known.has(id)) continue;
      this.requested.add(id);
      next.push(id);
    }
    return next;
  }

  pending(): number[] {
    return [...this.requested].filter((id) => !this.known.has(id));
  }

  members(): Map<number, number> {
    return new Map(this.state.members);
  }

  get truncated(): boolean {
    return this.state.truncated;
  }

  get bridges(): number[] {
    return [...this.state.bridges];
  }

  result(): FranchiseWalkResult {
    return { members: this.members(), truncated: this.truncated, bridges: this.bridges };
  }

  private steps(id: number, edges: readonly Relation[]): Step[] {
    const climbOnly = new Map<number, boolean>();
    for (const edge of edges) {
      // Self-loops and edges of other entries (a store may hand over both directions) are noise here.
      if (edge.from !== id || edge.to === id || edge.source !== WALKED_SOURCE || !this.policy.follow.has(edge.type)) continue;
      climbOnly.set(edge.to, (climbOnly.get(edge.to) ?? true) && edge.type === 'PARENT');
    }
    return [...climbOnly].map(([to, climb]) => ({ to, climb }));
  }

  /**
   * A level-by-level BFS over what is known so far. Recomputing from scratch keeps the
   * result a function of the known edges alone, which is what makes it order-independent;
   * it costs about a millisecond for a franchise of several hundred entries, once per batch.
   * Levels are sorted by id so the entry cap keeps the nearest entries, lowest id first,
   * however the batches arrived.
   */
  private compute(): Snapshot {
    const { maxEntries, maxDepth } = this.policy;
    const depth = new Map<number, number>([[this.rootId, 0]]);
    const members = new Map<number, number>();
    const heldBack: number[] = [];
    const heldParents = new Set<number>();
    let truncated = false;
    // The deepest level such that it and every nearer level have been visited in full: depths
    // down to one level further are final, and the crossover rule may decide one level below that.
    let visitedThrough = -1;
    let level = [this.rootId];
    for (let d = 0; level.length > 0; d++) {
      level.sort((a, b) => a - b);
      const room = maxEntries - members.size;
      if (level.length > room) {
        truncated = true;
        level = level.slice(0, room);
      }
      for (const id of level) members.set(id, d);
      if (visitedThrough === d - 1 && level.every((id) => this.known.has(id))) visitedThrough = d;
      const last = d === maxDepth || members.size === maxEntries;
      const next: number[] = [];
      for (const id of level) {
        const steps = this.known.get(id);
        if (!steps) continue;
        const climb = this.climbs(steps, d, depth, visitedThrough);
        if (climb === 'no') heldBack.push(id);
        for (const step of steps) {
          if (depth.has(step.to)) continue;
          if (step.climb && climb !== 'yes') {
            if (!last) heldParents.add(step.to);
            continue;
          }
          depth.set(step.to, d + 1);
          next.push(step.to);
        }
      }
      if (last) {
        if (next.length > 0) truncated = true;
        break;
      }
      level = next;
    }
    const bridges = heldBack
      .filter((id) => this.known.get(id)!.some((step) => step.climb && !members.has(step.to)))
      .sort((a, b) => a - b);
    // While the entry cap binds, a level that is not complete yet may still lose its place
    // to entries nearer the start: fetch it only once the levels above are all visited.
    const fetchThrough = members.size === maxEntries ? visitedThrough + 1 : Infinity;
    return { members, truncated, bridges, heldParents: [...heldParents].filter((id) => !members.has(id)), fetchThrough };
  }

  /** The crossover rule for one entry at depth d. */
  private climbs(steps: Step[], d: number, depth: Map<number, number>, visitedThrough: number): Climb {
    const parents = steps.filter((step) => step.climb).map((step) => step.to);
    if (parents.every((parent) => depth.has(parent))) return 'yes'; // nothing new up there either way
    // Until every entry two levels up has been visited, a nearer parent or a shorter way to
    // this entry may still turn up: climbing now could fetch entries that are not members.
    if (visitedThrough < d - 2) return 'not-yet';
    return parents.some((parent) => (depth.get(parent) ?? Infinity) < d) ? 'no' : 'yes';
  }
}
