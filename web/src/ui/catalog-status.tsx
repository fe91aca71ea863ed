import { useEffect, useState } from 'react';

/** What GET /api/catalog answers (src/sync/catalog-status.ts). */
interface CatalogStatus {
  entries: number;
  enrichedShare: number;
  lastSyncAt: string | null;
  syncing: boolean;
}

/** How long ago `iso` was, in words a footer can hold. */
function ago(iso: string, now: number): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

/** The synced catalog's state for the footer; nothing until a sync has stored entries (or when the server has no mirror). */
export function CatalogState() {
  const [status, setStatus] = useState<CatalogStatus | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    fetch('/api/catalog', { signal: abort.signal })
      .then((response) => (response.ok ? (response.json() as Promise<CatalogStatus>) : null))
      .then(setStatus)
      .catch(() => setStatus(null));
    return () => abort.abort();
  }, []);
  if (!status || status.entries === 0) return null;
  const parts = [
    `Catalog: ${status.entries.toLocaleString('en')} entries`,
    status.lastSyncAt ? `synced ${ago(status.lastSyncAt, Date.now())}` : 'not synced yet',
    `${Math.round(status.enrichedShare * 100)}% enriched from MyAnimeList`,
  ];
  if (status.syncing) parts.push('syncing now');
  return <span className="catalog-state">{parts.join(', ')}. </span>;
}
