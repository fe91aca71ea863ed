import { existsSync, readdirSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.ts';

const PROJECT = fileURLToPath(new URL('../../', import.meta.url));

export interface WebAssetsOptions {
  /** The Vite project (index.html, vite.config.ts, src/). Default the project's web/. */
  webDir?: string;
  /** Build even when web/dist looks current. Default false. */
  force?: boolean;
}

export class WebBuildError extends Error {
  override name = 'WebBuildError';
}

// One build per folder at a time in this process; a second caller waits for the first.
const building = new Map<string, Promise<string>>();

/**
 * Returns web/dist, building it with Vite first when it is missing or older than the page's
 * sources, so `npm ci` then `npm run demo` (or `serve`) is all a fresh clone needs.
 * The build goes to a fresh folder that then replaces dist, so a server reading dist
 * meanwhile never sees half a page, and two processes building at once both end with a whole one.
 */
export function ensureWebBuilt(logger: Logger, options: WebAssetsOptions = {}): Promise<string> {
  const webDir = options.webDir ?? join(PROJECT, 'web');
  const dist = join(webDir, 'dist');
  if (!options.force && isCurrent(webDir, dist)) return Promise.resolve(dist);
  let running = building.get(dist);
  if (!running) {
    running = build(webDir, dist, logger).finally(() => building.delete(dist));
    building.set(dist, running);
  }
  return running;
}

function isCurrent(webDir: string, dist: string): boolean {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  // The page bundles the domain's pure modules (relation types) besides its own sources.
  const sources = [join(webDir, 'index.html'), join(webDir, 'vite.config.ts'), join(webDir, 'src'), join(webDir, 'public'), join(PROJECT, 'src', 'domain')];
  return sources.every((path) => newest(path) <= built);
}

/** The latest modification time under a path (0 when it does not exist); tests are not part of the page. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return path.endsWith('.test.ts') ? 0 : stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

async function build(webDir: string, dist: string, logger: Logger): Promise<string> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new WebBuildError('cannot build the web page: Vite is not installed (run `npm ci`, which installs the dev dependencies)');
  }
  const started = performance.now();
  const unique = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const fresh = join(webDir, `.dist-${unique}`);
  const old = join(webDir, `.dist-old-${unique}`);
  logger.info({ webDir }, 'building the web page');
  try {
    await vite.build({
      configFile: join(webDir, 'vite.config.ts'),
      root: webDir,
      logLevel: 'warn',
      build: { outDir: fresh, emptyOutDir: true },
    });
  } catch (error) {
    await rm(fresh, { recursive: true, force: true });
    throw new WebBuildError(`cannot build the web page: ${error instanceof Error ? error.message : String(error)}`);
  }
  // rename() cannot replace a non-empty folder: move the old one aside first.
  if (existsSync(dist)) await rename(dist, old).catch(() => {});
  try {
    await rename(fresh, dist);
  } catch {
    // Another process put its build in place in between: keep that one.
    await rm(fresh, { recursive: true, force: true });
  }
  await rm(old, { recursive: true, force: true });
  logger.info({ dist, ms: Math.round(performance.now() - started) }, 'built the web page');
  return dist;
}
