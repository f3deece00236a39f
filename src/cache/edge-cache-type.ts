/**
 * @module cache/edge-cache-type
 * The one interface both cache backends implement (Workers Caching in edge-cache.ts, the Cache API
 * layer in local-cache.ts). It lives apart from both so that neither imports the other's module.
 */

/** A cache in front of the reader: serves, purges and invalidates by tag. */
export interface EdgeCache {
  /** Which backend this is, for logs, tests and the Server-Timing choice. */
  readonly kind: "workers-cache" | "local";
  /** Answers from the cache, or calls `render` and keeps what it returns if it is cacheable. */
  serve(request: Request, render: () => Promise<Response>): Promise<Response>;
  /** Drops every cached response that carries any of these tags. Resolves false if it failed. */
  purge(tags: string[]): Promise<boolean>;
  /** Marks them stale: the next request revalidates with If-None-Match, and an error serves them. */
  invalidate(tags: string[]): Promise<boolean>;
}
