/**
 * The server's API token (TSUNAGU_API_TOKEN) as this browser tab knows it: entered when the
 * server answers 401, kept in sessionStorage so it lasts a reload but not the tab, and sent
 * only on requests that may spend upstream budget.
 */
export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
  /** For React's useSyncExternalStore. */
  subscribe(listener: () => void): () => void;
}

const KEY = 'tsunagu.apiToken';

export function createTokenStore(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null): TokenStore {
  // Storage can be missing or refuse (private modes): the token then lives in memory for the page's life.
  let memory: string | null = read(storage);
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  return {
    get: () => memory,
    set(token) {
      memory = token.trim() || null;
      try {
        if (memory) storage?.setItem(KEY, memory);
        else storage?.removeItem(KEY);
      } catch {
        // kept in memory
      }
      changed();
    },
    clear() {
      memory = null;
      try {
        storage?.removeItem(KEY);
      } catch {
        // nothing stored
      }
      changed();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function read(storage: Pick<Storage, 'getItem'> | null): string | null {
  try {
    return storage?.getItem(KEY) || null;
  } catch {
    return null;
  }
}
