import type { Context } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from './app-deps.ts';

/** What route handlers get: the app's dependencies plus the shared request guards. */
export interface RouteDeps extends AppDeps {
  /** Throws a 401 problem unless the request may write (bearer token, when one is configured). */
  checkWrite(c: Context): void;
  /** Throws a 429 problem when this client has started too many ingests this minute. */
  limitIngest(c: Context): Promise<void>;
}

export type ApiApp = OpenAPIHono;
