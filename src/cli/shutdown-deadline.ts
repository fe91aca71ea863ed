import type { Logger } from '../log.ts';

/**
 * Time past SHUTDOWN_GRACE_MS for the last steps once requests and jobs are let go
 * (putting jobs back, closing the database), ms: those take milliseconds, unless a
 * connection hangs, which must not keep the process alive.
 */
const CLOSE_MARGIN_MS = 2_000;

/**
 * Makes sure a stopping process ends: if shutdown is still under way `graceMs` plus a short
 * margin after the stop signal, it says so and exits with `code`. The timer does not keep a
 * process alive that finished on its own. Returns a function that disarms it.
 */
export function exitIfShutdownHangs(graceMs: number, logger: Logger, code: number): () => void {
  const timer = setTimeout(() => {
    logger.error({ graceMs, marginMs: CLOSE_MARGIN_MS }, 'shutdown did not finish within SHUTDOWN_GRACE_MS; exiting now (running jobs are taken over once their lease expires)');
    process.exit(code);
  }, graceMs + CLOSE_MARGIN_MS);
  timer.unref();
  return () => clearTimeout(timer);
}
