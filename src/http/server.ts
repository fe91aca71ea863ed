import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';

export interface ServerOptions {
  /** Address to bind. Loopback by default so nothing is exposed by accident. */
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /**
   * How long close() lets open requests finish before cutting their connections, ms.
   * Default 5000, range 0-60000.
   */
  closeGraceMs?: number;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  port: number;
  /** Stops accepting, lets open requests finish (up to the grace period), then resolves. */
  close(): Promise<void>;
}

/** Serves a Hono app over HTTP/1.1 and resolves once it listens. */
/** Anything with Hono's fetch; the node adapter passes the raw request and response as bindings. */
export interface FetchApp {
  fetch(request: Request, env?: any): Response | Promise<Response>;
}

export async function startServer(app: FetchApp, options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const grace = options.closeGraceMs ?? 5000;
  // Not overriding the global Request/Response: other code in the process (upstream
  // clients, tests) keeps the platform's own classes.
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${shown}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), grace);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        // Keep-alive sockets with no request in flight would hold close() open until they time out.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
