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
import type { MediaArgs, MediaFinder } from './media-query.ts';
import { MediaView, type MediaContext } from './media-view.ts';

/** AniList silently clamps perPage to this. */
const MAX_PER_PAGE = 50;

export interface ResolverContext extends MediaContext {
  random: Random;
  finder: MediaFinder;
  /**
   * AniList's 5,000-result cap (a knob, so tests can use a small one): no filter yields more, so
   * pageInfo.total never exceeds it, the page that reaches it has hasNextPage false, and a page
   * starting at or past it is refused as too deep.
   */
  resultCap: number;
}

/** The root value for graphql-js: Media and Page; every other root field resolves to null. */
export function anilistRoot(ctx: ResolverContext) {
  return {
    Media(args: MediaArgs) {
      const [found] = ctx.finder.find(args, ctx);
      if (!found) throw new AnilistError('Not Found.', 404);
      return new MediaView(found, ctx);
    },
    Page(args: { page?: number | null; perPage?: number | null }, _context: unknown, info: GraphQLResolveInfo) {
      const page = Math.max(1, args.page ?? 1);
      const perPage = Math.min(MAX_PER_PAGE, Math.max(1, args.perPage ?? MAX_PER_PAGE));
      if ((page - 1) * perPage >= ctx.resultCap) {
        throw new AnilistError(`Page depth exceeds maximum allowed for API requests (${ctx.resultCap} entries)`, 400);
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
  /** Matches per media-argument set (cut at the cap), so media and pageInfo agree even when the order is shuffled. */
  private readonly results = new Map<string, readonly CatalogMedia[]>();

  constructor(
    private readonly ctx: ResolverContext,
    private readonly page: number,
    private readonly perPage: number,
    private readonly pageField: GraphQLResolveInfo,
  ) {}

  private matches(args: MediaArgs): readonly CatalogMedia[] {
    const key = JSON.stringify(args);
    let found = this.results.get(key);
    if (!found) {
      found = this.ctx.finder.find(args, this.ctx).slice(0, this.ctx.resultCap);
      this.results.set(key, found);
    }
    return found;
  }

  media(args: MediaArgs) {
    const start = (this.page - 1) * this.perPage;
    return this.matches(args)
      .slice(start, start + this.perPage)
      .map((media) => new MediaView(media, this.ctx));
  }

  pageInfo() {
    const info = this.pageField;
    const node = findField(info.fieldNodes.map((n) => n.selectionSet), 'media', info.fragments);
    const pageType = info.schema.getType('Page') as GraphQLObjectType;
    let total = 0;
    try {
      if (node) total = this.matches(getArgumentValues(pageType.getFields().media!, node, info.variableValues)).length;
    } catch (error) {
      // A refused argument is reported once, by media itself.
      if (error instanceof AnilistError) return null;
      throw error;
    }
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
