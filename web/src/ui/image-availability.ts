export type ImageState = 'unknown' | 'yes' | 'no';

/**
 * Whether cover images from upstream can load at all on this page. Under the server's CSP
 * (img-src 'self') or offline every one of them fails, so until one image has loaded only
 * one at a time is tried (the probe): the page makes one doomed request, not one per cover.
 */
export interface ImageAvailability {
  state(): ImageState;
  /** Bumped on every change, for React's useSyncExternalStore. */
  version(): number;
  /** While the state is unknown, true for the one caller that may try its image now. */
  claimProbe(): boolean;
  /** An image loaded: remote images work. */
  loaded(): void;
  /** The probe failed (error or no answer in time): the next caller may try. */
  failed(): void;
  subscribe(listener: () => void): () => void;
}

/** Probes that may fail (a single image can be missing upstream) before images are taken as unreachable. */
const PROBES = 3;

export function createImageAvailability(target?: Pick<Document, 'addEventListener'>): ImageAvailability {
  let state: ImageState = 'unknown';
  let probing = false;
  let failures = 0;
  let version = 0;
  const listeners = new Set<() => void>();
  const change = (next: Partial<{ state: ImageState; probing: boolean }>) => {
    state = next.state ?? state;
    probing = next.probing ?? probing;
    version++;
    for (const listener of listeners) listener();
  };
  // The CSP's verdict is final and arrives as an event, before the image's own error.
  target?.addEventListener('securitypolicyviolation', (event) => {
    if ((event as SecurityPolicyViolationEvent).effectiveDirective?.startsWith('img-src') && state !== 'no') change({ state: 'no' });
  });
  return {
    state: () => state,
    version: () => version,
    claimProbe() {
      if (state !== 'unknown' || probing) return false;
      probing = true;
      return true;
    },
    loaded() {
      if (state !== 'yes') change({ state: 'yes', probing: false });
    },
    failed() {
      if (state !== 'unknown') return;
      failures++;
      change(failures >= PROBES ? { state: 'no', probing: false } : { probing: false });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
