/**
 * @module newsroom/setup
 * Per-request setup for the newsroom's sub-apps: the site settings, the KV store, a cache for the
 * few responses that use one, and the pipeline's materialiser. The clock and `fetch` are set by the
 * app before any of it.
 */
import type { MiddlewareHandler } from "hono";
import { edgeCacheFor } from "../cache/edge-cache";
import { siteFromEnv } from "../core/config";
import { createStore } from "../readmodel/store";
import type { AppEnv } from "./app-env";
import { materialiserFor, outboundFetch, type PipelineOptions } from "./materialiser";

/** Editors' reads leave KV's cacheTtl unset: KV shows a data centre its own writes at once. */
export function requestSetup(): MiddlewareHandler<AppEnv> {
  return async function requestSetup(c, next) {
    const site = siteFromEnv(c.env);
    const ctx = c.executionCtx as ExecutionContext;
    c.set("site", site);
    c.set("store", createStore(c.env.ARTICLES));
    c.set("cache", edgeCacheFor(ctx, site.url, c.var.clock));
    if (!c.var.materialiser) c.set("materialiser", materialiserFor(c.env, ctx, { clock: c.var.clock, fetch: c.var.fetch }));
    await next();
  };
}

/** Sets the materialiser from the Worker's options (the reader's purger, the WebSub fetch). */
export function pipelineSetup(options: PipelineOptions): MiddlewareHandler<AppEnv> {
  return async function pipelineSetup(c, next) {
    c.set("clock", options.clock);
    c.set("fetch", outboundFetch(options));
    c.set("materialiser", materialiserFor(c.env, c.executionCtx as ExecutionContext, options));
    await next();
  };
}
