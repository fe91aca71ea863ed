import type { Catalog, CatalogMedia } from '../catalog/catalog.ts';
import { inverseOf } from '../domain/relation-type.ts';
import { fuzzyDateInt } from './anilist/media-fields.ts';
import { perCatalog } from './per-catalog.ts';
import { WORK_ID_BASE, workMalId, type SourceWork, type WorkEdge } from './source-work.ts';

export type { SourceWork, WorkEdge };

/** AniList formats of the works an anime's `source` names; sources AniList does not catalog (games, visual novels) have none. */
const WORK_FORMAT: Readonly<Record<string, 'MANGA' | 'NOVEL'>> = {
  MANGA: 'MANGA',
  DOUJINSHI: 'MANGA',
  COMIC: 'MANGA',
  LIGHT_NOVEL: 'NOVEL',
  NOVEL: 'NOVEL',
  WEB_NOVEL: 'NOVEL',
};

/** Anime edges that keep two anime on one source work when both name the same kind of source. */
const SAME_WORK = new Set(['SEQUEL', 'PREQUEL', 'PARENT', 'SIDE_STORY', 'SUMMARY', 'ALTERNATIVE', 'COMPILATION', 'CONTAINS']);
/** Anime edges that, between two works, become the same edge between the works (and to the other anime's work). */
const CROSS_WORK = new Set(['SPIN_OFF', 'SIDE_STORY', 'ALTERNATIVE']);

/**
 * The catalog holds anime only; AniList and MyAnimeList also list the manga and novels they adapt.
 * One work per group of anime that share a kind of source and are joined by SEQUEL, PREQUEL, PARENT,
 * SIDE_STORY, SUMMARY, ALTERNATIVE, COMPILATION or CONTAINS edges (every Attack on Titan season, both
 * Fullmetal Alchemist series, adapt one manga). Each anime gets a SOURCE edge to its work, the work an
 * ADAPTATION edge back. Where an anime is a SPIN_OFF, SIDE_STORY or ALTERNATIVE of an anime adapting
 * another work, the first anime and its own work get that edge to the other work (the inverse back):
 * Attack on Titan gains a SIDE_STORY edge to the novel Lost Girls adapts.
 */
export class SourceWorks {
  readonly works = new Map<number, SourceWork>();
  readonly byMalId = new Map<number, SourceWork>();
  /** Work of each adapting anime. */
  private readonly workOf = new Map<number, SourceWork>();
  /** Extra edges from anime to works, in the order they were derived. */
  private readonly animeEdges = new Map<number, WorkEdge[]>();

  constructor(catalog: Catalog) {
    const groups = groupBySource(catalog);
    for (const members of groups) {
      const work = workFor(members);
      this.works.set(work.id, work);
      if (work.idMal !== null) this.byMalId.set(work.idMal, work);
      for (const anime of members) {
        this.workOf.set(anime.id, work);
        this.link(anime.id, work, 'SOURCE');
      }
    }
    for (const anime of catalog.media.values()) {
      for (const relation of anime.relations) {
        if (!CROSS_WORK.has(relation.relationType)) continue;
        const other = this.workOf.get(relation.id);
        const own = this.workOf.get(anime.id);
        if (!other || other === own) continue;
        this.link(anime.id, other, relation.relationType);
        if (own) this.linkWorks(own, other, relation.relationType);
      }
    }
  }

  /** Edges the simulator adds to an anime's relations (none for anime without a derived work nearby). */
  edgesFrom(animeId: number): readonly WorkEdge[] {
    return this.animeEdges.get(animeId) ?? [];
  }

  private link(animeId: number, work: SourceWork, type: string): void {
    const edges = this.animeEdges.get(animeId) ?? [];
    if (edges.some((e) => e.id === work.id)) return;
    edges.push({ id: work.id, relationType: type });
    this.animeEdges.set(animeId, edges);
    addEdge(work, animeId, inverseOf(type));
  }

  private linkWorks(from: SourceWork, to: SourceWork, type: string): void {
    if (from.relations.some((r) => r.id === to.id)) return;
    addEdge(from, to.id, type);
    addEdge(to, from.id, inverseOf(type));
  }
}

function addEdge(work: SourceWork, id: number, relationType: string): void {
  if (!work.relations.some((r) => r.id === id)) work.relations.push({ id, relationType });
}

/** Anime grouped by the work they adapt (union-find over same-source edges), each group sorted by id. */
function groupBySource(catalog: Catalog): CatalogMedia[][] {
  const parent = new Map<number, number>();
  const find = (id: number): number => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  const sourced = [...catalog.media.values()].filter((m) => m.source !== null && WORK_FORMAT[m.source]);
  for (const anime of sourced) parent.set(anime.id, anime.id);
  for (const anime of sourced) {
    for (const relation of anime.relations) {
      const other = catalog.media.get(relation.id);
      if (other && other.source === anime.source && SAME_WORK.has(relation.relationType)) {
        const [a, b] = [find(anime.id), find(other.id)];
        if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
      }
    }
  }
  const groups = new Map<number, CatalogMedia[]>();
  for (const anime of sourced) {
    const root = find(anime.id);
    const group = groups.get(root) ?? [];
    group.push(anime);
    groups.set(root, group);
  }
  return [...groups.values()].map((g) => g.sort((a, b) => a.id - b.id));
}

/** The work a group adapts: titled after its earliest anime, with only what the anime tell about it. */
function workFor(members: CatalogMedia[]): SourceWork {
  // Named after the first TV series when there is one (One Piece's manga is not named after its 1998 OVA).
  const byStart = [...members].sort((a, b) => (fuzzyDateInt(a.startDate) ?? Infinity) - (fuzzyDateInt(b.startDate) ?? Infinity) || a.id - b.id);
  const root = byStart.find((m) => m.format === 'TV') ?? byStart[0]!;
  const malIds = members.map((m) => m.idMal).filter((id): id is number => id !== null);
  const ongoing = members.some((m) => m.status === 'RELEASING' || m.status === 'NOT_YET_RELEASED');
  const format = WORK_FORMAT[root.source!]!;
  const name = root.title.romaji ?? root.title.english ?? root.title.native ?? `#${root.id}`;
  return {
    type: 'MANGA',
    sourceKind: root.source!,
    rootAnimeId: root.id,
    id: WORK_ID_BASE + members[0]!.id,
    idMal: malIds.length > 0 ? workMalId(Math.min(...malIds)) : null,
    title: { ...root.title },
    synonyms: [],
    format,
    // A work still running while its adaptations air is the common case; otherwise it is over.
    status: ongoing ? 'RELEASING' : 'FINISHED',
    startDate: null,
    endDate: null,
    season: null,
    seasonYear: null,
    episodes: null,
    duration: null,
    source: 'ORIGINAL',
    genres: [...root.genres],
    tags: [],
    averageScore: null,
    studios: [],
    coverImage: { large: null, color: root.coverImage.color },
    bannerImage: null,
    description: `Synthetic ${format === 'NOVEL' ? 'novel' : 'manga'} added by the Tsunagu simulator: the source of ${name} and the ${members.length} anime adapting it. Not AniList data.`,
    isAdult: root.isAdult,
    relations: [],
  };
}

/** One SourceWorks per catalog: deriving it walks every relation (tens of ms). */
export const sourceWorks = perCatalog((catalog) => new SourceWorks(catalog));
