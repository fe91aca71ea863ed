import type { Context } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from './app-deps.ts';
import type { ReadCache } from './read-cache.ts';

/** What route handlers get: the app's dependencies plus the shared request guards. */
export interface RouteDeps extends AppDeps {
  /** Throws a 401 problem unless the request may write (bearer token, when one is configured). */
  checkWrite(c: Context): void;
  /** Throws a 429 problem when this client has spent too much upstream budget this minute (ingests, refreshes, remote searches). */
  limitSpend(c: Context): Promise<void>;
  /**
   * For a read that may spend upstream budget but need not (a stale franchise's refresh):
   * true, with a point taken, when the request may write and the client is under its limit.
   */
  maySpend(c: Context): Promise<boolean>;
  /** Franchise and search answers, computed once per data version (READ_CACHE_MB). */
  reads: ReadCache;
}

export type ApiApp = OpenAPIHono;
