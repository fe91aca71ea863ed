import type { FuzzyDate, Titles } from './anime.ts';
import { defaultPolicy, type FranchisePolicy } from './franchise-policy.ts';
import { inverseOf, type Relation } from './relation-type.ts';
import { shareTitleStem } from './title-stem.ts';

/*
 * Membership. The walk goes breadth first from the start over AniList's edges of the followed
 * types, in both directions: an entry that names a member as its PARENT (or PREQUEL, ...) is a
 * member though the series never names it back (music videos, specials and recaps often point
 * at a series that lists them as OTHER or not at all). Only AniList's own edges are read, each
 * both ways, so the walk over the store (where inverses are stored as 'inferred' rows and MAL's
 * edges sit beside AniList's) and the walk over the network meet the same graph. A whole TV
 * series that claims a member that way while the member answers only OTHER or CHARACTER needs
 * a shared title stem (see StatedGraph): that is how AniList marks another work of the same
 * setting (Robotics;Notes and Chaos;Head). Setting crossovers: when such a series has a line
 * of its own, the member is a whole series with a line of its own too, and the two did not
 * begin within a year of each other, the claim is not climbed from the series' side either:
 * two franchises sharing a setting (Steins;Gate naming Chaos;Head, Umineko naming Higurashi).
 *
 * OTHER and CHARACTER edges (when not followed) join two entries only where they evidently
 * belong together:
 * - the two share a title stem (see title-stem.ts): the Akito the Exiled films hang off Code
 *   Geass by OTHER edges only;
 * - or the linked entry is a short extra (music video, special, ONA) every one of whose edges
 *   leads into the franchise: a music video linked by CHARACTER to one series has nowhere
 *   else to belong, while a CHARACTER link to a series with its own sequels (Lucky Star from
 *   Haruhi, Toriko from One Piece) joins nothing.
 * The entries on the far side of such links are fetched to judge them, riding along in the
 * batches of 50 members go in.
 *
 * Crossover rule: the walk does not climb from an entry to its PARENTs when it already
 * reached one of that entry's parents at a smaller depth (and takes none of its OTHER or
 * CHARACTER links then either), except to a parent sharing a title stem with such a nearer
 * parent that nothing else reaches.
 *
 * Why: an entry's parents are its context. When the walk came down from one of them, the
 * others are either reachable anyway (the same franchise: nothing is lost), or reachable only
 * through this entry. Those are another franchise, which a crossover must not pull in, unless
 * they are named like the parent the walk came from: a recap of five .hack works lists
 * .hack//Quantum as its PARENT beside .hack//SIGN, and nothing but the recap and an OTHER edge
 * lead to Quantum, while "Lupin III vs Detective Conan" lists two parents named apart. When
 * the walk came up from the entry's own line (its sequels, its own side stories, or the entry
 * itself), its parents are the way to its franchise and it takes all of them. So
 * Nisekoimonogatari (PARENTs Bakemonogatari and Nisekoi) is a member of both franchises
 * without joining them, and a walk that STARTS at it gets both (depth 0: no parent is nearer).
 * Entries with one parent are never affected. The rule reads nothing but the entries' own
 * edges, titles and shortest depths, so it decides the same way whatever order entries
 * arrive in, with no list of known crossovers to keep.
 */

/** Edges the walk reads; the others are kept for display only. */
const WALKED_SOURCE = 'anilist';
/** Loose relation types: followed only where the two entries evidently belong together. */
const LOOSE_TYPES: ReadonlySet<string> = new Set(['OTHER', 'CHARACTER']);
/** Whole series: their one-way claims on a member need title evidence (see links()). */
const SERIES_FORMATS: ReadonlySet<string> = new Set(['TV', 'TV_SHORT']);
/**
 * Months apart two series must have begun for a PARENT claim between them to read as a shared
 * setting rather than a companion series aired alongside (see StatedGraph.settingCrossover).
 */
const COMPANION_MONTHS = 12;
/** Formats of the short extras a loose link may bring in when they lead nowhere else. */
const EXTRA_FORMATS: ReadonlySet<string> = new Set(['MUSIC', 'SPECIAL', 'ONA']);

/** What the walk needs of an entry. */
export interface WalkEntry {
  /** Its AniList edges: the ones it lists, and any known edge pointing at it; each is read both ways. */
  edges: readonly Relation[];
  titles: Titles;
  format: string | null;
  /** When it began airing; undefined or null when unknown (then nothing shows it a companion series: see settingCrossover). */
  startDate?: FuzzyDate | null;
}

/** Titles of an entry nothing is known of but its edges: no title evidence either way. */
export const UNKNOWN_TITLES: Titles = Object.freeze({ romaji: null, english: null, native: null });

/** An entry as the walk is handed it: a WalkEntry, or its edges alone (titles and format unknown, so no title evidence). */
export type WalkInput = WalkEntry | readonly Relation[];

/** A finished (or, while pending() is not empty, provisional) franchise. */
export interface FranchiseWalkResult {
  /** Member id to its shortest hop count from the start, in (depth, id) order. */
  members: Map<number, number>;
  /** True when maxEntries or maxDepth left out entries the policy would have followed. */
  truncated: boolean;
  /** Members where a crossover rule (rule 4 or setting crossovers) stopped the walk before a parent outside the franchise, ascending. */
  bridges: number[];
}

/**
 * A franchise walk the ingest engine drives: fetch pending(), visit each entry as it arrives
 * (in any order, in any grouping), fetch what visit returns, until pending() is empty. The
 * result depends only on the graph, never on arrival order.
 */
export interface FranchiseWalk {
  readonly rootId: number;
  /**
   * Records an entry (`undefined`: unknown or failed; a member stays a member but cannot be
   * expanded) and returns the ids to fetch next, nearest first. A later visit of the same id
   * replaces it. An entry may be visited without being asked for (e.g. one already in the
   * store): it is used only if the walk reaches it.
   */
  visit(id: number, entry: WalkInput | undefined): number[];
  /** visit() for a batch, recomputing once: what a batch of 50 from AniList should use. */
  visitAll(entries: Iterable<readonly [id: number, entry: WalkInput | undefined]>): number[];
  /** Ids returned for fetching (the root from the start) and not visited yet. */
  pending(): number[];
  members(): Map<number, number>;
  readonly truncated: boolean;
  readonly bridges: number[];
  result(): FranchiseWalkResult;
}

export function createFranchiseWalk(rootId: number, policy: FranchisePolicy = defaultPolicy): FranchiseWalk {
  return new Walk(rootId, policy);
}

/**
 * Walks a franchise over a known graph in one go (tests, fixtures): `entryOf` returns an
 * entry, or undefined when it is unknown.
 */
export function walkFranchise(
  rootId: number,
  entryOf: (id: number) => WalkInput | undefined,
  policy: FranchisePolicy = defaultPolicy,
): FranchiseWalkResult {
  const walk = createFranchiseWalk(rootId, policy);
  for (let batch = walk.pending(); batch.length > 0; batch = walk.pending()) {
    walk.visitAll(batch.map((id) => [id, entryOf(id)] as const));
  }
  return walk.result();
}

/** How two entries are linked, over every known edge between them in either direction. */
interface Link {
  /** A followed type other than PARENT. */
  followed: boolean;
  /** PARENT (followed): a climb, subject to the crossover rule unless `followed` too. */
  parent: boolean;
  /** OTHER or CHARACTER, not followed. */
  loose: boolean;
  /** A PARENT the setting-crossover rule reads as OTHER (see StatedGraph.settingCrossover). */
  setting: boolean;
}

type Links = Map<number, Map<number, Link>>;
/** An entry in the walk's scope: the entry, null when it is known to be unknown, undefined when not (yet) in scope. */
type EntryLookup = (id: number) => WalkEntry | null | undefined;
type Climb = 'yes' | 'no' | 'not-yet';

interface Snapshot extends FranchiseWalkResult {
  /** Parents the crossover rule held back, or has not ruled on yet: fetched early (see visitAll). */
  heldParents: number[];
  /** Far ends of loose links of members, not known yet: fetched to judge them. */
  candidates: number[];
  /** Deepest level whose members may be fetched now (see compute). */
  fetchThrough: number;
}

interface Pass extends Snapshot {
  depth: Map<number, number>;
  /** Held parents named like a nearer parent of the entry holding them, unless reached another way. */
  rescuable: Set<number>;
}

function normalise(input: WalkInput): WalkEntry {
  return Array.isArray(input)
    ? { edges: input as readonly Relation[], titles: UNKNOWN_TITLES, format: null }
    : (input as WalkEntry);
}

class Walk implements FranchiseWalk {
  /** Every visited entry; null for one visited as unknown. */
  private readonly known = new Map<number, WalkEntry | null>();
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

  visit(id: number, entry: WalkInput | undefined): number[] {
    return this.visitAll([[id, entry]]);
  }

  visitAll(entries: Iterable<readonly [number, WalkInput | undefined]>): number[] {
    for (const [id, entry] of entries) this.known.set(id, entry ? normalise(entry) : null);
    this.state = this.compute();
    // Held-back parents and loose-link candidates ride along in the same batch: where the
    // walk later takes them, this saves a round trip; otherwise it costs one entry in a
    // batch, rarely an extra request.
    const next: number[] = [];
    for (const id of wanted(this.state)) {
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

  /**
   * The walk over what is known so far, as a function of the known entries alone (which is
   * what makes it order-independent). It replays the walk an engine fetching in rounds
   * would make: from the root, each round takes in the known entries the last round wanted
   * (members, held parents, loose-link candidates) and walks again, until a round wants
   * nothing known that it has not taken in. Entries known for any other reason (fetched
   * early, then pushed out by the entry cap) never count, so what arrived first never
   * matters. Each round costs about a millisecond for a franchise of several hundred entries.
   */
  private compute(): Snapshot {
    const scope = new Set<number>();
    const entryOf = (id: number) => (scope.has(id) ? this.known.get(id) : undefined);
    const graph = new StatedGraph(this.policy, entryOf);
    const admit = (id: number) => {
      scope.add(id);
      graph.add(id, this.known.get(id)?.edges ?? []);
    };
    if (this.known.has(this.rootId)) admit(this.rootId);
    for (;;) {
      const snapshot = this.rounds(graph.links, entryOf);
      const more = wanted(snapshot).filter((id) => this.known.has(id) && !scope.has(id));
      if (more.length === 0) return snapshot;
      for (const id of more) admit(id);
    }
  }

  /**
   * One walk over the entries in scope. Parents the crossover rule would lose though they
   * are named like the parent the walk came from are let through on a second pass, once a
   * full pass shows nothing else reaches them.
   */
  private rounds(links: Links, entryOf: EntryLookup): Snapshot {
    const rescued = new Set<number>();
    let pass = this.pass(links, entryOf, rescued);
    for (;;) {
      const more = [...pass.rescuable].filter((id) => !pass.depth.has(id) && !rescued.has(id));
      if (more.length === 0) break;
      for (const id of more) rescued.add(id);
      pass = this.pass(links, entryOf, rescued);
    }
    this.addExtras(pass, links, entryOf);
    return pass;
  }

  /**
   * A level-by-level BFS. Levels are sorted by id so the entry cap keeps the nearest entries,
   * lowest id first, however the batches arrived.
   */
  private pass(links: Links, entryOf: EntryLookup, rescued: ReadonlySet<number>): Pass {
    const { maxEntries, maxDepth } = this.policy;
    const depth = new Map<number, number>([[this.rootId, 0]]);
    const members = new Map<number, number>();
    const heldBack: number[] = [];
    const heldParents = new Set<number>();
    const candidates = new Set<number>();
    const rescuable = new Set<number>();
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
      if (visitedThrough === d - 1 && level.every((id) => entryOf(id) !== undefined)) visitedThrough = d;
      const last = d === maxDepth || members.size === maxEntries;
      const next: number[] = [];
      for (const id of level) {
        const entry = entryOf(id);
        const out = links.get(id);
        if (!entry || !out) continue;
        const climb = this.climbs(out, d, depth, visitedThrough);
        if (climb === 'no') heldBack.push(id);
        for (const [to, link] of out) {
          if (depth.has(to)) continue;
          let take = link.followed;
          if (!take && link.parent) {
            take = climb === 'yes' || rescued.has(to);
            if (!take && !last) {
              heldParents.add(to);
              if (climb === 'no' && namedLikeNearerParent(to, out, d, depth, entryOf)) rescuable.add(to);
            }
          }
          if (!take && link.loose && climb === 'yes') {
            const far = entryOf(to);
            if (far === undefined) {
              if (!last) candidates.add(to);
            } else take = far !== null && shareTitleStem(entry.titles, far.titles);
          }
          if (!take) continue;
          depth.set(to, d + 1);
          next.push(to);
        }
      }
      if (last) {
        if (next.length > 0) truncated = true;
        break;
      }
      level = next;
    }
    const heldOut = (id: number, parent: (link: Link) => boolean) => [...(links.get(id) ?? [])].some(([to, l]) => parent(l) && !members.has(to));
    const bridges = [
      ...new Set([...heldBack.filter((id) => heldOut(id, (l) => l.parent && !l.followed)), ...[...members.keys()].filter((id) => heldOut(id, (l) => l.setting))]),
    ].sort((a, b) => a - b);
    // While the entry cap binds, a level that is not complete yet may still lose its place
    // to entries nearer the start: fetch it only once the levels above are all visited.
    const fetchThrough = members.size === maxEntries ? visitedThrough + 1 : Infinity;
    return {
      members,
      truncated,
      bridges,
      heldParents: [...heldParents].filter((id) => !members.has(id)),
      candidates: [...candidates].filter((id) => !members.has(id)),
      fetchThrough,
      depth,
      rescuable,
    };
  }

  /** The crossover rule for one entry at depth d. */
  private climbs(out: Map<number, Link>, d: number, depth: Map<number, number>, visitedThrough: number): Climb {
    const parents = [...out].filter(([, link]) => link.parent && !link.followed).map(([to]) => to);
    if (parents.every((parent) => depth.has(parent))) return 'yes'; // nothing new up there either way
    // Until every entry two levels up has been visited, a nearer parent or a shorter way to
    // this entry may still turn up: climbing now could fetch entries that are not members.
    if (visitedThrough < d - 2) return 'not-yet';
    return parents.some((parent) => (depth.get(parent) ?? Infinity) < d) ? 'no' : 'yes';
  }

  /**
   * Short extras (music videos, specials, ONAs) linked to a member whose every edge leads to
   * a member or to another such extra: members one hop below the nearest member they link to.
   * They lead nowhere, so adding them changes no other member; the entry cap still applies.
   */
  private addExtras(pass: Pass, links: Links, entryOf: EntryLookup): void {
    const { members } = pass;
    const extras = new Set<number>();
    for (const id of links.keys()) {
      const entry = entryOf(id);
      if (!entry || members.has(id) || !EXTRA_FORMATS.has(entry.format ?? '')) continue;
      const out = links.get(id);
      if (out && [...out.keys()].some((to) => members.has(to))) extras.add(id);
    }
    for (let changed = true; changed; ) {
      changed = false;
      for (const id of extras) {
        if ([...links.get(id)!.keys()].every((to) => to === id || members.has(to) || extras.has(to))) continue;
        extras.delete(id);
        changed = true;
      }
    }
    if (extras.size === 0) return;
    const { maxEntries, maxDepth } = this.policy;
    const placed = [...extras]
      .map((id) => [id, 1 + Math.min(...[...links.get(id)!.keys()].map((to) => members.get(to) ?? Infinity))] as const)
      .sort(([a, da], [b, db]) => da - db || a - b);
    const room = maxEntries - members.size;
    const kept = placed.filter(([, d]) => d <= maxDepth).slice(0, Math.max(0, room));
    if (kept.length < placed.length) pass.truncated = true;
    const all = [...members, ...kept].sort(([a, da], [b, db]) => da - db || a - b);
    members.clear();
    for (const [id, d] of all) members.set(id, d);
    pass.candidates = pass.candidates.filter((id) => !members.has(id));
  }
}

/** Ids a snapshot wants fetched: members it may expand now, held parents, loose-link candidates. */
function wanted(snapshot: Snapshot): number[] {
  const members = [...snapshot.members].filter(([, depth]) => depth <= snapshot.fetchThrough).map(([id]) => id);
  return [...members, ...snapshot.heldParents, ...snapshot.candidates];
}

/** Whether a held parent shares a title stem with a parent the walk reached before the entry (at a smaller depth). */
function namedLikeNearerParent(parent: number, out: Map<number, Link>, d: number, depth: Map<number, number>, entryOf: EntryLookup): boolean {
  const held = entryOf(parent);
  if (!held) return false;
  return [...out].some(([other, link]) => {
    if (!link.parent || (depth.get(other) ?? Infinity) >= d) return false;
    const nearer = entryOf(other);
    return !!nearer && shareTitleStem(held.titles, nearer.titles);
  });
}

/**
 * What the entries in scope say about each other, and the links the walk reads from it: every
 * stated edge both ways (A -T-> B is also B -inverse(T)-> A). One exception: a TV series that
 * names a member its PARENT (or another followed type) while the member answers only OTHER
 * or CHARACTER is judged like a loose link, by title stem. Music videos and specials point at
 * a series that lists them as OTHER all the time; a whole series doing so is usually another
 * work of the same setting (Robotics;Notes naming Chaos;Head, Dual! naming Tenchi Muyo! GXP).
 * Kept up to date as entries come into scope: a pair's link depends only on what the two say
 * and on the two entries, so only the pairs of an entry taken in change.
 */
class StatedGraph {
  readonly links: Links = new Map();
  /** from -> to -> types `from` states about `to`. */
  private readonly stated = new Map<number, Map<number, Set<string>>>();

  constructor(
    private readonly policy: FranchisePolicy,
    private readonly entryOf: EntryLookup,
  ) {}

  /** Takes in an entry's edges (its own, and any pointing at it that came with it). */
  add(id: number, edges: readonly Relation[]): void {
    const touched = new Set<number>();
    for (const edge of edges) {
      // Self-loops and edges of other entries are noise here.
      if (edge.source !== WALKED_SOURCE || edge.from === edge.to || (edge.from !== id && edge.to !== id)) continue;
      let out = this.stated.get(edge.from);
      if (!out) this.stated.set(edge.from, (out = new Map()));
      let types = out.get(edge.to);
      if (!types) out.set(edge.to, (types = new Set()));
      types.add(edge.type);
      touched.add(edge.from === id ? edge.to : edge.from);
    }
    // The entry's titles and format may change how its existing pairs read.
    for (const other of this.links.get(id)?.keys() ?? []) touched.add(other);
    for (const other of touched) this.relink(id, other);
  }

  /** Recomputes the links between a and b, both ways, from what each says about the other. */
  private relink(a: number, b: number): void {
    const ab = this.emptyLink(a, b);
    const ba = this.emptyLink(b, a);
    for (const [from, to, link, back] of [[a, b, ab, ba], [b, a, ba, ab]] as const) {
      const types = this.stated.get(from)?.get(to);
      if (!types) continue;
      const doubted = this.doubted(from, to);
      const crossover = doubted && this.settingCrossover(from, to);
      for (const type of types) {
        if (crossover && type === 'PARENT') link.setting = true;
        this.mark(link, crossover && type === 'PARENT' ? 'OTHER' : type);
        this.mark(back, doubted && this.policy.follow.has(type) ? 'OTHER' : inverseOf(type));
      }
    }
  }

  private emptyLink(from: number, to: number): Link {
    let out = this.links.get(from);
    if (!out) this.links.set(from, (out = new Map()));
    const link: Link = { followed: false, parent: false, loose: false, setting: false };
    out.set(to, link);
    return link;
  }

  private mark(link: Link, type: string): void {
    if (this.policy.follow.has(type)) {
      if (type === 'PARENT') link.parent = true;
      else link.followed = true;
    } else if (LOOSE_TYPES.has(type)) link.loose = true;
  }

  /** Whether a series' claim on a member that answers it loosely needs title evidence it lacks. */
  private doubted(claimant: number, member: number): boolean {
    const answer = this.stated.get(member)?.get(claimant);
    if (!answer || [...answer].some((type) => this.policy.follow.has(type))) return false;
    const from = this.entryOf(claimant);
    const to = this.entryOf(member);
    return !!from && !!to && SERIES_FORMATS.has(from.format ?? '') && !shareTitleStem(from.titles, to.titles);
  }

  /**
   * The setting-crossover rule, for a doubted claim: whether the series' PARENT edge joins two
   * franchises that share a setting, so that the walk does not climb it either. It does when
   * the member is a whole series too, each of the two has a line of its own (a followed edge
   * to a third entry, in its own edges), and they are not known to have begun within
   * COMPANION_MONTHS of each other:
   * Steins;Gate names ChäoS;HEAd, Umineko names Higurashi, Dual! names Tenchi Muyo! GXP. A
   * series with no line of its own naming another's head its parent is a spin-off of it
   * (Meshimase Lodoss-tou Senki, Ohayou! Ninja-tai Gatchaman), and one begun alongside it
   * is a companion (Naoe-kun wa Yasesasetai. beside Elf-san wa Yaserarenai.): both stay.
   */
  private settingCrossover(claimant: number, member: number): boolean {
    const from = this.entryOf(claimant)!;
    const to = this.entryOf(member)!;
    if (!SERIES_FORMATS.has(to.format ?? '')) return false;
    if (!this.hasOwnLine(claimant, from, member) || !this.hasOwnLine(member, to, claimant)) return false;
    // Only dates known to be close make a companion: an entry handed without its date (a
    // nested node, an announced series) is judged by its lines and titles alone.
    const apart = monthsApart(from.startDate, to.startDate);
    return apart === null || apart >= COMPANION_MONTHS;
  }

  /** Whether the entry's own edges link it by a followed type to an entry other than `besides`. */
  private hasOwnLine(id: number, entry: WalkEntry, besides: number): boolean {
    return entry.edges.some((edge) => {
      if (edge.source !== WALKED_SOURCE || !this.policy.follow.has(edge.type)) return false;
      const other = edge.from === id ? edge.to : edge.to === id ? edge.from : id;
      return other !== id && other !== besides;
    });
  }
}

/** Whole months between two start dates (a missing month counts as January), or null when a year is unknown. */
function monthsApart(a: FuzzyDate | null | undefined, b: FuzzyDate | null | undefined): number | null {
  if (a?.year == null || b?.year == null) return null;
  return Math.abs(a.year * 12 + (a.month ?? 1) - (b.year * 12 + (b.month ?? 1)));
}
