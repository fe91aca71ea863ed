import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Catalog, CatalogMedia } from '../../catalog/catalog.ts';
import type { SourceWorks } from '../source-works.ts';
import type { Reply } from '../sim-reply.ts';
import { colourFor, drawCover, parseHexColour } from './cover-art.ts';
import { parseCoverPath, type CoverRequest } from './cover-urls.ts';
import { encodePng } from './png.ts';

/** Images kept encoded; a page shows a few dozen covers in two or three sizes. */
const CACHED_IMAGES = 256;

const notFound = (): Reply => ({ status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Not Found' });

/**
 * Generated covers for every catalog entry, in AniList's and MyAnimeList's sizes, served as an
 * image CDN would: PNG, a strong ETag (304 on If-None-Match) and a year of Cache-Control. The
 * files outlive catalog edits and removals, as a CDN's do; ids the catalog never had are 404s.
 */
export class CoverImages {
  private readonly images = new Map<string, { body: Buffer; etag: string }>();

  constructor(
    private readonly catalog: Catalog,
    private readonly works: SourceWorks,
  ) {}

  answer(method: string, pathname: string, headers: IncomingHttpHeaders): Reply {
    if (method !== 'GET' && method !== 'HEAD') {
      return { status: 405, headers: { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Method Not Allowed' };
    }
    const request = parseCoverPath(pathname);
    const image = request && this.image(request);
    if (!image) return notFound();
    const cacheHeaders = { ETag: image.etag, 'Cache-Control': 'public, max-age=31536000, immutable', 'Access-Control-Allow-Origin': '*' };
    if (headers['if-none-match']?.split(',').some((tag) => tag.trim() === image.etag)) return { status: 304, headers: cacheHeaders, body: '' };
    return { status: 200, headers: { ...cacheHeaders, 'Content-Type': 'image/png' }, body: image.body };
  }

  private image(request: CoverRequest): { body: Buffer; etag: string } | null {
    const key = `${request.source}:${request.kind}:${request.id}:${request.width}`;
    const cached = this.images.get(key);
    if (cached) {
      this.images.delete(key);
      this.images.set(key, cached);
      return cached;
    }
    // One look per entry on both sites: a MAL cover takes the colour and layout of its AniList entry.
    const media = this.entry(request);
    if (!media && !(request.source === 'mal' && request.kind === 'anime' && this.catalog.mal.has(request.id))) return null;
    const colour = parseHexColour(media?.coverImage.color ?? null) ?? colourFor(media ? media.id : `mal-${request.id}`);
    const body = encodePng(request.width, request.height, drawCover(colour, request.width, request.height, media?.id ?? -request.id));
    const image = { body, etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 20)}"` };
    this.images.set(key, image);
    if (this.images.size > CACHED_IMAGES) this.images.delete(this.images.keys().next().value!);
    return image;
  }

  private entry({ source, kind, id }: CoverRequest): CatalogMedia | undefined {
    if (kind === 'manga') return source === 'anilist' ? this.works.works.get(id) : this.works.byMalId.get(id);
    return source === 'anilist' ? this.catalog.media.get(id) : this.catalog.mediaByMalId.get(id);
  }
}
