/**
 * @module setup
 * Per-request setup, which each sub-app installs with its own read policy: the site settings, the
 * KV store, the edge cache and the materialiser. The clock is set by the app before any of it.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { edgeCacheFor } from "./cache/edge-cache";
import { siteFromEnv } from "./core/config";
import { createStore } from "./readmodel/store";

/**
 * @param readCacheTtl KV `cacheTtl` for reads, in seconds. Readers' reads state it; editors' reads
 * leave it to KV, which shows a data centre its own writes at once.
 */
export function requestSetup(options: { readCacheTtl?: number } = {}): MiddlewareHandler<AppEnv> {
  return async function requestSetup(c, next) {
    const { clock } = c.var;
    const site = siteFromEnv(c.env);
    const cache = edgeCacheFor(c.executionCtx as ExecutionContext, site.url, clock);
    c.set("site", site);
    c.set("store", createStore(c.env.ARTICLES, options));
    c.set("cache", cache);
    // The materialiser writes with a store of its own, so its reads never count as the request's.
    c.set("materialiser", {
      db: c.env.DB,
      search: c.env.SEARCH,
      store: createStore(c.env.ARTICLES),
      cache,
      site,
      clock,
      fetch: c.var.fetch,
    });
    await next();
  };
}
