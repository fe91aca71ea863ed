import { useCallback, useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';
import { parseRoute, type Route } from './route.ts';

const NAVIGATE = 'tsunagu:navigate';

function current(): Route {
  return parseRoute(window.location.pathname, window.location.search);
}

/** Moves to `path`; `state` travels in the history entry (it survives a reload, not a copied link). */
export function navigate(path: string, options: { replace?: boolean; state?: unknown } = {}): void {
  if (options.replace) window.history.replaceState(options.state ?? null, '', path);
  else window.history.pushState(options.state ?? null, '', path);
  window.dispatchEvent(new Event(NAVIGATE));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return route;
}

/** An ordinary link (middle click, copy address) that navigates in place on a plain click. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = useCallback(
    (event: MouseEvent<HTMLAnchorElement>) => {
      onClick?.(event);
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate(href);
      window.scrollTo(0, 0);
    },
    [href, onClick],
  );
  return <a href={href} onClick={handle} {...rest} />;
}
