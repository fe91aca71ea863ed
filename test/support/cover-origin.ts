/*
 * A loopback stand-in for AniList's image host, for the cover proxy's tests and the browser
 * tests: it serves generated PNG covers and, on named paths, the faults a cover host can
 * have. In front of a simulator it is also the AniList and Jikan endpoint: requests pass
 * through, and AniList answers come back with every cover URL pointing at its own
 * /covers/, so the page's covers come from the configured ANILIST_URL origin, as a
 * simulator that serves covers would have them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { solidPng } from './png.ts';

export interface CoverOrigin {
  url: string;
  /** `${url}/anilist` and `${url}/jikan/v4` when started in front of a simulator. */
  anilistUrl: string;
  jikanUrl: string;
  /** The URL of a generated cover of an entry and size. */
  coverUrl(id: number, size: string): string;
  /** Cover requests received, by path. */
  requests: Map<string, number>;
  /** Most cover requests open at once so far. */
  peakOpen(): number;
  close(): Promise<void>;
}

/** Paths that misbehave as image hosts can; every other /covers/<id>/<size>.png is a PNG. */
export const FAULTS = {
  svg: '/covers/fault/image.svg',
  htmlAsPng: '/covers/fault/html.png',
  huge: '/covers/fault/huge.png',
  hang: '/covers/fault/hang.png',
  missing: '/covers/fault/missing.png',
  broken: '/covers/fault/broken.png',
  busy: '/covers/fault/busy.png',
  redirectIn: '/covers/fault/redirect-in.png',
} as const;

export async function startCoverOrigin(options: { simulatorUrl?: string; delayMs?: number; hugeBytes?: number; redirectOut?: string } = {}): Promise<CoverOrigin> {
  const requests = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  let open = 0;
  let peak = 0;
  let origin = '';

  const cover = async (path: string, res: ServerResponse) => {
    requests.set(path, (requests.get(path) ?? 0) + 1);
    open++;
    peak = Math.max(peak, open);
    try {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const send = (status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': type, ...headers }).end(body);
      switch (path) {
        case FAULTS.svg:
          return send(200, 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
        case FAULTS.htmlAsPng:
          return send(200, 'image/png', '<html><script>alert(1)</script></html>');
        case FAULTS.huge:
          return send(200, 'image/png', Buffer.concat([solidPng(4, 4, [1, 2, 3]), Buffer.alloc(options.hugeBytes ?? 4 << 20)]));
        case FAULTS.hang:
          hanging.add(res);
          return;
        case FAULTS.missing:
          return send(404, 'text/plain', 'no such image');
        case FAULTS.broken:
          return send(500, 'text/plain', 'broken');
        case FAULTS.busy:
          return send(429, 'text/plain', 'slow down', { 'retry-after': '7' });
        case FAULTS.redirectIn:
          return send(302, 'text/plain', '', { location: '/covers/1/large.png' });
      }
      if (path === '/covers/fault/redirect-out.png' && options.redirectOut) return send(302, 'text/plain', '', { location: options.redirectOut });
      const match = /^\/covers\/(\d+)\/(extraLarge|large|medium)\.png$/.exec(path);
      if (!match) return send(404, 'text/plain', 'no such cover');
      const id = Number(match[1]);
      const scale = { extraLarge: 4, large: 2, medium: 1 }[match[2] as 'large'];
      return send(200, 'image/png', solidPng(23 * scale, 32 * scale, colourOf(id)), { 'cache-control': 'max-age=31536000' });
    } finally {
      open--;
    }
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://origin').pathname;
    if (path.startsWith('/covers/')) return void cover(path, res);
    if (!options.simulatorUrl) return void res.writeHead(404).end();
    void forward(req, res, options.simulatorUrl, origin);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    anilistUrl: `${origin}/anilist`,
    jikanUrl: `${origin}/jikan/v4`,
    coverUrl: (id, size) => `${origin}/covers/${id}/${size}.png`,
    requests,
    peakOpen: () => peak,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A colour per id, far enough from grey to tell a loaded cover from a placeholder. */
function colourOf(id: number): [number, number, number] {
  const hue = (id * 137.508) % 360;
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (0.55 - 0.45 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** Passes a request to the simulator; AniList's JSON comes back with its cover URLs rewritten to this origin. */
async function forward(req: IncomingMessage, res: ServerResponse, simulatorUrl: string, origin: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
  }
  try {
    const answer = await fetch(`${simulatorUrl}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
    let body = Buffer.from(await answer.arrayBuffer());
    if (req.url?.startsWith('/anilist') && (answer.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = Buffer.from(JSON.stringify(rewriteCovers(JSON.parse(body.toString('utf8')), origin)));
      } catch {
        // A truncated body (a fault the simulator was asked for) passes as it is.
      }
    }
    const passed: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) passed[name] = value;
    });
    res.writeHead(answer.status, passed).end(body);
  } catch {
    res.destroy();
  }
}

function rewriteCovers(value: unknown, origin: string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteCovers(v, origin));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(record)) out[key] = rewriteCovers(inner, origin);
  if (typeof record.id === 'number' && typeof record.coverImage === 'object' && record.coverImage !== null) {
    const images = { ...(record.coverImage as Record<string, unknown>) };
    for (const size of ['extraLarge', 'large', 'medium']) if (size in images) images[size] = `${origin}/covers/${record.id}/${size}.png`;
    out.coverImage = images;
  }
  return out;
}
