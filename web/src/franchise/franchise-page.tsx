import { useEffect, useMemo, useState } from 'react';
import type { FranchiseMember, FranchiseView } from '../api/api-types.ts';
import { FINAL_STATUSES } from '../../../src/ingest/progress-event.ts';
import { durationLabel } from '../format/entry-format.ts';
import { FranchiseGraph } from '../graph/franchise-graph.tsx';
import { buildGraphModel } from '../graph/graph-model.ts';
import { RelationLegend } from '../graph/relation-legend.tsx';
import { Link } from '../routing/use-route.tsx';
import { CoverImage } from '../ui/cover-image.tsx';
import { TokenForm } from '../ui/token-form.tsx';
import { DidYouMeanBar } from './did-you-mean-bar.tsx';
import { EntryDetails } from './entry-details.tsx';
import { ImportProgress } from './import-progress.tsx';
import { useFranchise } from './use-franchise.ts';
import { WatchOrderList, type WatchOrderKind } from './watch-order-list.tsx';

export function FranchisePage({ id }: { id: number }) {
  const state = useFranchise(id);
  const { view } = state;
  const [selected, setSelected] = useState<number | null>(null);
  const [kind, setKind] = useState<WatchOrderKind>('recommended');
  const members = useMemo(() => new Map((view?.members ?? []).map((m) => [m.id, m])), [view]);
  const model = useMemo(() => (view ? buildGraphModel(view) : null), [view]);
  const notes = useMemo(() => new Map((view?.watchOrder.recommended ?? []).map((e) => [e.id, e])), [view]);

  useEffect(() => {
    document.title = view ? `${view.franchise.title} · Tsunagu` : 'Tsunagu';
  }, [view]);

  const importing = state.job !== null && !FINAL_STATUSES.has(state.job.status);
  const shown = (selected !== null ? members.get(selected) : undefined) ?? members.get(id) ?? view?.members[0];

  const select = (entry: number) => {
    setSelected(entry);
    // On one column the details sit above the list: bring them into view.
    if (window.matchMedia('(max-width: 860px)').matches) {
      document.querySelector('[data-testid="entry-details"]')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
  };

  if (state.loading) return <p className="notice" role="status">Loading…</p>;
  if (!view && !state.job && state.needsToken) return <TokenForm action={state.needsToken.action} detail={state.needsToken.detail} onSaved={state.needsToken.retry} />;
  if (state.missing)
    return (
      <div className="notice">
        <h1>No entry #{id}</h1>
        <p>
          It is not stored and could not be imported. <Link href="/">Search for a title</Link>.
        </p>
      </div>
    );

  if (!view && !state.job && state.error)
    return (
      <div className="notice">
        <h1>Entry #{id} cannot be shown</h1>
        <p className="error" role="alert">
          {state.error}
        </p>
      </div>
    );

  return (
    <div className="franchise" data-testid="franchise" data-franchise-id={view?.franchise.id}>
      <DidYouMeanBar />
      {view ? <Hero view={view} importing={importing} /> : <ImportingHero title={state.job?.resolution?.chosen.title ?? state.job?.query} />}
      {state.needsToken && <TokenForm action={state.needsToken.action} detail={state.needsToken.detail} onSaved={state.needsToken.retry} />}
      {state.job?.status === 'cancelled' && !importing && (
        <p className="notice-inline" role="status" data-testid="import-cancelled">
          Import cancelled; what it stored stays. <button type="button" className="link-button" onClick={() => void state.retry()}>Import again</button>
        </p>
      )}
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      <ImportProgress
        job={state.job}
        progress={state.progress}
        failures={state.failures.length > 0 || state.job ? state.failures : (view?.stats.failures ?? [])}
        members={view?.members ?? []}
        onRetry={() => void state.retry()}
        onCancel={() => void state.cancel()}
        cancelling={state.cancelling}
      />
      {view && model && shown && (
        <div className="franchise-body">
          <div className="main-column">
            <section className="panel graph-panel" aria-labelledby="graph-title">
              <div className="section-head">
                <h2 id="graph-title">Relations</h2>
                <RelationLegend model={model} />
              </div>
              <FranchiseGraph model={model} selected={shown.id} onSelect={select} />
              <p className="hint">
                Sequels run left to right; side stories, spin-offs and recaps hang below the entry they belong to. Drag to
                move, click an entry for its details.
              </p>
            </section>
            <WatchOrderList
              order={kind === 'recommended' ? view.watchOrder.recommended.map((e) => e.id) : view.watchOrder[kind]}
              notes={kind === 'recommended' ? notes : undefined}
              members={members}
              kind={kind}
              onKindChange={setKind}
              selected={shown.id}
              onSelect={select}
              franchiseTitle={view.franchise.title}
            />
          </div>
          <aside className="side-column">
            <EntryDetails member={shown} view={view} members={members} onSelect={select} />
          </aside>
        </div>
      )}
    </div>
  );
}

function Hero({ view, importing }: { view: FranchiseView; importing: boolean }) {
  const root: FranchiseMember | undefined = view.members.find((m) => m.id === view.franchise.id) ?? view.members[0];
  const { stats } = view;
  const enriched = view.members.filter((m) => m.malStatus === 'ok').length;
  return (
    <header className="hero">
      {root && <CoverImage id={root.id} title={root.title} src={root.coverImage} color={root.coverColor} size="large" />}
      <div className="hero-text">
        <p className="eyebrow">Franchise</p>
        <h1>{view.franchise.title}</h1>
        {root?.titles.native && (
          <p className="alt-title" lang="ja">
            {root.titles.native}
          </p>
        )}
        <ul className="chips">
          <li>{view.franchise.size === 1 ? '1 entry' : `${view.franchise.size} entries`}</li>
          <li>
            {enriched} of {view.members.length} with MyAnimeList data
          </li>
          {view.franchise.truncated && (
            <li className="chip-warn" title="The walk stopped at the configured size or depth cap">
              truncated
            </li>
          )}
          {view.franchise.stale && !importing && (
            <li className="chip-warn" title="Some entries are past their freshness window; a refresh runs behind">
              refreshing
            </li>
          )}
          {(stats.disagreements?.length ?? 0) > 0 && (
            <li title="Relations where AniList and MyAnimeList disagree">{stats.disagreements!.length} AniList/MAL disagreements</li>
          )}
        </ul>
        {stats.durationMs > 0 && (
          <p className="muted small">
            Imported in {durationLabel(stats.durationMs)} (relations {durationLabel(stats.discoveryMs)}) with{' '}
            {stats.upstreamRequests.anilist} AniList and {stats.upstreamRequests.jikan} Jikan requests.
          </p>
        )}
      </div>
    </header>
  );
}

function ImportingHero({ title }: { title: string | undefined }) {
  return (
    <header className="hero">
      <div className="cover cover-large cover-pending" aria-hidden="true" />
      <div className="hero-text">
        <p className="eyebrow">Franchise</p>
        <h1>{title ?? 'Importing…'}</h1>
        <p className="muted">Entries appear here as soon as they are stored.</p>
      </div>
    </header>
  );
}
