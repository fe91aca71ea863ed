import type { Fetch } from '../../src/upstream/http/fetch.ts';
import type { UpstreamName } from '../../src/upstream/upstream-error.ts';

/**
 * The platform's fetch, recording when each request really left (a request whose signal was
 * already aborted never leaves, so it is not recorded). Lets a test ask "was anything sent
 * after this moment", which the simulator's arrival counts cannot tell apart from latency.
 */
export function recordingFetch(urls: Record<UpstreamName, string>) {
  const sent: { upstream: UpstreamName; at: number }[] = [];
  const fetchAndRecord: Fetch = (url, init) => {
    if (!init.signal.aborted) {
      const upstream = url.startsWith(urls.jikan) ? 'jikan' : 'anilist';
      sent.push({ upstream, at: performance.now() });
    }
    return fetch(url, init);
  };
  return {
    fetch: fetchAndRecord,
    sent,
    /** Requests of `upstream` sent at or after `moment` (a performance.now() reading). */
    sentSince(upstream: UpstreamName, moment: number): number {
      return sent.filter((s) => s.upstream === upstream && s.at >= moment).length;
    },
  };
}
