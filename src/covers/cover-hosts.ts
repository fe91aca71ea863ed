/**
 * Where the cover proxy may fetch from: the image hosts AniList and MyAnimeList serve
 * covers from (COVER_HOSTS, https only), and the origins of the configured ANILIST_URL and
 * JIKAN_URL, so a simulator or a mirror that serves its own covers works too. Nothing a
 * client sends ever becomes a URL: the proxy only fetches the URL stored for an entry, and
 * only when this policy allows its origin (every redirect hop is checked again).
 */
export interface CoverHostPolicy {
  allows(url: URL): boolean;
  /** For logs and errors: what is allowed. */
  describe(): string;
}

export function coverHostPolicy(options: { hosts: readonly string[]; upstreamUrls: readonly string[] }): CoverHostPolicy {
  const hosts = new Set(options.hosts.map((h) => h.trim().toLowerCase()).filter(Boolean));
  const origins = new Set(options.upstreamUrls.map((u) => new URL(u).origin));
  return {
    allows(url) {
      if (url.username || url.password) return false;
      if (origins.has(url.origin)) return true;
      // A known image host, over TLS on its default port: nothing else answers as it.
      return url.protocol === 'https:' && url.port === '' && hosts.has(url.hostname);
    },
    describe() {
      return [...[...hosts].map((h) => `https://${h}`), ...origins].join(', ') || 'nothing';
    },
  };
}
