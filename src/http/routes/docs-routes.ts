import { BEARER_SCHEME } from '../openapi-parts.ts';
import type { ApiApp } from '../route-deps.ts';

const DOCUMENT = {
  openapi: '3.0.3',
  info: {
    title: 'Tsunagu API',
    version: '0.1.0',
    description:
      'Anime franchises from one title: read stored franchises, start ingests, follow their progress live. ' +
      'Errors are application/problem+json (RFC 9457).',
  },
};

type Operation = { operationId?: string; security?: Record<string, string[]>[]; summary?: string; description?: string; parameters?: { name: string; in: string; required?: boolean; description?: string }[]; responses?: Record<string, { description?: string }> };

/** `GET /api/openapi.json` (generated from the route schemas) and a self-contained page listing it at `/api/docs`. */
export function registerDocsRoutes(app: ApiApp): void {
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description:
      'The server\'s TSUNAGU_API_TOKEN. Only asked for when the server has one: then every POST needs it, and so does a read ' +
      'that would spend AniList or Jikan budget (a franchise read that starts an ingest or refresh, a search with remote=true).',
  });
  app.doc('/api/openapi.json', DOCUMENT);
  let page: string | null = null;
  app.get('/api/docs', (c) => {
    // Built on first use: by then every route is registered.
    page ??= renderDocs(app.getOpenAPIDocument(DOCUMENT) as unknown as { paths?: Record<string, Record<string, Operation>> });
    return c.html(page);
  });
}

function renderDocs(document: { paths?: Record<string, Record<string, Operation>> }): string {
  const sections: string[] = [];
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? [])
        .map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''})${p.description ? `: ${esc(p.description)}` : ''}</li>`)
        .join('');
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<li><code>${esc(status)}</code> ${esc(r.description ?? '')}</li>`)
        .join('');
      sections.push(
        `<section id="${esc(op.operationId ?? '')}"><h2><code>${esc(method.toUpperCase())} ${esc(path)}</code> <small>${esc(op.operationId ?? '')}</small></h2>` +
          `<p>${esc(op.summary ?? '')}</p>${op.description ? `<p>${esc(op.description)}</p>` : ''}` +
          (op.security ? `<p>Bearer token: ${op.security.some((r) => Object.keys(r).length === 0) ? 'when it spends upstream budget' : 'always'} (when the server has one)</p>` : '') +
          (params ? `<h3>Parameters</h3><ul>${params}</ul>` : '') +
          `<h3>Responses</h3><ul>${responses}</ul></section>`,
      );
    }
  }
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${esc(DOCUMENT.info.title)}</title></head><body><main><h1>${esc(DOCUMENT.info.title)}</h1>` +
    `<p>${esc(DOCUMENT.info.description)}</p><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a></p>` +
    `${sections.join('')}</main></body></html>`
  );
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
