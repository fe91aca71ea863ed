import type { OpenAPIHono } from '@hono/zod-openapi';
import { createCoverService } from '../covers/cover-service.ts';
import type { Runtime } from '../runtime.ts';
import { createApp } from './app.ts';
import type { Metrics } from './metrics.ts';
import { anilistRemoteSearch, shareRemoteSearch } from './remote-search.ts';
import { REMOTE_SEARCH_TIMEOUT_MS } from './routes/search-routes.ts';
import { httpStore } from './store-adapter.ts';
import { catalogStatus } from '../sync/catalog-status.ts';

export interface RuntimeAppOptions {
  metrics: Metrics;
  /** Aborted at shutdown: open event streams end so the server can close. */
  shutdown: AbortSignal;
  /** The built web page; without it `/` says how to build it. */
  webRoot?: string;
}

/** The API over a runtime's store, ingest service and bus: what `serve` and `demo` both serve. */
export function createRuntimeApp(runtime: Runtime, options: RuntimeAppOptions): OpenAPIHono {
  return createApp({
    config: runtime.config,
    logger: runtime.logger,
    store: httpStore(runtime.store),
    ingest: runtime.ingest,
    bus: runtime.bus,
    searchRemote: shareRemoteSearch(anilistRemoteSearch(runtime.upstreams.anilist), { timeoutMs: REMOTE_SEARCH_TIMEOUT_MS }),
    spendLimiter: runtime.spendLimiter(runtime.config.ingestRatePerMinute),
    covers: createCoverService(runtime.store, runtime.config, { clock: runtime.clock, logger: runtime.logger }),
    metrics: options.metrics,
    catalog: catalogStatus(runtime.store, runtime.clock, runtime.config.syncFreshMinutes * 60_000),
    clock: runtime.clock,
    shutdown: options.shutdown,
    webRoot: options.webRoot,
  });
}
