import { useEffect, useState } from 'react';
import type { SearchResult } from '../api/api-types.ts';
import { formatLabel } from '../format/entry-format.ts';
import { animePath, searchPath } from '../routing/route.ts';
import { Link, navigate } from '../routing/use-route.tsx';
import { CoverImage } from '../ui/cover-image.tsx';
import { TokenForm } from '../ui/token-form.tsx';
import { bestToOpen, didYouMean } from './search-plan.ts';
import { SearchForm } from './search-form.tsx';
import { useTitleSearch, type TitleSearchState } from './use-title-search.ts';

// The catalog's reference franchises, one click away for a first look.
const EXAMPLES = ['Attack on Titan', 'Monogatari', 'Fate/stay night', 'Mobile Suit Gundam'];

/**
 * Type a title: stored matches show as you type, AniList's join when the store has no good
 * match. Enter opens the best match (its franchise page offers the others as "Did you
 * mean"); when nothing matches well enough to open, the list stays to choose from.
 */
export function SearchPage({ query, remote }: { query: string; remote: boolean }) {
  const [text, setText] = useState(query);
  // Enter pressed for this text: open the best match once the search has settled.
  const [opening, setOpening] = useState<string | null>(() => (query && (window.history.state as { open?: boolean } | null)?.open ? query : null));
  const [alsoRemote, setAlsoRemote] = useState(remote);
  // Back and forward between searches move the address, not the box: follow them.
  useEffect(() => setText(query), [query]);
  const typed = text.trim();
  const search = useTitleSearch(typed, { immediate: opening === typed, remote: alsoRemote ? 'always' : 'auto' });

  useEffect(() => {
    document.title = typed ? `${typed} · Tsunagu` : 'Tsunagu';
    // The address follows the box, so a reload or a shared link shows the same search.
    const path = searchPath(typed, alsoRemote);
    if (`${window.location.pathname}${window.location.search}` !== path) window.history.replaceState(null, '', path);
  }, [typed, alsoRemote]);

  useEffect(() => {
    if (opening === null || search.query !== opening || !search.settled) return;
    setOpening(null);
    const best = bestToOpen(search.results);
    if (best) navigate(animePath(best.id), { state: { didYouMean: didYouMean(search.query, search.results, best.id) } });
  }, [opening, search]);

  return (
    <div className="search-page">
      <section className="search-hero">
        <h1>Find a whole franchise from one title</h1>
        <p className="muted">
          Tsunagu follows sequels, side stories, spin-offs and recaps on AniList, adds MyAnimeList's scores, and shows
          how everything connects and in which order to watch it.
        </p>
        <SearchForm value={text} onChange={setText} onSubmit={setOpening} describedBy="search-status" />
        {!typed && (
          <p className="examples">
            Try{' '}
            {EXAMPLES.map((title, i) => (
              <span key={title}>
                {i > 0 && ', '}
                <Link href={searchPath(title, false)} onClick={() => setText(title)}>
                  {title}
                </Link>
              </span>
            ))}
            .
          </p>
        )}
      </section>
      {typed && (
        <section className="results" aria-labelledby="results-title" aria-busy={!search.settled}>
          <h2 id="results-title">Results for “{typed}”</h2>
          <p id="search-status" className="search-status muted" role="status" data-testid="search-status">
            {statusLine(search, opening !== null)}
          </p>
          {search.error && (
            <p className="error" role="alert">
              {search.error}
            </p>
          )}
          <RemoteNotice search={search} />
          {search.results.length > 0 && <ResultList results={search.results} query={search.query} />}
          {search.settled && search.query === typed && search.remote.status === 'not-asked' && search.results.length > 0 && (
            <button type="button" className="button" onClick={() => setAlsoRemote(true)}>
              Also search AniList
            </button>
          )}
        </section>
      )}
    </div>
  );
}

function statusLine(search: TitleSearchState, opening: boolean): string {
  if (search.remote.status === 'asking') return 'Asking AniList…';
  if (!search.settled) return 'Searching the store…';
  const count = search.results.length;
  if (count === 0) return search.remote.status === 'not-asked' ? 'Nothing in the store matches.' : 'Nothing matches, in the store or on AniList.';
  const where = search.remote.status === 'ok' ? 'in the store and on AniList' : 'in the store';
  return `${count === 1 ? '1 match' : `${count} matches`} ${where}${opening ? '; opening the best…' : '.'}`;
}

function RemoteNotice({ search }: { search: TitleSearchState & { retryRemote(): void } }) {
  const { remote } = search;
  if (remote.status === 'needs-token') return <TokenForm action="Searching AniList" detail={remote.detail} onSaved={search.retryRemote} />;
  if (remote.status === 'rate-limited') {
    return (
      <p className="notice-inline" role="status">
        This page has asked AniList often; the server allows more in {remote.retryInS} s and the search tries again then.
      </p>
    );
  }
  if (remote.status === 'failed') return <p className="notice-inline">AniList did not answer ({remote.detail}). Showing stored entries only.</p>;
  return null;
}

function ResultList({ results, query }: { results: SearchResult[]; query: string }) {
  const [best, ...others] = results;
  const opensBest = bestToOpen(results) !== null;
  return (
    <>
      <ul className="result-list" data-testid="search-results">
        <ResultItem result={best!} query={query} results={results} highlight={opensBest} />
      </ul>
      {others.length > 0 && (
        <>
          <h3 className="results-subhead">{opensBest ? 'Did you mean' : 'Other matches'}</h3>
          <ul className="result-list" data-testid="search-others">
            {others.map((r) => (
              <ResultItem key={r.id} result={r} query={query} results={results} highlight={false} />
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function ResultItem({ result: r, query, results, highlight }: { result: SearchResult; query: string; results: SearchResult[]; highlight: boolean }) {
  return (
    <li>
      <Link
        href={animePath(r.id)}
        className={highlight ? 'result best' : 'result'}
        data-source={r.source}
        onClick={(event) => {
          // The franchise page offers the rest as "Did you mean"; a plain click moves in place, so the state can ride along.
          if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
          event.preventDefault();
          navigate(animePath(r.id), { state: { didYouMean: didYouMean(query, results, r.id) } });
          window.scrollTo(0, 0);
        }}
      >
        <CoverImage id={r.id} title={r.title} src={r.coverImage} color={null} size="small" />
        <span className="result-text">
          <span className="entry-title">{r.title}</span>
          <span className="entry-summary">{[formatLabel(r.format), r.seasonYear ?? 'TBA'].join(' · ')}</span>
        </span>
        <span className={r.source === 'store' ? 'badge stored' : 'badge remote'} title={sourceTitle(r)}>
          {r.source === 'store' ? 'in the store' : r.stored ? 'AniList · stored' : 'from AniList'}
        </span>
      </Link>
    </li>
  );
}

function sourceTitle(r: SearchResult): string {
  if (r.source === 'store') return 'Found in this server’s store: opens at once';
  return r.stored ? 'Found on AniList, and already in the store' : 'Found on AniList: opening it imports its franchise';
}
