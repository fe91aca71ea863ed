import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import type { CatalogMedia } from '../../catalog/catalog.ts';
import { normaliseTitle } from '../../domain/title.ts';
import type { DerivedFigures } from '../derived-figures.ts';
import type { LiveCatalog } from '../live-catalog.ts';
import { shuffleInPlace, type Random } from '../seeded-random.ts';
import { mediaArgumentRules, mediaFilter, type ArgumentRule, type MediaArgs } from './media-arguments.ts';
import { MediaSorter, type Ranked } from './media-sort.ts';

export type { MediaArgs };

export interface FinderContext {
  figures: DerivedFigures;
  live: LiveCatalog;
  random: Random;
}

/** Sorted answers kept for repeated arguments: a client paging one filter asks the same thing 100 times. */
const CACHED_ANSWERS = 16;

const present = <T>(values: unknown): T[] | undefined => (Array.isArray(values) ? values.filter((v): v is T => v !== null) : undefined);

/**
 * Answers Media and Page.media over the live catalog: every argument of both fields is honoured
 * or refused (see media-arguments.ts), in AniList's order: the requested sort; else best search
 * match; else, for id_in/idMal_in, a seeded shuffle (AniList does not keep the order asked for);
 * else by id. Unknown ids are simply absent.
 */
export class MediaFinder {
  private readonly rules = new Map<string, ArgumentRule>();
  private readonly sorter: MediaSorter;
  private readonly answers = new Map<string, CatalogMedia[]>();

  constructor(schema: GraphQLSchema) {
    const page = schema.getType('Page') as GraphQLObjectType;
    for (const field of [schema.getQueryType()!.getFields().Media!, page.getFields().media!]) {
      for (const [name, rule] of mediaArgumentRules(field)) this.rules.set(name, rule);
    }
    this.sorter = new MediaSorter(schema);
  }

  /** Every matching entry, in order; throws AnilistError for a refused argument or sort. */
  find(args: MediaArgs, ctx: FinderContext): readonly CatalogMedia[] {
    const shuffled = !present<string>(args.sort)?.length && !this.searches(args) && (present(args.id_in) ?? present(args.idMal_in)) !== undefined;
    if (shuffled) return this.findUncached(args, ctx);
    const key = `${ctx.live.version}|${JSON.stringify(args)}`;
    let found = this.answers.get(key);
    if (found) {
      this.answers.delete(key);
    } else {
      found = this.findUncached(args, ctx);
      if (this.answers.size >= CACHED_ANSWERS) this.answers.delete(this.answers.keys().next().value!);
    }
    this.answers.set(key, found);
    return found;
  }

  private searches(args: MediaArgs): boolean {
    // A search of nothing ("" or only punctuation) filters nothing, as on AniList.
    return typeof args.search === 'string' && normaliseTitle(args.search) !== '';
  }

  private findUncached(args: MediaArgs, ctx: FinderContext): CatalogMedia[] {
    const test = mediaFilter(this.rules, args, ctx);
    const { live } = ctx;
    const pick = (ids: number[], get: (id: number) => CatalogMedia | undefined) =>
      [...new Set(ids)].map(get).filter((m): m is CatalogMedia => m !== undefined);
    let candidates: Iterable<CatalogMedia>;
    const idIn = present<number>(args.id_in);
    const idMalIn = present<number>(args.idMal_in);
    if (typeof args.id === 'number') candidates = pick([args.id], (id) => live.get(id));
    else if (idIn) candidates = pick(idIn, (id) => live.get(id));
    else if (typeof args.idMal === 'number') candidates = live.getByMal(args.idMal);
    else if (idMalIn) candidates = [...new Set(idMalIn)].flatMap((id) => live.getByMal(id));
    else candidates = live.visible();

    const matches = this.searches(args) ? live.searchTitles(args.search as string) : null;
    const kept: Ranked[] = [];
    for (const media of candidates) {
      const match = matches ? (matches.get(media.id) ?? 0) : 0;
      if ((matches && match === 0) || !test(media)) continue;
      kept.push({ media, match });
    }

    const sorts = present<string>(args.sort) ?? [];
    if (sorts.length > 0) this.sorter.sort(kept, sorts, ctx);
    else if (matches) this.sorter.bySearchMatch(kept, ctx);
    else if (idIn || idMalIn) shuffleInPlace(kept, ctx.random);
    else kept.sort((a, b) => a.media.id - b.media.id);
    return kept.map((k) => k.media);
  }
}
