/**
 * Whether cover images from upstream can load at all on this page. Under the server's CSP
 * (img-src 'self') or offline every one of them fails; after the first signs of that the
 * page stops asking, which keeps dozens of doomed requests and console errors away.
 */
export interface ImageAvailability {
  available(): boolean;
  /** An image loaded: remote images work, whatever failed before. */
  loaded(): void;
  /** An image failed to load. */
  failed(): void;
  subscribe(listener: () => void): () => void;
}

/** Failures in a row, with no image loaded yet, after which remote images are taken as unreachable. */
const FAILURES_BEFORE_GIVING_UP = 4;

export function createImageAvailability(target?: Pick<Document, 'addEventListener'>): ImageAvailability {
  let blocked = false;
  let anyLoaded = false;
  let failures = 0;
  const listeners = new Set<() => void>();
  const block = () => {
    if (blocked) return;
    blocked = true;
    for (const listener of listeners) listener();
  };
  target?.addEventListener('securitypolicyviolation', (event) => {
    if ((event as SecurityPolicyViolationEvent).effectiveDirective?.startsWith('img-src')) block();
  });
  return {
    available: () => !blocked,
    loaded() {
      anyLoaded = true;
    },
    failed() {
      failures++;
      if (!anyLoaded && failures >= FAILURES_BEFORE_GIVING_UP) block();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
