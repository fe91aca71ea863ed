import type { CatalogMedia } from '../../catalog/catalog.ts';
import type { FuzzyDate } from '../../domain/anime.ts';
import type { CompanyIds } from '../company-ids.ts';
import { anilistCoverUrls } from '../covers/cover-urls.ts';
import type { DerivedFigures } from '../derived-figures.ts';
import type { FaultPlan } from '../fault-plan.ts';
import type { LiveCatalog } from '../live-catalog.ts';
import type { Random } from '../seeded-random.ts';
import { hostileDescription } from '../script-payload.ts';
import { stableHash } from '../seeded-random.ts';
import { countryOfOrigin, mediaType, tagId, tagRank } from './media-fields.ts';
import type { MediaFinder } from './media-query.ts';
import type { StudioDirectory } from './studio-directory.ts';
import { StudioView } from './studio-view.ts';

/** What every Media view of one request shares. */
export interface MediaContext {
  live: LiveCatalog;
  figures: DerivedFigures;
  faults: FaultPlan;
  companies: CompanyIds;
  studios: StudioDirectory;
  finder: MediaFinder;
  random: Random;
  /** The simulator's origin as the client reached it, for the cover URLs. */
  origin: string;
}

const NO_DATE: FuzzyDate = { year: null, month: null, day: null };
const SEASON_NUMBER: Record<string, number> = { WINTER: 1, SPRING: 2, SUMMER: 3, FALL: 4 };

// Values newer than the version asked for, and what older clients get instead. Without `version: 2`
// AniList reports SOURCE as ADAPTATION; COMPILATION and CONTAINS have no v1 equivalent and read OTHER.
const RELATION_V1: Record<string, string> = { SOURCE: 'ADAPTATION', COMPILATION: 'OTHER', CONTAINS: 'OTHER' };
const STATUS_V1: Record<string, string> = { HIATUS: 'RELEASING' };
const SOURCE_V2_ONLY = new Set(['DOUJINSHI', 'ANIME']);
const SOURCE_V3_ONLY = new Set(['WEB_NOVEL', 'LIVE_ACTION', 'GAME', 'COMIC', 'MULTIMEDIA_PROJECT', 'PICTURE_BOOK']);

const pageInfoOf = (total: number) => ({ total, perPage: total, currentPage: 1, lastPage: 1, hasNextPage: false });

/**
 * One catalog entry shaped as AniList's Media. graphql-js's default resolver reads these properties
 * and calls the methods with the field's arguments. Fields the catalog lacks resolve to null, except
 * where AniList never answers null (dates are objects of null parts; popularity and favourites are
 * derived, see DerivedFigures; updatedAt comes from the LiveCatalog; covers are generated).
 */
export class MediaView {
  constructor(
    private readonly media: CatalogMedia,
    private readonly ctx: MediaContext,
  ) {}

  private get kind() {
    return mediaType(this.media) === 'MANGA' ? 'manga' : 'anime';
  }
  get id() {
    return this.media.id;
  }
  get idMal() {
    return this.media.idMal;
  }
  get type() {
    return mediaType(this.media);
  }
  get format() {
    return this.media.format;
  }
  status(args: { version?: number | null }) {
    const status = this.media.status;
    return status !== null && (args.version ?? 1) < 2 ? (STATUS_V1[status] ?? status) : status;
  }
  get title() {
    const { romaji, english, native } = this.media.title;
    return { romaji, english, native, userPreferred: romaji ?? english ?? native };
  }
  get synonyms() {
    return this.media.synonyms;
  }
  description(args: { asHtml?: boolean | null }) {
    const text = this.ctx.faults.affects('script', 'anilist', this.media.id)
      ? hostileDescription(this.media.title, this.media.id)
      : this.media.description;
    return text !== null && args.asHtml ? `<p>${text}</p>` : text;
  }
  get startDate() {
    return this.media.startDate ?? NO_DATE;
  }
  get endDate() {
    return this.media.endDate ?? NO_DATE;
  }
  get season() {
    return this.media.season;
  }
  get seasonYear() {
    return this.media.seasonYear;
  }
  get seasonInt() {
    const { season, seasonYear } = this.media;
    return season && seasonYear !== null ? (seasonYear % 100) * 10 + SEASON_NUMBER[season] : null;
  }
  get episodes() {
    return this.media.episodes;
  }
  get duration() {
    return this.media.duration;
  }
  source(args: { version?: number | null }) {
    const source = this.media.source;
    const version = args.version ?? 1;
    if (source === null) return null;
    if ((version < 2 && SOURCE_V2_ONLY.has(source)) || (version < 3 && SOURCE_V3_ONLY.has(source))) return 'OTHER';
    return source;
  }
  get genres() {
    return this.media.genres;
  }
  get tags() {
    return this.media.tags.map((name, i) => ({
      id: tagId(name),
      name,
      rank: tagRank(i),
      isMediaSpoiler: false,
      isGeneralSpoiler: false,
      isAdult: false,
      category: null,
      description: null,
    }));
  }
  get averageScore() {
    return this.media.averageScore;
  }
  get meanScore() {
    return this.media.averageScore;
  }
  get popularity() {
    return this.ctx.figures.anilistPopularity(this.media.id);
  }
  get favourites() {
    return this.ctx.figures.anilistFavourites(this.media.id);
  }
  get coverImage() {
    return { ...anilistCoverUrls(this.ctx.origin, this.media.id, this.kind), color: this.media.coverImage.color };
  }
  get bannerImage() {
    return this.media.bannerImage;
  }
  studios(args: { isMain?: boolean | null; sort?: (string | null)[] | null }) {
    // The catalog lists the animation studios that made an entry, all of them main studios.
    // Without a sort AniList keeps the entry's own order.
    const studios = args.isMain === false ? [] : this.media.studios.flatMap((name) => this.ctx.studios.named(name) ?? []);
    const sorts = (args.sort ?? []).filter((s): s is string => s !== null);
    if (sorts.length > 0) this.ctx.studios.sort(studios, sorts);
    const nodes = studios.map((studio) => new StudioView(studio, this.ctx));
    return { nodes, edges: nodes.map((node) => ({ node, id: node.id, isMain: true })), pageInfo: pageInfoOf(nodes.length) };
  }
  /** AniList always answers stats; the catalog has no list or score counts, so every distribution is empty. */
  get stats() {
    return { scoreDistribution: [], statusDistribution: [], airingProgression: [] };
  }
  get relations() {
    const edges = this.ctx.live.relationsOf(this.media).flatMap((relation) => {
      // Removed and unpublished entries vanish from the relations of the entries that list them.
      const target = this.ctx.live.get(relation.id);
      if (!target) return [];
      return [new RelationEdgeView(stableHash('edge', this.media.id, relation.id) % 2_000_000_000, relation.relationType, new MediaView(target, this.ctx))];
    });
    return { edges, nodes: edges.map((e) => e.node), pageInfo: pageInfoOf(edges.length) };
  }
  get countryOfOrigin() {
    return countryOfOrigin(this.media);
  }
  get isAdult() {
    return this.media.isAdult;
  }
  get siteUrl() {
    return `https://anilist.co/${this.kind}/${this.media.id}`;
  }
  get updatedAt() {
    return this.ctx.live.updatedAt(this.media.id);
  }
  get nextAiringEpisode() {
    return null;
  }
  get isFavourite() {
    return false;
  }
  get isFavouriteBlocked() {
    return false;
  }
}

class RelationEdgeView {
  readonly isMainStudio = false;
  constructor(
    readonly id: number,
    private readonly type: string,
    readonly node: MediaView,
  ) {}

  relationType(args: { version?: number | null }) {
    return (args.version ?? 1) < 2 ? (RELATION_V1[this.type] ?? this.type) : this.type;
  }
}
