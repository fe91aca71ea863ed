import { FranchisePage } from './franchise/franchise-page.tsx';
import { HeaderSearch } from './search/search-form.tsx';
import { SearchPage } from './search/search-page.tsx';
import { Link, useRoute } from './routing/use-route.tsx';
import { CatalogState } from './ui/catalog-status.tsx';
import { TokenStatus } from './ui/token-form.tsx';

export function App() {
  const route = useRoute();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand" aria-label="Tsunagu, home">
          <span className="brand-mark" aria-hidden="true" />
          Tsunagu <span className="brand-ja" lang="ja">繋ぐ</span>
        </Link>
        {route.name !== 'search' && <HeaderSearch />}
        <TokenStatus />
      </header>
      <main id="main">
        {route.name === 'search' && <SearchPage query={route.query} remote={route.remote} />}
        {route.name === 'anime' && <FranchisePage key={route.id} id={route.id} />}
        {route.name === 'not-found' && (
          <div className="notice">
            <h1>Nothing at {route.path}</h1>
            <p>
              <Link href="/">Search for a title</Link> instead.
            </p>
          </div>
        )}
      </main>
      <footer className="footer muted small">
        Data from AniList and MyAnimeList (via Jikan), stored locally. <CatalogState />
        <a href="/api/docs">API</a>
      </footer>
    </>
  );
}
