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
import { AnilistError } from './anilist-error.ts';
import { ROOT_FIELDS } from './anilist-roots.ts';
import { emptyValue } from './empty-values.ts';
import type { MediaArgs } from './media-query.ts';
import { MediaView, type MediaContext } from './media-view.ts';
import type { Studio, StudioArgs } from './studio-directory.ts';
import { StudioView } from './studio-view.ts';

/** AniList silently clamps perPage to this. */
const MAX_PER_PAGE = 50;

export interface ResolverContext extends MediaContext {
  /**
   * AniList's 5,000-result cap (a knob, so tests can use a small one): no filter yields more, so
   * pageInfo.total never exceeds it, the page that reaches it has hasNextPage false, and a page
   * starting at or past it is refused as too deep.
   */
  resultCap: number;
  /** The catalog's genres and tags, sorted, for GenreCollection and MediaTagCollection. */
  genres: readonly string[];
  tags: readonly { id: number; name: string }[];
}

type Resolver = (args: Record<string, unknown>, context: unknown, info: GraphQLResolveInfo) => unknown;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The root value for graphql-js: one resolver per Query field, as ROOT_FIELDS says each is answered. */
export function anilistRoot(ctx: ResolverContext): Record<string, Resolver> {
  const data: Record<string, Resolver> = {
    Media(args) {
      const [found] = ctx.finder.find(args, ctx);
      if (!found) throw new AnilistError('Not Found.', 404);
      return new MediaView(found, ctx);
    },
    Page(args, _context, info) {
      const page = Math.max(1, (args.page as number | null) ?? 1);
      const perPage = Math.min(MAX_PER_PAGE, Math.max(1, (args.perPage as number | null) ?? MAX_PER_PAGE));
      if ((page - 1) * perPage >= ctx.resultCap) {
        throw new AnilistError(`Page depth exceeds maximum allowed for API requests (${ctx.resultCap} entries)`, 400);
      }
      return new PageView(ctx, page, perPage, info);
    },
    Studio(args) {
      const [found] = ctx.studios.find(args as StudioArgs);
      if (!found) throw new AnilistError('Not Found.', 404);
      return new StudioView(found, ctx);
    },
    GenreCollection: () => ctx.genres,
    MediaTagCollection: () =>
      ctx.tags.map((tag) => ({ ...tag, description: null, category: null, rank: null, isGeneralSpoiler: false, isMediaSpoiler: false, isAdult: false, userId: null })),
    Markdown: (args) => ({ html: `<p>${escapeHtml(String(args.markdown))}</p>` }),
  };
  const root: Record<string, Resolver> = {};
  for (const [name, rule] of Object.entries(ROOT_FIELDS)) {
    switch (rule.answer) {
      case 'data':
        root[name] = data[name]!;
        break;
      case 'empty':
        root[name] = (args, _context, info) => emptyValue(info.returnType, args) ?? { hasNextChunk: false };
        break;
      case 'not-found':
        root[name] = () => {
          throw new AnilistError('Not Found.', 404);
        };
        break;
      case 'unauthorized':
        root[name] = () => {
          throw new AnilistError('Unauthorized.', 401);
        };
        break;
    }
  }
  return root;
}

/**
 * A Page: `media` and `studios` answer one slice of their matches (every other Page field is empty,
 * see PAGE_FIELDS); `pageInfo` counts the matches of the Page's first list field, which it finds in
 * the query itself because graphql-js may resolve pageInfo first.
 */
class PageView {
  /** Matches per argument set (cut at the cap), so a list and pageInfo agree even when the order is shuffled. */
  private readonly results = new Map<string, readonly (CatalogMedia | Studio)[]>();

  constructor(
    private readonly ctx: ResolverContext,
    private readonly page: number,
    private readonly perPage: number,
    private readonly pageField: GraphQLResolveInfo,
  ) {}

  private matches(field: string, args: Record<string, unknown>): readonly (CatalogMedia | Studio)[] {
    const key = `${field}|${JSON.stringify(args)}`;
    let found = this.results.get(key);
    if (!found) {
      const all = field === 'media' ? this.ctx.finder.find(args as MediaArgs, this.ctx) : field === 'studios' ? this.ctx.studios.find(args as StudioArgs) : [];
      found = all.slice(0, this.ctx.resultCap);
      this.results.set(key, found);
    }
    return found;
  }

  private slice<T>(items: readonly T[]): T[] {
    const start = (this.page - 1) * this.perPage;
    return items.slice(start, start + this.perPage);
  }

  media(args: MediaArgs) {
    return this.slice(this.matches('media', args) as CatalogMedia[]).map((media) => new MediaView(media, this.ctx));
  }

  studios(args: StudioArgs) {
    return this.slice(this.matches('studios', args as Record<string, unknown>) as Studio[]).map((studio) => new StudioView(studio, this.ctx));
  }

  pageInfo() {
    const info = this.pageField;
    const node = firstListField(info.fieldNodes.map((n) => n.selectionSet), info.fragments);
    const pageType = info.schema.getType('Page') as GraphQLObjectType;
    let total = 0;
    try {
      if (node) total = this.matches(node.name.value, getArgumentValues(pageType.getFields()[node.name.value]!, node, info.variableValues)).length;
    } catch (error) {
      // A refused argument is reported once, by the list field itself.
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

/** The Page's first selected field other than pageInfo (through fragments too). */
function firstListField(sets: (SelectionSetNode | undefined)[], fragments: Record<string, FragmentDefinitionNode>): FieldNode | undefined {
  for (const set of sets) {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD && selection.name.value !== 'pageInfo' && !selection.name.value.startsWith('__')) return selection;
      const inner =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.selectionSet
          : selection.kind === Kind.FRAGMENT_SPREAD
            ? fragments[selection.name.value]?.selectionSet
            : undefined;
      const found = inner && firstListField([inner], fragments);
      if (found) return found;
    }
  }
  return undefined;
}
