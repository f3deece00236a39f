/**
 * @module newsroom/materialiser
 * What the pipeline works with in the newsroom Worker: D1, KV, the queues, the search index, and
 * the reader's cache, purged through the reader's own entrypoint (its `purge` and `invalidate`
 * RPC methods), since a Worker can only purge the cache of the entrypoint that calls purge.
 */
import { edgeCacheFor } from "../cache/edge-cache";
import type { Clock } from "../core/clock";
import { siteFromEnv } from "../core/config";
import type { Materialiser } from "../pipeline/materialise";
import { type Purger, purgePacing } from "../pipeline/purges";
import { createStore } from "../readmodel/store";

export interface PipelineOptions {
  clock: Clock;
  /** Outbound requests (WebSub pings); tests pass a fake hub. */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * The reader's cache. By default its RPC entrypoint (READER); where there is none, the local layer
   * over the Cache API, which `wrangler dev`'s reader and the tests share.
   */
  purger?: (env: NewsroomBindings, ctx: ExecutionContext) => Purger;
  /** Targets one fan-out message sends; tests make it small so that a few dozen articles span pages. */
  fanoutPage?: number;
}

/** How the Worker's own requests leave it: the given fetch, or the runtime's. */
export const outboundFetch = (options: PipelineOptions) => options.fetch ?? ((request: Request) => fetch(request));

export function materialiserFor(env: NewsroomBindings, ctx: ExecutionContext, options: PipelineOptions): Materialiser {
  const site = siteFromEnv(env);
  return {
    db: env.DB,
    store: createStore(env.ARTICLES),
    cache: options.purger?.(env, ctx) ?? readerPurger(env) ?? edgeCacheFor(ctx, site.url, options.clock),
    pacing: purgePacing(env),
    queues: { urgent: env.PIPELINE, bulk: env.REBUILD },
    ...((env as { SEARCH?: D1Database }).SEARCH ? { search: (env as { SEARCH?: D1Database }).SEARCH as D1Database } : {}),
    site,
    clock: options.clock,
    fetch: outboundFetch(options),
    fanoutPage: options.fanoutPage,
  };
}

/** The reader's RPC entrypoint, when the binding is there. */
function readerPurger(env: NewsroomBindings): Purger | undefined {
  const reader = env.READER as unknown as Partial<Purger> | undefined;
  if (!reader || typeof reader.purge !== "function" || typeof reader.invalidate !== "function") return undefined;
  return { purge: (tags) => (reader as Purger).purge(tags), invalidate: (tags) => (reader as Purger).invalidate(tags) };
}
