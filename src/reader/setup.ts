/**
 * @module reader/setup
 * Per-request setup for the reader: the site settings, the KV store (reading with a KV `cacheTtl`)
 * and the edge cache. The clock is set by the app before any of it.
 */
import type { Context, MiddlewareHandler } from "hono";
import { edgeCacheFor } from "../cache/edge-cache";
import { siteFromEnv } from "../core/config";
import { createStore } from "../readmodel/store";
import type { ReaderAppEnv } from "./app-env";

/** Sets the request's site, store and cache. @param readCacheTtl KV `cacheTtl` for reads, in seconds. */
export function setUpRequest(c: Context<ReaderAppEnv>, options: { readCacheTtl?: number } = {}): void {
  const site = siteFromEnv(c.env, { checkTimeZone: false });
  c.set("site", site);
  c.set("store", createStore(c.env.ARTICLES, options));
  c.set("cache", edgeCacheFor(c.executionCtx as ExecutionContext, site.url, c.get("clock")));
}

/** `setUpRequest` as a middleware. */
export function readerSetup(options: { readCacheTtl?: number } = {}): MiddlewareHandler<ReaderAppEnv> {
  return async function readerSetup(c, next) {
    setUpRequest(c, options);
    await next();
  };
}
