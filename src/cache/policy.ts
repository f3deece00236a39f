/**
 * @module cache/policy
 * What each public response may be cached for, and the tags it is purged by. Both backends (Workers
 * Caching in production, the local layer elsewhere) read the same headers, so they agree.
 */

/** Seconds. Browsers cannot be purged, so they get a short max-age; the edge is purged on publish. */
export const TTL = {
  browser: 60,
  edge: 86_400,
  staleWhileRevalidate: 60,
  notFound: 60,
} as const;

export const TAGS = {
  article: (slug: string) => `article:${slug}`,
  list: "list",
  listPage: (page: number) => `list:${page}`,
  rss: "feed:rss",
  jsonFeed: "feed:json",
  notFound: "404",
} as const;

/** Tags whose responses change when an article changes, given whether it was or is listed. */
export function tagsAffectedBy(slug: string, listed: boolean): string[] {
  return listed ? [TAGS.article(slug), TAGS.list, TAGS.rss, TAGS.jsonFeed] : [TAGS.article(slug)];
}

/**
 * The Cache-Control for a public response. `expiresAt` (ms) caps the edge lifetime, so a page that
 * will change at a known moment (a scheduled article going live) is not served past it.
 */
export function publicCacheControl(options: { now: number; expiresAt?: number | undefined; notFound?: boolean }): string {
  let edge: number = options.notFound ? TTL.notFound : TTL.edge;
  if (options.expiresAt !== undefined) edge = Math.max(0, Math.min(edge, Math.ceil((options.expiresAt - options.now) / 1000)));
  const browser = Math.min(TTL.browser, edge);
  return `public, max-age=${browser}, s-maxage=${edge}, stale-while-revalidate=${edge > 0 ? TTL.staleWhileRevalidate : 0}`;
}

/** Reads `s-maxage` (or `max-age`) and `stale-while-revalidate` from a Cache-Control value. */
export function parseCacheControl(value: string | null): { ttl: number; swr: number; cacheable: boolean } {
  const directives = new Map(
    (value ?? "")
      .toLowerCase()
      .split(",")
      .map((part) => part.trim().split("=") as [string, string | undefined]),
  );
  const seconds = (name: string) => {
    const raw = directives.get(name);
    return raw === undefined ? undefined : Number.parseInt(raw, 10) || 0;
  };
  const ttl = seconds("s-maxage") ?? seconds("max-age") ?? 0;
  const cacheable = directives.has("public") && !directives.has("private") && !directives.has("no-store") && ttl > 0;
  return { ttl, swr: seconds("stale-while-revalidate") ?? 0, cacheable };
}

/** Query parameters never change what we serve; dropping them all keeps cache keys bounded. */
export function cacheKeyUrl(siteUrl: string, requestUrl: string): string {
  return `${siteUrl}${new URL(requestUrl).pathname}`;
}
