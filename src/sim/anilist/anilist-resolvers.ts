import {
  getArgumentValues,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
  type FieldNode,
} from 'graphql';
import type { CatalogMedia } from '../../catalog/catalog.ts';
import type { Random } from '../seeded-random.ts';
import { AnilistError } from './anilist-error.ts';
import { findMedia, type MediaQueryArgs } from './media-query.ts';
import { MediaView, type MediaContext } from './media-view.ts';

/** AniList silently clamps perPage to this. */
export const MAX_PER_PAGE = 50;
/** AniList refuses offsets past this many entries. */
export const MAX_PAGE_DEPTH = 5000;

export interface ResolverContext extends MediaContext {
  random: Random;
}

/** The root value for graphql-js: Media and Page; every other root field resolves to null. */
export function anilistRoot(ctx: ResolverContext) {
  return {
    Media(args: MediaQueryArgs) {
      const [found] = findMedia(ctx.catalog, ctx.figures, args, ctx.random);
      if (!found) throw new AnilistError('Not Found.', 404);
      return new MediaView(found, ctx);
    },
    Page(args: { page?: number | null; perPage?: number | null }, _context: unknown, info: GraphQLResolveInfo) {
      const page = Math.max(1, args.page ?? 1);
      const perPage = Math.min(MAX_PER_PAGE, Math.max(1, args.perPage ?? MAX_PER_PAGE));
      if ((page - 1) * perPage >= MAX_PAGE_DEPTH) {
        throw new AnilistError(`Page depth exceeds maximum allowed for API requests (${MAX_PAGE_DEPTH} entries)`, 400);
      }
      return new PageView(ctx, page, perPage, info);
    },
  };
}

/**
 * A Page: `media` answers one slice of the matches; `pageInfo` counts the matches of the Page's first
 * media field, which it finds in the query itself because graphql-js may resolve pageInfo first.
 */
class PageView {
  /** Matches per media-argument set, so media and pageInfo agree even when the order is shuffled. */
  private readonly results = new Map<string, CatalogMedia[]>();

  constructor(
    private readonly ctx: ResolverContext,
    private readonly page: number,
    private readonly perPage: number,
    private readonly pageField: GraphQLResolveInfo,
  ) {}

  private matches(args: MediaQueryArgs): CatalogMedia[] {
    const key = JSON.stringify(args);
    let found = this.results.get(key);
    if (!found) {
      found = findMedia(this.ctx.catalog, this.ctx.figures, args, this.ctx.random);
      this.results.set(key, found);
    }
    return found;
  }

  media(args: MediaQueryArgs) {
    const start = (this.page - 1) * this.perPage;
    return this.matches(args)
      .slice(start, start + this.perPage)
      .map((media) => new MediaView(media, this.ctx));
  }

  pageInfo() {
    const info = this.pageField;
    const node = findField(info.fieldNodes.map((n) => n.selectionSet), 'media', info.fragments);
    const pageType = info.schema.getType('Page') as GraphQLObjectType;
    const total = node ? this.matches(getArgumentValues(pageType.getFields().media, node, info.variableValues) as MediaQueryArgs).length : 0;
    return {
      total,
      perPage: this.perPage,
      currentPage: this.page,
      lastPage: Math.max(1, Math.ceil(total / this.perPage)),
      hasNextPage: this.page * this.perPage < total,
    };
  }
}

function findField(
  sets: (SelectionSetNode | undefined)[],
  name: string,
  fragments: Record<string, FragmentDefinitionNode>,
): FieldNode | undefined {
  for (const set of sets) {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD && selection.name.value === name) return selection;
      const inner =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.selectionSet
          : selection.kind === Kind.FRAGMENT_SPREAD
            ? fragments[selection.name.value]?.selectionSet
            : undefined;
      const found = inner && findField([inner], name, fragments);
      if (found) return found;
    }
  }
  return undefined;
}
