import type { MiddlewareHandler } from 'hono';
import { readCapped } from '../capped-read.ts';
import { HttpProblem } from './problem.ts';

/**
 * Refuses request bodies over `maxBytes` with a 413 problem, before anything parses them.
 * Hono's own bodyLimit rebuilds the request with the global Request class, which fails
 * on @hono/node-server's request objects when the globals are left alone (as we do);
 * this one hands the read body to Hono's body cache instead.
 */
export function requestBodyLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => new HttpProblem(413, 'body-too-large', 'Request body too large', `request bodies are limited to ${maxBytes} bytes`);
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (!c.req.header('transfer-encoding')) {
      // Without Transfer-Encoding, HTTP/1.1 bodies are exactly Content-Length bytes long (none if absent).
      if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge();
      return next();
    }
    const body = c.req.raw.body;
    if (!body) return next();
    const whole = await readCapped(body, maxBytes);
    if (!whole) throw tooLarge();
    // Hono keeps promises in bodyCache (its type says values); c.req.json() reads from here.
    (c.req.bodyCache as Record<string, unknown>).arrayBuffer = Promise.resolve(whole.buffer);
    return next();
  };
}
