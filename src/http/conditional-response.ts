import { COMPRESS_MIN_BYTES, type CachedBody, type Encoding } from './cached-body.ts';

/**
 * Every cached read may change with the next write, from any process: a client keeps its copy
 * but asks again each time (`no-cache`), and the ETag makes an unchanged answer a bodyless
 * 304. `public`: nothing in these answers depends on who asks (see docs/read-cache.md).
 */
export const READ_CACHE_CONTROL = 'public, no-cache';

/**
 * The response for a cached body: 304 when `If-None-Match` names its ETag (or is `*`), else
 * 200 in the best encoding `Accept-Encoding` allows. Headers no other client's request
 * could change: the body, its tag, `Vary: Accept-Encoding`.
 */
export async function conditionalResponse(request: Request, body: CachedBody): Promise<Response> {
  const headers = new Headers({ etag: body.etag, 'cache-control': READ_CACHE_CONTROL, vary: 'Accept-Encoding' });
  if (matchesIfNoneMatch(request.headers.get('if-none-match'), body.etag)) return new Response(null, { status: 304, headers });
  const encoding = body.identity.byteLength < COMPRESS_MIN_BYTES ? 'identity' : chooseEncoding(request.headers.get('accept-encoding'));
  const bytes = await body.in(encoding);
  headers.set('content-type', 'application/json');
  headers.set('content-length', String(bytes.byteLength));
  if (encoding !== 'identity') headers.set('content-encoding', encoding);
  // A Buffer is a Uint8Array over a plain ArrayBuffer (never shared): sent as it is, no copy.
  return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers });
}

/**
 * Weak comparison (RFC 9110 13.1.2): `W/` is ignored on both sides. A malformed header
 * (no quotes, stray text) matches nothing, so the client simply gets the whole answer.
 */
export function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

/**
 * br, then gzip, by the client's q-values (ties go to br: smaller); `identity` when neither
 * is acceptable. `*` stands for any coding not named. Unparseable q-values count as 0.
 */
export function chooseEncoding(header: string | null): Encoding {
  if (!header) return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    q.set(name.trim(), Number.isFinite(value) && value >= 0 && value <= 1 ? value : 0);
  }
  const weight = (coding: string) => q.get(coding) ?? q.get('*') ?? 0;
  const br = weight('br');
  const gz = Math.max(weight('gzip'), q.get('x-gzip') ?? 0);
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return 'identity';
}
