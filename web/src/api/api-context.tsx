import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ApiClient } from './api-client.ts';
import type { TokenStore } from './api-token.ts';

const ApiContext = createContext<{ client: ApiClient; token: TokenStore } | null>(null);

export function ApiProvider({ client, token, children }: { client: ApiClient; token: TokenStore; children: ReactNode }) {
  return <ApiContext.Provider value={{ client, token }}>{children}</ApiContext.Provider>;
}

function useApiContext() {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi needs an <ApiProvider> above it');
  return value;
}

export function useApi(): ApiClient {
  return useApiContext().client;
}

/** The session's API token store, and whether a token is set (re-renders when it changes). */
export function useApiToken(): { store: TokenStore; present: boolean } {
  const { token } = useApiContext();
  const present = useSyncExternalStore(token.subscribe, () => token.get() !== null);
  return { store: token, present };
}
