import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import { ApiError } from '../api/api-client.ts';
import { describeError } from '../api/describe-error.ts';
import { followJob, laterStatus } from '../api/job-stream.ts';
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
  /** The server asked for its API token (401) for what the page tried; `retry` runs it again once one is given. */
  needsToken: { action: string; detail: string; retry: () => void } | null;
  /** A cancel was asked for and the job has not ended yet. */
  cancelling: boolean;
}

export interface FranchiseActions {
  /** Starts a new import of this franchise (fetches only what is missing or stale) and follows it. */
  retry(): Promise<void>;
  /** Asks the running import to stop at its next safe point; what it stored stays. */
  cancel(): Promise<void>;
}

/** How often at most the franchise is refetched while an import stores entry after entry. */
const REFETCH_INTERVAL_MS = 700;

const EMPTY: FranchiseState = {
  view: null,
  job: null,
  progress: null,
  failures: [],
  loading: true,
  missing: false,
  error: null,
  needsToken: null,
  cancelling: false,
};

export function useFranchise(id: number): FranchiseState & FranchiseActions {
  const api = useApi();
  const [state, setState] = useState<FranchiseState>(EMPTY);
  const [followed, setFollowed] = useState<JobView | null>(null);
  const patch = useCallback((change: Partial<FranchiseState>) => setState((s) => ({ ...s, ...change })), []);
  const refetchRef = useRef<() => Promise<void>>(async () => {});
  // Bumped to open the entry again (after a token was given).
  const [opened, setOpened] = useState(0);

  /** Reports a failed write: a 401 asks for the token and retries `again` once one is given. */
  const writeFailed = useCallback(
    (error: unknown, action: string, again: () => void) => {
      if (error instanceof ApiError && error.needsToken) {
        patch({ loading: false, needsToken: { action, detail: error.problem?.detail ?? error.message, retry: again } });
      } else {
        patch({ loading: false, error: describeError(error) });
      }
    },
    [patch],
  );

  // Reads the stored franchise without starting an import: 404 while its first batch is not stored yet.
  const refetch = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const answer = await api.franchise(id, { ingest: false, signal });
        if (answer.kind === 'franchise') patch({ view: answer.view, loading: false, missing: false });
      } catch (error) {
        if (!signal?.aborted) patch({ error: describeError(error) });
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
        if (!controller.signal.aborted) writeFailed(error, 'Importing this franchise', () => setOpened((n) => n + 1));
      });
    return () => controller.abort();
  }, [api, id, patch, writeFailed, opened]);

  useEffect(() => {
    if (!followed) return;
    patch({ job: followed, progress: followed.progress, failures: followed.failures, loading: false, error: null, needsToken: null, cancelling: false });
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
        setState((s) => ({ ...s, cancelling: false, ...(job ? { job, failures: job.failures.reduce(addFailure, s.failures) } : {}) }));
        // The final read decides what the page shows; a failed import may have stored nothing.
        void refetchRef.current().then(() =>
          setState((s) =>
            s.view || s.error
              ? s
              : { ...s, error: s.job?.status === 'cancelled' ? 'The import was cancelled before this entry was stored.' : 'The import ended without storing this entry.' },
          ),
        );
      },
    });
    return () => {
      stop();
      entries.cancel();
    };
  }, [api, followed, patch]);

  const retry = useCallback(async () => {
    patch({ needsToken: null, error: null });
    try {
      const job = await api.ingest(String(state.view?.franchise.id ?? id));
      setFollowed(job);
    } catch (error) {
      writeFailed(error, 'Importing this franchise again', () => void retryRef.current());
    }
  }, [api, id, patch, writeFailed, state.view]);
  const retryRef = useRef(retry);
  retryRef.current = retry;

  const jobId = state.job?.id;
  const cancel = useCallback(async () => {
    if (!jobId) return;
    patch({ needsToken: null, cancelling: true });
    try {
      const job = await api.cancel(jobId);
      // A job no worker held yet ends at once; a running one says so on its event stream,
      // possibly before this answer arrives.
      setState((s) => ({ ...s, job: s.job && { ...s.job, status: laterStatus(s.job.status, job.status) } }));
    } catch (error) {
      patch({ cancelling: false });
      writeFailed(error, 'Cancelling the import', () => void cancelRef.current());
    }
  }, [api, jobId, patch, writeFailed]);
  const cancelRef = useRef(cancel);
  cancelRef.current = cancel;

  return { ...state, retry, cancel };
}

function addFailure(list: EntryFailure[], failure: EntryFailure): EntryFailure[] {
  const key = (f: EntryFailure) => `${f.upstream}:${f.id}:${f.idMal ?? ''}`;
  return list.some((f) => key(f) === key(failure)) ? list : [...list, failure];
}
