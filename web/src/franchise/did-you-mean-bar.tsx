import { useState } from 'react';
import { formatLabel } from '../format/entry-format.ts';
import { animePath } from '../routing/route.ts';
import { Link } from '../routing/use-route.tsx';
import { readDidYouMean } from '../search/search-plan.ts';

/**
 * After a search opened this entry as its best match: the other candidates, one click away,
 * as the CLI names them on stderr. The offer rides in the history entry, so a reload keeps it
 * and a shared link (a plain visit) shows none.
 */
export function DidYouMeanBar() {
  const [offer] = useState(() => readDidYouMean(window.history.state));
  if (!offer || offer.alternatives.length === 0) return null;
  return (
    <nav className="did-you-mean" aria-label="Did you mean" data-testid="did-you-mean">
      <span className="muted">
        Best match for “{offer.query}”. Did you mean{' '}
      </span>
      {offer.alternatives.map((a, i) => (
        <span key={a.id}>
          {i > 0 && ', '}
          <Link href={animePath(a.id)}>{a.title}</Link>
          <span className="muted small"> ({[a.format && formatLabel(a.format), a.seasonYear].filter(Boolean).join(', ')})</span>
        </span>
      ))}
      <span className="muted">?</span>
    </nav>
  );
}
