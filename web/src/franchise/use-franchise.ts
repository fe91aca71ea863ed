import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import { ApiError } from '../api/api-client.ts';
import { followJob } from '../api/job-stream.ts';
import type { EntryFailure, FranchiseView, JobView, Progress } from '../api/api-types.ts';
import { throttle } from '../ui/throttle.ts';

export interface FranchiseState {
  view: FranchiseView | null;
  /** The import being followed, or the last one followed. */
  job: JobView | null;
  progress: Progress | null;
  failures: EntryFailure[];
  /** True until the first answer about this entry arrives. */
  loading: boolean;
  /** The entry is neither stored nor being imported. */
  missing: boolean;
  error: string | null;
}

export interface FranchiseActions {
  /** Starts a new import of this franchise (fetches only what is missing or stale) and follows it. */
  retry(): Promise<void>;
}

/** How often at most the franchise is refetched while an import stores entry after entry. */
const REFETCH_INTERVAL_MS = 700;

const EMPTY: FranchiseState = { view: null, job: null, progress: null, failures: [], loading: true, missing: false, error: null };

export function useFranchise(id: number): FranchiseState & FranchiseActions {
  const api = useApi();
  const [state, setState] = useState<FranchiseState>(EMPTY);
  const [followed, setFollowed] = useState<JobView | null>(null);
  const patch = useCallback((change: Partial<FranchiseState>) => setState((s) => ({ ...s, ...change })), []);
  const refetchRef = useRef<() => Promise<void>>(async () => {});

  // Reads the stored franchise without starting an import: 404 while its first batch is not stored yet.
  const refetch = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const answer = await api.franchise(id, { ingest: false, signal });
        if (answer.kind === 'franchise') patch({ view: answer.view, loading: false, missing: false });
      } catch (error) {
        if (!signal?.aborted) patch({ error: describe(error) });
      }
    },
    [api, id, patch],
  );
  refetchRef.current = refetch;

  useEffect(() => {
    const controller = new AbortController();
    setState(EMPTY);
    setFollowed(null);
    api
      .franchise(id, { ingest: true, signal: controller.signal })
      .then((answer) => {
        if (answer.kind === 'franchise') patch({ view: answer.view, loading: false });
        else if (answer.kind === 'importing') setFollowed(answer.job);
        else patch({ missing: true, loading: false });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) patch({ error: describe(error), loading: false });
      });
    return () => controller.abort();
  }, [api, id, patch]);

  useEffect(() => {
    if (!followed) return;
    patch({ job: followed, progress: followed.progress, failures: followed.failures, loading: false, error: null });
    const entries = throttle(() => void refetchRef.current(), REFETCH_INTERVAL_MS);
    const stop = followJob(api, followed.id, {
      onEvent(event) {
        if (event.type === 'progress') patch({ progress: event.progress });
        else if (event.type === 'entries') entries.call();
        else if (event.type === 'failure') setState((s) => ({ ...s, failures: addFailure(s.failures, event.failure) }));
        else if (event.type === 'state') setState((s) => ({ ...s, job: s.job && { ...s.job, status: event.status } }));
      },
      onJob(job) {
        patch({ job, progress: job.progress });
      },
      onFinal(job) {
        entries.cancel();
        if (job) setState((s) => ({ ...s, job, failures: job.failures.reduce(addFailure, s.failures) }));
        // The final read decides what the page shows; a failed import may have stored nothing.
        void refetchRef.current().then(() =>
          setState((s) => (s.view || s.error ? s : { ...s, error: 'The import ended without storing this entry.' })),
        );
      },
    });
    return () => {
      stop();
      entries.cancel();
    };
  }, [api, followed, patch]);

  const retry = useCallback(async () => {
    try {
      const job = await api.ingest(String(state.view?.franchise.id ?? id));
      setFollowed(job);
    } catch (error) {
      patch({ error: describe(error) });
    }
  }, [api, id, patch, state.view]);

  return { ...state, retry };
}

function addFailure(list: EntryFailure[], failure: EntryFailure): EntryFailure[] {
  const key = (f: EntryFailure) => `${f.upstream}:${f.id}:${f.idMal ?? ''}`;
  return list.some((f) => key(f) === key(failure)) ? list : [...list, failure];
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The server cannot be reached. Is `tsunagu serve` running?';
  return error instanceof Error ? error.message : String(error);
}
