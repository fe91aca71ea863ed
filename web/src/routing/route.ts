/** The page's two screens, read from the URL so every state can be linked and reloaded. */
export type Route =
  | { name: 'search'; query: string; remote: boolean }
  | { name: 'anime'; id: number }
  | { name: 'not-found'; path: string };

export function parseRoute(pathname: string, search: string): Route {
  const anime = /^\/anime\/(\d{1,9})\/?$/.exec(pathname);
  if (anime) return { name: 'anime', id: Number(anime[1]) };
  if (pathname === '/' || pathname === '') {
    const params = new URLSearchParams(search);
    return { name: 'search', query: params.get('q') ?? '', remote: params.get('remote') === 'true' };
  }
  return { name: 'not-found', path: pathname };
}

export function searchPath(query: string, remote: boolean): string {
  const params = new URLSearchParams();
  if (query) params.set('q', query);
  if (remote) params.set('remote', 'true');
  const text = params.toString();
  return text ? `/?${text}` : '/';
}

export function animePath(id: number): string {
  return `/anime/${id}`;
}
