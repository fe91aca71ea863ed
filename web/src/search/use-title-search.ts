import { useEffect, useState } from 'react';
import { normaliseTitle } from '../../../src/domain/title.ts';
import { ApiError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.tsx';
import { describeError } from '../api/describe-error.ts';
import type { SearchResponse, SearchResult } from '../api/api-types.ts';
import { hasGoodMatch } from './search-plan.ts';

/** Typing pauses this long before the store is searched, ms. */
const STORE_DEBOUNCE_MS = 250;
/**
 * A typed query must stay this long before AniList is asked, ms: a remote search spends the
 * server's AniList budget and counts against this client's limit, so half-typed titles
 * must not each cost one. Enter asks at once.
 */
const REMOTE_SETTLE_MS = 900;
/** Shorter queries match too much to be worth an AniList request. */
const MIN_REMOTE_CHARS = 3;
/** AniList answers kept per query for this page's life, so going back and forth asks once. */
const REMOTE_CACHE_SIZE = 50;

export type RemoteState =
  | { status: 'not-asked' }
  | { status: 'asking' }
  | { status: 'ok' }
  /** The server answered, but AniList did not (the stored results came alone). */
  | { status: 'failed'; detail: string }
  | { status: 'needs-token'; detail: string }
  | { status: 'rate-limited'; retryInS: number; detail: string };

export interface TitleSearchState {
  /** The query the results answer; '' before any. */
  query: string;
  results: SearchResult[];
  remote: RemoteState;
  /** The store answered, and AniList answered or was not needed: what Enter waits for. */
  settled: boolean;
  error: string | null;
}

const IDLE: TitleSearchState = { query: '', results: [], remote: { status: 'not-asked' }, settled: true, error: null };
const remoteAnswers = new Map<string, SearchResponse>();

/**
 * Search that finds: the store first, and AniList without a second step when the store has
 * no good match (or `remote` is 'always'). Debounced while typing (`immediate` false),
 * at once after Enter; each new query cancels the requests of the last (AbortController).
 * A 401 asks for the token, a 429 waits its Retry-After and tries once more by itself.
 */
export function useTitleSearch(query: string, options: { immediate: boolean; remote: 'auto' | 'always' }): TitleSearchState & { retryRemote(): void } {
  const api = useApi();
  const [state, setState] = useState<TitleSearchState>(IDLE);
  const [attempt, setAttempt] = useState(0);
  const { immediate, remote } = options;

  useEffect(() => {
    if (!query) {
      setState(IDLE);
      return;
    }
    const controller = new AbortController();
    const { signal } = controller;
    const timers: ReturnType<typeof setTimeout>[] = [];
    const wait = (ms: number) => new Promise<void>((resolve) => (ms > 0 ? timers.push(setTimeout(resolve, ms)) : resolve()));
    const show = (next: Partial<TitleSearchState>) => {
      if (!signal.aborted) setState((s) => ({ ...s, query, ...next }));
    };

    void (async () => {
      await wait(immediate ? 0 : STORE_DEBOUNCE_MS);
      if (signal.aborted) return;
      setState((s) => ({ ...s, settled: false, error: null }));
      let stored: SearchResponse;
      try {
        stored = await api.search(query, { remote: false, signal });
      } catch (error) {
        if (!signal.aborted) show({ results: [], settled: true, error: describeError(error), remote: { status: 'not-asked' } });
        return;
      }
      const wanted = remote === 'always' || (!hasGoodMatch(stored.results) && normaliseTitle(query).length >= MIN_REMOTE_CHARS);
      if (!wanted) return show({ results: stored.results, remote: { status: 'not-asked' }, settled: true });
      const known = remoteAnswers.get(query);
      if (known) return show({ results: known.results, remote: { status: 'ok' }, settled: true });
      show({ results: stored.results, remote: { status: 'asking' }, settled: false });
      await wait(immediate ? 0 : REMOTE_SETTLE_MS);
      if (signal.aborted) return;
      try {
        const answer = await api.search(query, { remote: true, signal });
        if (answer.remote?.ok === false) return show({ results: answer.results, remote: { status: 'failed', detail: answer.remote.detail ?? 'no answer' }, settled: true });
        remember(query, answer);
        show({ results: answer.results, remote: { status: 'ok' }, settled: true });
      } catch (error) {
        if (signal.aborted) return;
        const detail = describeError(error);
        if (error instanceof ApiError && error.needsToken) return show({ remote: { status: 'needs-token', detail: error.problem?.detail ?? detail }, settled: true });
        if (error instanceof ApiError && error.status === 429) {
          const retryInS = error.retryAfterS ?? 10;
          // One more try once the limit allows, while the same query is still on screen.
          timers.push(setTimeout(() => setAttempt((n) => n + 1), retryInS * 1000));
          return show({ remote: { status: 'rate-limited', retryInS, detail }, settled: true });
        }
        show({ remote: { status: 'failed', detail }, settled: true });
      }
    })();
    return () => {
      controller.abort();
      for (const timer of timers) clearTimeout(timer);
    };
  }, [api, query, immediate, remote, attempt]);

  return { ...state, retryRemote: () => setAttempt((n) => n + 1) };
}

function remember(query: string, answer: SearchResponse): void {
  remoteAnswers.delete(query);
  remoteAnswers.set(query, answer);
  if (remoteAnswers.size > REMOTE_CACHE_SIZE) remoteAnswers.delete(remoteAnswers.keys().next().value!);
}
