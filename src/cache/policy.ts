/**
 * @module cache/policy
 * What each public response may be cached for (its tags are targets/document-name.ts's). Both backends (Workers
 * Caching in production, the local layer elsewhere) read the same headers, so they agree.
 */

/** Seconds. Browsers cannot be purged, so they get a short max-age; the edge is purged on publish. */
export const TTL = {
  browser: 60,
  edge: 86_400,
  staleWhileRevalidate: 60,
  notFound: 60,
  /** Archive documents that only an edit to an old article can change (and that purges them). */
  archive: 365 * 86_400,
  archiveBrowser: 86_400,
} as const;

/**
 * How long the local layer keeps an expired entry to serve when a refresh fails, as Workers Caching
 * does by default (unless a response carries s-maxage, must-revalidate or proxy-revalidate).
 */
export const STALE_IF_ERROR_SECONDS = 86_400;

/**
 * The edge's own Cache-Control. Cloudflare reads it before `Cache-Control` and strips it before the
 * client. The edge TTL goes here, as `max-age`, because any `s-maxage` in `Cache-Control` would
 * switch off stale-while-revalidate (RFC 9111 §4.2.4).
 */
export const EDGE_CACHE_CONTROL = "Cloudflare-CDN-Cache-Control";

/**
 * Cache headers for a public response. `expiresAt` (ms) caps both lifetimes, so a page that will
 * change at a known moment (a scheduled article going live) is not served past it.
 */
export function publicCacheHeaders(options: {
  now: number;
  expiresAt?: number | undefined;
  notFound?: boolean;
  /** A final archive document: kept for long by the edge and by browsers. */
  archive?: boolean;
}): Record<string, string> {
  let edge: number = options.notFound ? TTL.notFound : options.archive ? TTL.archive : TTL.edge;
  let staleWhileRevalidate: number = TTL.staleWhileRevalidate;
  if (options.expiresAt !== undefined) {
    const left = Math.max(0, Math.ceil((options.expiresAt - options.now) / 1000));
    if (left < edge) {
      edge = left;
      // The page is known to change at that moment: serving it stale for even a second would hide
      // a scheduled article past its time.
      staleWhileRevalidate = 0;
    }
  }
  const browser = Math.min(options.archive ? TTL.archiveBrowser : TTL.browser, edge);
  return {
    "Cache-Control": `public, max-age=${browser}, stale-while-revalidate=${staleWhileRevalidate}`,
    [EDGE_CACHE_CONTROL]: `max-age=${edge}, stale-while-revalidate=${staleWhileRevalidate}`,
  };
}

/** Headers that keep a response out of every cache: for editors, errors and authorized requests. */
export const NO_STORE = "private, no-store";

/** The edge's view of a response: its TTL and stale window, and whether it may be stored at all. */
export function edgePolicy(headers: Headers): { ttl: number; swr: number; cacheable: boolean } {
  const browser = directives(headers.get("Cache-Control"));
  const edge = headers.has(EDGE_CACHE_CONTROL) ? directives(headers.get(EDGE_CACHE_CONTROL)) : browser;
  const ttl = edge.get("max-age") ?? 0;
  const cacheable = browser.has("public") && !browser.has("private") && !browser.has("no-store") && ttl > 0;
  return { ttl, swr: edge.get("stale-while-revalidate") ?? 0, cacheable };
}

function directives(value: string | null): Map<string, number> {
  const map = new Map<string, number>();
  for (const part of (value ?? "").toLowerCase().split(",")) {
    const [name, raw] = part.trim().split("=");
    if (name) map.set(name, raw === undefined ? 0 : Number.parseInt(raw, 10) || 0);
  }
  return map;
}

/**
 * Local cache key: the configured origin, the path and the query, as Workers Caching keys. Public
 * URLs with a query are redirected; search pages are keyed by their query.
 */
export function cacheKeyUrl(siteUrl: string, requestUrl: string): string {
  const url = new URL(requestUrl);
  return `${siteUrl}${url.pathname}${url.search}`;
}
