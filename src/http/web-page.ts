import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, MiddlewareHandler } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tsunagu</title></head><body>
<h1>Tsunagu</h1><p>The web page is not built yet. Build it with <code>npm run build:web</code> (Vite writes <code>web/dist/</code>) and reload.</p>
<p>The API works meanwhile: <a href="/api/docs">/api/docs</a>.</p></body></html>`;

/**
 * The web page for every GET outside /api: a file of web/dist when one matches, else
 * index.html (the page routes on the client). Checked per request, so building the page
 * while the server runs is enough.
 */
export function webPage(root: string): MiddlewareHandler {
  let serve: { files: MiddlewareHandler; index: MiddlewareHandler } | null = null;
  const nothing = async () => {};
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    if (!existsSync(join(root, 'index.html'))) return c.html(NOT_BUILT, 200, { 'cache-control': 'no-store' });
    // Made once the folder exists: serveStatic complains on stderr about a missing root.
    serve ??= { files: serveStatic({ root }), index: serveStatic({ root, path: 'index.html' }) };
    const file = await serve.files(c, nothing);
    if (file) return cached(c, file);
    const index = await serve.index(c, nothing);
    return index ? cached(c, index) : next();
  };
}

/** Vite names assets by content hash, so they never change under one URL; anything else is revalidated. */
function cached(c: Context, response: Response): Response {
  const immutable = c.req.path.startsWith('/assets/');
  response.headers.set('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  return response;
}

