import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { CATALOG_SYNC } from './sync-state.ts';

/** Another process holds the sync lease: its sync is under way. */
export class SyncBusyError extends Error {
  override name = 'SyncBusyError';
  constructor(readonly holder: string | null, readonly until: number | null) {
    super(`another process (${holder ?? 'unknown'}) is syncing the catalog${until ? ` until ${new Date(until).toISOString()} at the latest` : ''}`);
  }
}

export interface SyncLeaseOptions {
  /**
   * How long the lease lasts without renewal, ms: a process killed mid-sync holds the
   * catalog this long at most. Renewed at a third of it while the sync runs. Default 60,000.
   */
  leaseMs?: number;
}

/** A name for this process in the lease row (host, pid and a random part, so restarts differ). */
export function syncOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** True when `owner` (see syncOwnerId) names a process on this host that no longer runs. */
function isDeadLocalOwner(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Runs `work` holding the catalog's sync lease (a row in `catalog_sync`), so two processes
 * never sync at once, whatever runs them (the CLI, a scheduled job in `serve` or `worker`).
 * Throws SyncBusyError when another live process holds it. `work` gets a signal that aborts
 * when a renewal finds the lease lost (a stall longer than the lease).
 */
export async function withSyncLease<T>(
  deps: { store: Pick<Store, 'catalog'>; clock: Clock; logger: Logger },
  work: (signal: AbortSignal) => Promise<T>,
  options: SyncLeaseOptions & { owner?: string } = {},
): Promise<T> {
  const leaseMs = options.leaseMs ?? 60_000;
  const owner = options.owner ?? syncOwnerId();
  const { catalog } = deps.store;
  if (!(await catalog.acquireLease(CATALOG_SYNC, owner, leaseMs, deps.clock.now()))) {
    const row = await catalog.readSync(CATALOG_SYNC);
    const holder = row?.leaseOwner ?? null;
    // A sync killed on this machine (SIGKILL, a crash) leaves its lease behind: a rerun must
    // not wait for it to run out, so a holder whose process is gone is taken over.
    const dead = holder !== null && isDeadLocalOwner(holder);
    if (!dead || !(await catalog.takeOverLease(CATALOG_SYNC, owner, holder, leaseMs, deps.clock.now()))) {
      throw new SyncBusyError(holder, row?.leaseUntil ?? null);
    }
    deps.logger.info({ owner, from: holder }, 'took over the sync lease of a process that is gone');
  }
  const lost = new AbortController();
  const renew = setInterval(() => {
    catalog.acquireLease(CATALOG_SYNC, owner, leaseMs, deps.clock.now()).then(
      (held) => {
        if (!held && !lost.signal.aborted) {
          deps.logger.error({ owner }, 'the catalog sync lease was taken over; stopping this sync');
          lost.abort(new SyncBusyError(null, null));
        }
      },
      (error: unknown) => deps.logger.warn({ err: error }, 'renewing the catalog sync lease failed; trying again'),
    );
  }, Math.max(1, Math.floor(leaseMs / 3)));
  renew.unref();
  try {
    return await work(lost.signal);
  } finally {
    clearInterval(renew);
    await catalog.releaseLease(CATALOG_SYNC, owner).catch((error: unknown) => deps.logger.warn({ err: error }, 'releasing the catalog sync lease failed; it runs out by itself'));
  }
}
