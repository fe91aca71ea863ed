import { AnilistError } from './anilist-error.ts';
import { connectionPageInfo } from './empty-values.ts';
import { MediaView, type MediaContext } from './media-view.ts';
import type { Studio } from './studio-directory.ts';

/** One studio shaped as AniList's Studio; `media` pages through the catalog anime it made. */
export class StudioView {
  readonly isAnimationStudio = true;
  readonly isFavourite = false;
  readonly favourites = null;

  constructor(
    private readonly studio: Studio,
    private readonly ctx: MediaContext,
  ) {}

  get id() {
    return this.studio.id;
  }
  get name() {
    return this.studio.name;
  }
  get siteUrl() {
    return `https://anilist.co/studio/${this.studio.id}`;
  }

  media(args: { sort?: (string | null)[] | null; isMain?: boolean | null; onList?: boolean | null; page?: number | null; perPage?: number | null }) {
    if (args.onList != null) throw new AnilistError('argument onList is not supported by the simulator: it has no users, so nothing is on a list', 400);
    // The catalog lists the studios that made an anime, so every one is a main studio.
    const matches = args.isMain === false ? [] : this.ctx.finder.find({ id_in: this.studio.animeIds, sort: args.sort?.length ? args.sort : ['ID'] }, this.ctx);
    const pageInfo = connectionPageInfo(matches.length, args);
    const start = (pageInfo.currentPage - 1) * pageInfo.perPage;
    const nodes = matches.slice(start, start + pageInfo.perPage).map((m) => new MediaView(m, this.ctx));
    return { nodes, edges: nodes.map((node) => ({ node, id: node.id, isMainStudio: true })), pageInfo };
  }
}
