import type { Titles } from './anime.ts';
import type { Relation } from './relation-type.ts';
import { stronglyConnected } from './strongly-connected.ts';
import { compareRelease, releaseKey, unique, type WatchEntry } from './watch-order.ts';

/**
 * What an entry is to someone watching the franchise:
 * - main: the story itself;
 * - side: side stories, spin-offs, specials and lines linked by title, where they aired;
 * - optional: recaps, summaries and compilation films;
 * - extra: parody and chibi spin-offs, music videos, promotional films, after the story;
 * - alternative: another continuity (a re-adaptation, a remake), or a retelling in films.
 */
export type WatchRole = 'main' | 'side' | 'optional' | 'extra' | 'alternative';

export const WATCH_ROLES: readonly WatchRole[] = ['main', 'side', 'optional', 'extra', 'alternative'];

export interface RecommendedEntry {
  id: number;
  role: WatchRole;
  /** One line: why the entry has this role and stands where it does. */
  reason: string;
}

/** What the recommended order reads of a member. */
export interface OrderEntry extends WatchEntry {
  /** The title shown (and named in reasons). */
  title: string;
  /** Title cues (recap, chibi, promotion) are read in the romaji and the English title. */
  titles: Pick<Titles, 'romaji' | 'english'>;
  episodes: number | null;
  /** Minutes per episode. */
  duration: number | null;
  /** AniList popularity (users with it on a list). */
  popularity: number | null;
  /** AniList's average score, 0-100. */
  averageScore: number | null;
  /** MyAnimeList's score, 0-10. */
  malScore: number | null;
  tags: readonly string[];
  genres: readonly string[];
}

/*
 * The order a careful watch guide gives, from the data alone:
 *
 * 1. Release order is the backbone (compareRelease: date, then format, then id).
 * 2. Continuities. The story relations (SEQUEL, PREQUEL, PARENT, SIDE_STORY, SPIN_OFF,
 *    SUMMARY, COMPILATION, CONTAINS) split the franchise into components; a component with
 *    a series in it (TV, ONA, OVA) that only an ALTERNATIVE edge joins to the rest is
 *    another continuity (Brotherhood and the 2003 Fullmetal Alchemist, the 2011 and 1999
 *    Hunter x Hunter). The one most people start with (the most popular entry of its own
 *    story, side stories left out; then the best score, then the most episodes) leads;
 *    every other continuity follows as its own block, in order of its first release. A component of films only is a retelling (the
 *    Rebuild of Evangelion, the Macross Frontier films): it stays where it came out.
 * 3. Film series stay together: films linked film to film by SEQUEL/PREQUEL, each made
 *    within three years of the one before, stand where the first of them came out.
 * 4. A sequel never comes before its prequel, unless the prequel came out later (a prequel
 *    made afterwards stands where it aired), and a side story never before its parent
 *    ("stand where they aired unless they need a later entry"). Within a block these are
 *    hard constraints over the order above; loops in the data are broken by that order.
 * 5. Extras (music videos, parody and chibi spin-offs, promotional films) come after
 *    everything else, in release order. Parody and chibi are judged against the entry the
 *    franchise is known for: Gintama and Hetalia carry the Parody tag themselves. The short
 *    sequels of such a spin-off are more of it (continueExtras). A promotional film is an
 *    extra in any format when it runs a few minutes; a picture drama (a side story told in
 *    stills) is never taken for a comedy extra.
 * 6. Recaps and compilations are optional and stand where they aired: a member names them
 *    its SUMMARY or COMPILATION, they say they CONTAIN it, their title says recap, or they
 *    are films that are the ALTERNATIVE of exactly one series, begun at most three years
 *    before.
 */
export function recommendedOrder(
  members: readonly OrderEntry[],
  relations: readonly Pick<Relation, 'from' | 'to' | 'type'>[],
): RecommendedEntry[] {
  const entries = unique(members).sort(compareRelease);
  if (entries.length === 0) return [];
  const graph = new FranchiseGraph(entries, relations);
  const anchor = mostWatched(entries.filter((e) => STORY_FORMATS.has(e.format ?? ''))) ?? entries[0];
  const mainLine = graph.chainOf(anchor.id);
  const extras = new Map<number, string>();
  for (const e of entries) {
    const kind = graph.extraKind(e, anchor, mainLine);
    if (kind) extras.set(e.id, kind);
  }
  graph.continueExtras(extras, mainLine);
  const component = graph.components(entries.filter((e) => !extras.has(e.id)).map((e) => e.id));
  const { blocks, lead, retellings } = graph.continuities(component);
  const films = graph.filmSeries(new Set(extras.keys()));

  const placed = new Map<number, RecommendedEntry>();
  const main = mainComponent(component, lead, anchor);
  for (const e of entries) {
    const at = { extra: extras.get(e.id), block: blocks.get(e.id) ?? 0, lead, retelling: retellings.get(e.id), inFilmSeries: films.has(e.id), mainLine: component.get(e.id) === main };
    placed.set(e.id, graph.place(e, at));
  }
  const key = (e: OrderEntry): number[] => {
    if (extras.has(e.id)) return [Infinity, ...releaseKey(e), ...releaseKey(e)];
    return [blocks.get(e.id) ?? 0, ...releaseKey(films.get(e.id) ?? e), ...releaseKey(e)];
  };
  const keys = new Map(entries.map((e) => [e.id, key(e)]));
  const sameBlock = (a: number, b: number) => !extras.has(a) && !extras.has(b) && (blocks.get(a) ?? 0) === (blocks.get(b) ?? 0);
  return graph.sortWithin(keys, sameBlock).map((id) => placed.get(id)!);
}

/** Formats of story entries (the rest are specials, music videos and unknown). */
const STORY_FORMATS: ReadonlySet<string> = new Set(['TV', 'TV_SHORT', 'ONA', 'OVA', 'MOVIE']);
/** Formats a continuity needs one of to be more than a retelling in films. */
const SERIES_FORMATS: ReadonlySet<string> = new Set(['TV', 'TV_SHORT', 'ONA', 'OVA']);
/** Formats short gag and chibi spin-offs come in (a title cue in a film's name means something else). */
const SHORT_FORMATS: ReadonlySet<string> = new Set(['SPECIAL', 'ONA', 'OVA', 'TV_SHORT']);
const CHIBI_TITLE = /\b(chibi|chimi|petit|puchi|4-?koma|mini anime)\b|gekijou\b(?!ban)/i;
const PROMO_TITLE = /\b(pv|pvs|cm|cms|trailer|commercial|opening (movie|video|eizou)|shuunen kinen|\d+(st|nd|rd|th) anniversary)\b/i;
const RECAP_TITLE = /\b(recap|soushuuhen|digest|review special)\b/i;
/** Extra kinds (see extraKind) that are not spin-offs with seasons of their own. */
const NOT_SPIN_OFFS: ReadonlySet<string> = new Set(['music video', 'promotional film']);
/** Side stories told in still pictures: they stand where they aired, however comic. */
const PICTURE_DRAMA_TITLE = /\bpicture drama/i;
/** Most years between two films of one film series. */
const FILM_SERIES_YEARS = 3;
/** A film this close after the series it retells is a compilation of it. */
const COMPILATION_YEARS = 3;
/** Chibi and gag shorts run a few minutes an episode; picture dramas and side stories run longer. */
const SHORT_MINUTES = 3;

interface Context {
  /** What kind of extra, if it is one. */
  extra: string | undefined;
  /** 0: the leading continuity (and whatever belongs to none); 1..: the others, in order of first release. */
  block: number;
  /** The leading continuity's most watched entry, when there are several continuities. */
  lead: OrderEntry | undefined;
  /** The series a film-only continuity retells. */
  retelling: number | undefined;
  inFilmSeries: boolean;
  /** In the same story component as the entry the franchise is known for. */
  mainLine: boolean;
}

/** A TV, web or video series: not a film, and not a one-episode OVA (a pilot). */
function isSeries(e: OrderEntry): boolean {
  return SERIES_FORMATS.has(e.format ?? '') && !(e.format === 'OVA' && e.episodes === 1);
}

/** Whether the romaji or the English title matches. */
function titled(e: OrderEntry, pattern: RegExp): boolean {
  return [e.titles.romaji, e.titles.english].some((t) => t !== null && pattern.test(t));
}

/** A series or a film: what a side story may need to have been watched. */
function isSubstantial(e: OrderEntry): boolean {
  return e.format === 'MOVIE' || e.format === 'TV' || e.format === 'TV_SHORT' || ((e.format === 'ONA' || e.format === 'OVA') && e.episodes !== 1);
}

/**
 * The main line: the leading continuity's component when there are several continuities,
 * else the largest component (the anchor's on a tie); the other components are side lines
 * (the Akito the Exiled films beside Code Geass).
 */
function mainComponent(component: Map<number, number>, lead: OrderEntry | undefined, anchor: OrderEntry): number | undefined {
  if (lead) return component.get(lead.id);
  const sizes = new Map<number, number>();
  for (const c of component.values()) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  let best = component.get(anchor.id);
  for (const [c, size] of sizes) if (best === undefined || size > sizes.get(best)!) best = c;
  return best;
}

/** AniList's average score, or MAL's on the same 0-100 scale; -1 without either. */
function scoreOf(e: OrderEntry): number {
  return e.averageScore ?? (e.malScore !== null ? e.malScore * 10 : -1);
}

/** The most popular entry, then the best scored, then the one with most episodes, then the earliest. */
function mostWatched(entries: readonly OrderEntry[]): OrderEntry | undefined {
  return [...entries].sort((a, b) => (b.popularity ?? -1) - (a.popularity ?? -1) || scoreOf(b) - scoreOf(a) || (b.episodes ?? 0) - (a.episodes ?? 0) || compareRelease(a, b))[0];
}

class FranchiseGraph {
  private readonly byId: Map<number, OrderEntry>;
  /** prequel -> sequels */
  private readonly sequels = new Map<number, Set<number>>();
  /** sequel -> prequels (sequels, read backwards) */
  private readonly prequels = new Map<number, Set<number>>();
  /** side story -> parents */
  private readonly parents = new Map<number, Set<number>>();
  /** recap -> what it recaps */
  private readonly recaps = new Map<number, Set<number>>();
  private readonly alternatives = new Map<number, Set<number>>();

  constructor(
    private readonly entries: OrderEntry[],
    relations: readonly Pick<Relation, 'from' | 'to' | 'type'>[],
  ) {
    this.byId = new Map(entries.map((e) => [e.id, e]));
    const add = (map: Map<number, Set<number>>, key: number, value: number) => {
      if (key === value || !this.byId.has(key) || !this.byId.has(value)) return;
      let set = map.get(key);
      if (!set) map.set(key, (set = new Set()));
      set.add(value);
    };
    // Sorted, so what is found first (and named in a reason) never depends on the input order.
    const sorted = [...relations].sort((a, b) => a.from - b.from || a.to - b.to || a.type.localeCompare(b.type));
    for (const { from, to, type } of sorted) {
      switch (type) {
        case 'SEQUEL':
          add(this.sequels, from, to);
          add(this.prequels, to, from);
          break;
        case 'PREQUEL':
          add(this.sequels, to, from);
          add(this.prequels, from, to);
          break;
        case 'PARENT':
          add(this.parents, from, to);
          break;
        case 'SIDE_STORY':
        case 'SPIN_OFF':
          add(this.parents, to, from);
          break;
        case 'SUMMARY':
        case 'COMPILATION':
          add(this.recaps, to, from);
          break;
        case 'CONTAINS':
          add(this.recaps, from, to);
          break;
        case 'ALTERNATIVE':
          add(this.alternatives, from, to);
          add(this.alternatives, to, from);
          break;
      }
    }
  }

  readonly titleOf = (id: number): string => this.byId.get(id)?.title ?? `#${id}`;

  /** The role of one entry, and why it stands where it does, in one line. */
  place(e: OrderEntry, at: Context): RecommendedEntry {
    const t = this.titleOf;
    const where = at.inFilmSeries ? 'with the rest of its film series' : 'where it aired';
    const entry = (role: WatchRole, reason: string): RecommendedEntry => ({ id: e.id, role, reason });
    if (at.extra) return entry('extra', `${at.extra}: after the main story`);
    const recapOf = [...(this.recaps.get(e.id) ?? [])];
    if (recapOf.length > 0) return entry('optional', `recap of ${t(earliest(recapOf, this.byId))}: optional, where it aired`);
    if (titled(e, RECAP_TITLE)) return entry('optional', 'recap: optional, where it aired');
    const compiled = this.compilationOf(e);
    if (compiled !== undefined) return entry('optional', `compilation film of ${t(compiled)}: optional, where it came out`);
    if (at.block > 0) return entry('alternative', `another continuity: its own block after ${t(at.lead!.id)}, ${where}`);
    if (at.retelling !== undefined) return entry('alternative', `retelling of ${t(at.retelling)} in films, ${where}`);
    const parents = this.parentsOf(e);
    if (parents.length > 0) {
      const parent = this.byId.get(latest(parents, this.byId))!;
      const waits = isSubstantial(parent) && compareRelease(parent, e) > 0;
      return entry('side', `side story of ${t(parent.id)}, ${waits ? 'after it (it aired first)' : where}`);
    }
    if (!at.mainLine) return entry('side', `spin-off line, ${where}`);
    return entry('main', `main story, ${where}`);
  }

  /**
   * The entry's parents, as far as they make it a side story: a series or film that AniList
   * lists as the side story of a one-episode special or promotion (Sword Art Online II of a
   * game's pilot film) is not one.
   */
  private parentsOf(e: OrderEntry): number[] {
    const parents = [...(this.parents.get(e.id) ?? [])];
    return isSubstantial(e) ? parents.filter((id) => isSubstantial(this.byId.get(id)!)) : parents;
  }

  /** The entry and every entry a SEQUEL/PREQUEL chain links it to: the franchise's main line. */
  chainOf(id: number): OrderEntry[] {
    const chain = reachable([id], (from) => [...(this.sequels.get(from) ?? []), ...(this.prequels.get(from) ?? [])]);
    return [...chain].map((member) => this.byId.get(member)!);
  }

  /** Parody, chibi, music video or promotional film; undefined for anything else. */
  extraKind(e: OrderEntry, anchor: OrderEntry, mainLine: readonly OrderEntry[]): string | undefined {
    if (e.format === 'MUSIC') return 'music video';
    // What a member names its summary is a recap, whatever else it looks like.
    if (this.recaps.has(e.id)) return undefined;
    const short = SHORT_FORMATS.has(e.format ?? '');
    // A promotional film is short whatever format AniList files it under (an opening film as a MOVIE).
    const minutes = e.duration !== null && e.duration <= SHORT_MINUTES;
    if ((short || minutes) && titled(e, PROMO_TITLE)) return 'promotional film';
    if (mainLine.includes(e)) return undefined;
    // Gintama, Hetalia and Haruhi are tagged Parody themselves: only a tag the main line lacks tells.
    const newTag = (tag: string) => e.tags.includes(tag) && !mainLine.some((m) => m.tags.includes(tag));
    if (newTag('Super Deformed') || newTag('Parody')) return 'parody or chibi spin-off';
    if (!short) return undefined;
    if (titled(e, CHIBI_TITLE)) return 'chibi spin-off';
    if (titled(e, PICTURE_DRAMA_TITLE)) return undefined;
    const gagShort = (x: OrderEntry) => x.genres.includes('Comedy') && x.duration !== null && x.duration <= SHORT_MINUTES;
    if (gagShort(e) && !gagShort(anchor)) return 'comedy short';
    const comedyOnly = (x: OrderEntry) => x.genres.length === 1 && x.genres[0] === 'Comedy';
    if (comedyOnly(e) && !comedyOnly(anchor)) return 'comedy special';
    return undefined;
  }

  /**
   * The sequels and prequels of a parody, chibi or comedy spin-off, when they are short
   * (specials, ONAs, OVAs, TV shorts) and off the main line, are more of the same spin-off:
   * a chibi series' later seasons carry no Parody tag or gag length of their own more often
   * than not (Re:Zero's Break Time, Railgun's Motto Marutto Railgun).
   */
  continueExtras(extras: Map<number, string>, mainLine: readonly OrderEntry[]): void {
    const onMainLine = new Set(mainLine.map((e) => e.id));
    // A music video's or a promotion's sequel is not more of a spin-off.
    const spinOff = (id: number) => {
      const kind = extras.get(id);
      return kind !== undefined && !NOT_SPIN_OFFS.has(kind) ? kind : undefined;
    };
    for (let queue = [...extras.keys()].filter((id) => spinOff(id) !== undefined); queue.length > 0; ) {
      const from = queue.shift()!;
      const kind = spinOff(from)!;
      for (const id of [...(this.sequels.get(from) ?? []), ...(this.prequels.get(from) ?? [])]) {
        const e = this.byId.get(id)!;
        if (extras.has(id) || onMainLine.has(id) || this.recaps.has(id) || !SHORT_FORMATS.has(e.format ?? '')) continue;
        extras.set(id, kind);
        queue.push(id);
      }
    }
  }

  /** The series a film retells shortly after it ended (a compilation), if any. */
  private compilationOf(e: OrderEntry): number | undefined {
    if (e.format !== 'MOVIE' || e.startDate?.year == null) return undefined;
    // A compilation retells one series; a film that is an alternative to several (Fate's
    // Heaven's Feel, to every other route) is a work of its own.
    const series = [...(this.alternatives.get(e.id) ?? [])].filter((id) => SERIES_FORMATS.has(this.byId.get(id)!.format ?? ''));
    if (series.length !== 1) return undefined;
    const seriesYear = this.byId.get(series[0])!.startDate?.year;
    const year = e.startDate.year;
    return seriesYear != null && seriesYear <= year && year - seriesYear <= COMPILATION_YEARS ? series[0] : undefined;
  }

  /**
   * Continuities: story components that an ALTERNATIVE edge joins to another component and
   * that hold a series. The lead is the one most people start with: the one holding the most
   * popular entry (then the best scored, then the longest); a remake that overtook the older
   * version leads it. It gets
   * block 0 with whatever belongs to no continuity; every other continuity gets a block of
   * its own (1.., in order of first release). A component of films only that an ALTERNATIVE
   * edge joins to a series is a retelling: it stays where it came out, unless it came out
   * before the lead began (an older version), then it is a block like the others.
   */
  continuities(component: Map<number, number>): { blocks: Map<number, number>; lead: OrderEntry | undefined; retellings: Map<number, number> } {
    const members = new Map<number, OrderEntry[]>();
    for (const e of this.entries) {
      const c = component.get(e.id);
      if (c === undefined) continue;
      const list = members.get(c);
      if (list) list.push(e);
      else members.set(c, [e]);
    }
    /** For a component: an entry of another component its entries are ALTERNATIVE to. */
    const alternativeOf = (c: number) => {
      for (const e of members.get(c)!) {
        for (const other of this.alternatives.get(e.id) ?? []) {
          const oc = component.get(other);
          if (oc !== undefined && oc !== c) return other;
        }
      }
      return undefined;
    };
    const hasSeries = (c: number) => members.get(c)!.some(isSeries);
    const first = (c: number) => members.get(c)![0];
    const joined = [...members.keys()].filter((c) => alternativeOf(c) !== undefined);
    const continuities = joined.filter(hasSeries);
    const retellings = new Map<number, number>();
    const blocks = new Map<number, number>();
    if (continuities.length === 0) return { blocks, lead: undefined, retellings };
    // A continuity is judged by its own story, not by its side stories: a popular side story
    // says how far fans of a continuity went, not which one people start with. Tenchi Muyo!'s
    // 1992 OVAs lead Tenchi Universe, whose isekai side story is the franchise's most popular entry.
    const story = (c: number) => {
      const own = members.get(c)!.filter((e) => this.parentsOf(e).length === 0);
      return own.length > 0 ? own : members.get(c)!;
    };
    const best = new Map(continuities.map((c) => [c, mostWatched(story(c))!]));
    const leader = mostWatched([...best.values()])!;
    const lead = continuities.find((c) => best.get(c) === leader)!;
    const others = continuities.filter((c) => c !== lead);
    for (const c of joined.filter((c) => !hasSeries(c))) {
      const of = alternativeOf(c)!;
      if (!hasSeries(component.get(of)!)) continue;
      if (compareRelease(first(c), first(lead)) < 0) others.push(c);
      else for (const e of members.get(c)!) retellings.set(e.id, of);
    }
    others.sort((a, b) => compareRelease(first(a), first(b)));
    others.forEach((c, i) => {
      for (const e of members.get(c)!) blocks.set(e.id, i + 1);
    });
    return { blocks, lead: first(lead), retellings };
  }

  /** Connected components over the story relations among `ids`: each id to its component's first id. */
  components(ids: readonly number[]): Map<number, number> {
    const inScope = new Set(ids);
    const next = new Map<number, number[]>(ids.map((id) => [id, []]));
    const link = (a: number, b: number) => {
      if (!inScope.has(a) || !inScope.has(b)) return;
      next.get(a)!.push(b);
      next.get(b)!.push(a);
    };
    for (const map of [this.sequels, this.parents, this.recaps]) for (const [a, set] of map) for (const b of set) link(a, b);
    const component = new Map<number, number>();
    for (const start of ids) {
      if (component.has(start)) continue;
      component.set(start, start);
      for (let stack = [start]; stack.length > 0; ) {
        const id = stack.pop()!;
        for (const to of next.get(id)!) {
          if (component.has(to)) continue;
          component.set(to, start);
          stack.push(to);
        }
      }
    }
    return component;
  }

  /**
   * Each film of a film series (two or more films linked film to film by SEQUEL/PREQUEL, each
   * within FILM_SERIES_YEARS of the one it follows) to the series' first film.
   */
  filmSeries(extras: ReadonlySet<number>): Map<number, OrderEntry> {
    const isFilm = (id: number) => this.byId.get(id)!.format === 'MOVIE' && !extras.has(id);
    const next = new Map<number, number[]>();
    const link = (a: number, b: number) => {
      if (!next.has(a)) next.set(a, []);
      if (!next.has(b)) next.set(b, []);
      next.get(a)!.push(b);
      next.get(b)!.push(a);
    };
    // A film made years after the last one (Macross Frontier's tenth-anniversary film) is a later
    // follow-up, not part of the series: it stands where it came out.
    const madeTogether = (a: number, b: number) => {
      const [ya, yb] = [this.byId.get(a)!.startDate?.year, this.byId.get(b)!.startDate?.year];
      return ya != null && yb != null && Math.abs(ya - yb) <= FILM_SERIES_YEARS;
    };
    for (const [prequel, set] of this.sequels) for (const sequel of set) if (isFilm(prequel) && isFilm(sequel) && madeTogether(prequel, sequel)) link(prequel, sequel);
    const head = new Map<number, OrderEntry>();
    for (const start of next.keys()) {
      if (head.has(start)) continue;
      const series = reachable([start], (id) => next.get(id) ?? []);
      const first = [...series].map((id) => this.byId.get(id)!).sort(compareRelease)[0];
      for (const id of series) head.set(id, first);
    }
    return head;
  }

  /**
   * Sorts by `keys`, keeping each sequel after its prequel (unless the prequel came out
   * later) and each side story after its parent, where `constrained` says the two are in
   * the same block. Loops (contradictory upstream data) keep only the edges that agree
   * with the keys inside each loop. Kahn's algorithm, always taking the smallest key ready.
   */
  sortWithin(keys: Map<number, number[]>, constrained: (a: number, b: number) => boolean): number[] {
    const cmp = (a: number, b: number) => compareKeys(keys.get(a)!, keys.get(b)!);
    const after = new Map<number, Set<number>>(this.entries.map((e) => [e.id, new Set()]));
    const require = (before: number, later: number) => {
      if (before !== later && constrained(before, later)) after.get(before)!.add(later);
    };
    for (const [prequel, set] of this.sequels) {
      for (const sequel of set) if (compareRelease(this.byId.get(prequel)!, this.byId.get(sequel)!) <= 0) require(prequel, sequel);
    }
    // Only a parent with a story of its own makes a side story wait: AniList lists a few
    // series as side stories of a later one-episode promotion.
    for (const [side, set] of this.parents) for (const parent of set) if (isSubstantial(this.byId.get(parent)!)) require(parent, side);
    const ids = this.entries.map((e) => e.id);
    const component = stronglyConnected(ids, (id) => after.get(id)!);
    for (const [before, set] of after) for (const later of [...set]) if (component.get(before) === component.get(later) && cmp(before, later) > 0) set.delete(later);

    const waiting = new Map(ids.map((id) => [id, 0]));
    for (const set of after.values()) for (const id of set) waiting.set(id, waiting.get(id)! + 1);
    const ready = new MinHeap<number>(cmp);
    for (const id of ids) if (waiting.get(id) === 0) ready.push(id);
    const order: number[] = [];
    while (ready.size > 0) {
      const id = ready.pop()!;
      order.push(id);
      for (const later of after.get(id)!) {
        const left = waiting.get(later)! - 1;
        waiting.set(later, left);
        if (left === 0) ready.push(later);
      }
    }
    return order;
  }
}

/** Every id reachable from `start` over `next`, `start` included. */
function reachable(start: readonly number[], next: (id: number) => Iterable<number>): Set<number> {
  const seen = new Set(start);
  for (const stack = [...start]; stack.length > 0; ) {
    for (const to of next(stack.pop()!)) {
      if (seen.has(to)) continue;
      seen.add(to);
      stack.push(to);
    }
  }
  return seen;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function earliest(ids: readonly number[], byId: Map<number, OrderEntry>): number {
  return ids.map((id) => byId.get(id)!).sort(compareRelease)[0].id;
}

function latest(ids: readonly number[], byId: Map<number, OrderEntry>): number {
  return ids.map((id) => byId.get(id)!).sort(compareRelease).at(-1)!.id;
}

/** A binary heap: what Kahn's algorithm takes the smallest ready entry from. */
class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly cmp: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.cmp(items[i], items[parent]) >= 0) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.cmp(items[l], items[m]) < 0) m = l;
        if (r < items.length && this.cmp(items[r], items[m]) < 0) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }
}
