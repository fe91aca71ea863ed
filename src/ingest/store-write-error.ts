/**
 * The store refused a write the ingest depends on (disk full, read-only file, lost
 * connection): the job fails with this message, naming what could not be stored, and the
 * process goes on serving.
 */
export class StoreWriteError extends Error {
  override name = 'StoreWriteError';
  constructor(what: string, cause: unknown) {
    super(`storing ${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Runs a store write, naming `what` in the error when it fails. */
export async function storing<T>(what: () => string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw error instanceof StoreWriteError ? error : new StoreWriteError(what(), error);
  }
}

/** Up to five ids, then how many more: enough to find the batch in the logs. */
export function idList(ids: readonly number[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
}
