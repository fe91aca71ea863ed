import type { EntryFailure, FranchiseMember, JobView, Progress } from '../api/api-types.ts';
import { FINAL_STATUSES } from '../../../src/ingest/progress-event.ts';
import { durationLabel } from '../format/entry-format.ts';

const PHASES = [
  { phase: 'resolving', label: 'Find the title' },
  { phase: 'discovery', label: 'Walk the relations (AniList)' },
  { phase: 'enrichment', label: 'Add MyAnimeList data' },
  { phase: 'done', label: 'Done' },
] as const;

interface ImportProgressProps {
  job: JobView | null;
  progress: Progress | null;
  failures: EntryFailure[];
  members: FranchiseMember[];
  onRetry: () => void;
  onCancel: () => void;
  cancelling: boolean;
}

export function ImportProgress({ job, progress, failures, members, onRetry, onCancel, cancelling }: ImportProgressProps) {
  const running = job !== null && !FINAL_STATUSES.has(job.status);
  if (!running && failures.length === 0) return null;
  const phase = progress?.phase ?? 'queued';
  const at = PHASES.findIndex((p) => p.phase === phase);
  const percent = progress && progress.total > 0 ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : null;
  return (
    <section className="panel import" aria-label="Import progress" data-testid="import-progress" data-phase={phase}>
      {running && (
        <>
          <div className="import-head">
            <h2>Importing{job?.resolution ? ` “${job.resolution.chosen.title}”` : ''}</h2>
            <span className="import-status">{job?.status === 'queued' ? 'waiting for a worker' : 'live'}</span>
            <button type="button" className="button cancel" onClick={onCancel} disabled={cancelling} data-testid="cancel-import">
              {cancelling ? 'Cancelling…' : 'Cancel import'}
            </button>
          </div>
          <ol className="phases">
            {PHASES.map((p, i) => (
              <li key={p.phase} className={i < at ? 'done' : i === at ? 'current' : ''} aria-current={i === at ? 'step' : undefined}>
                {p.label}
              </li>
            ))}
          </ol>
          <div
            className="bar"
            role="progressbar"
            aria-label={`${phase} progress`}
            aria-valuemin={0}
            aria-valuemax={progress?.total || undefined}
            aria-valuenow={progress?.total ? progress.done : undefined}
          >
            <div className={percent === null ? 'bar-fill indeterminate' : 'bar-fill'} style={percent === null ? undefined : { width: `${percent}%` }} />
          </div>
          <p className="import-figures" aria-live="polite">
            {progress && progress.total > 0 ? `${progress.done} of ${progress.total} entries` : 'Starting…'}
            {progress && progress.failed > 0 ? ` · ${progress.failed} failed` : ''}
            {progress?.etaMs != null && progress.etaMs > 0 ? ` · about ${durationLabel(progress.etaMs)} left` : ''}
            {members.length > 0 ? ` · ${members.length} shown so far` : ''}
          </p>
        </>
      )}
      {failures.length > 0 && (
        <div className="failures" data-testid="failures">
          <h3>
            {failures.length === 1 ? '1 entry' : `${failures.length} entries`} could not be fetched
            {running ? '; the import goes on' : ''}
          </h3>
          <ul>
            {failures.map((f) => (
              <li key={`${f.upstream}:${f.id}:${f.idMal ?? ''}`}>
                <strong>{titleOf(f, members)}</strong>
                <span className="muted">
                  {' '}
                  — {f.upstream === 'anilist' ? 'AniList' : 'MyAnimeList'}
                  {f.status !== null ? ` HTTP ${f.status}` : ''}: {f.message}
                </span>
              </li>
            ))}
          </ul>
          {!running && (
            <button type="button" className="button" onClick={onRetry}>
              Retry the failed entries
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function titleOf(failure: EntryFailure, members: FranchiseMember[]): string {
  const member = members.find((m) => m.id === failure.id || (failure.idMal != null && m.idMal === failure.idMal));
  if (member) return member.title;
  return failure.upstream === 'jikan' && failure.idMal != null ? `MAL #${failure.idMal}` : `AniList #${failure.id}`;
}
