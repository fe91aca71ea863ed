import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import type { SearchResponse } from '../api/api-types.ts';
import { formatLabel } from '../format/entry-format.ts';
import { animePath, searchPath } from '../routing/route.ts';
import { Link, navigate } from '../routing/use-route.tsx';
import { CoverImage } from '../ui/cover-image.tsx';
import { SearchForm } from './search-form.tsx';

// The catalog's reference franchises, one click away for a first look.
const EXAMPLES = ['Attack on Titan', 'Monogatari', 'Fate/stay night', 'Mobile Suit Gundam'];

export function SearchPage({ query, remote }: { query: string; remote: boolean }) {
  const api = useApi();
  const [answer, setAnswer] = useState<SearchResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = query ? `${query} · Tsunagu` : 'Tsunagu';
    setAnswer(null);
    setError(null);
    if (!query) return;
    const controller = new AbortController();
    setBusy(true);
    api
      .search(query, { remote, signal: controller.signal })
      .then(setAnswer)
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        if (!controller.signal.aborted) setBusy(false);
      });
    return () => controller.abort();
  }, [api, query, remote]);

  return (
    <div className="search-page">
      <section className="search-hero">
        <h1>Find a whole franchise from one title</h1>
        <p className="muted">
          Tsunagu follows sequels, side stories, spin-offs and recaps on AniList, adds MyAnimeList's scores, and shows
          how everything connects and in which order to watch it.
        </p>
        <SearchForm query={query} remote={remote} />
        {!query && (
          <p className="examples">
            Try{' '}
            {EXAMPLES.map((title, i) => (
              <span key={title}>
                {i > 0 && ', '}
                <Link href={searchPath(title, true)}>{title}</Link>
              </span>
            ))}
            .
          </p>
        )}
      </section>
      {query && (
        <section className="results" aria-labelledby="results-title" aria-busy={busy}>
          <h2 id="results-title">{busy ? 'Searching…' : `Results for “${query}”`}</h2>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          {answer?.remote && !answer.remote.ok && (
            <p className="notice-inline">AniList did not answer{answer.remote.detail ? `: ${answer.remote.detail}` : ''}. Showing stored entries only.</p>
          )}
          {answer && answer.results.length === 0 && (
            <div className="empty">
              <p>Nothing {remote ? 'matches' : 'in the store matches'}.</p>
              {!remote && (
                <button type="button" className="button" onClick={() => navigate(searchPath(query, true))}>
                  Search AniList too
                </button>
              )}
            </div>
          )}
          {answer && answer.results.length > 0 && (
            <ul className="result-list" data-testid="search-results">
              {answer.results.map((r) => (
                <li key={r.id}>
                  <Link href={animePath(r.id)} className="result">
                    <CoverImage id={r.id} title={r.title} src={r.coverImage} color={null} size="small" />
                    <span className="result-text">
                      <span className="entry-title">{r.title}</span>
                      <span className="entry-summary">
                        {[formatLabel(r.format), r.seasonYear ?? 'TBA'].join(' · ')}
                      </span>
                    </span>
                    <span className={r.stored ? 'badge stored' : 'badge remote'}>{r.stored ? 'stored' : 'on AniList'}</span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
