/**
 * @module cache/edge-cache
 * One small interface over two backends. In production, Workers Caching sits in front of the Worker
 * and a hit never reaches this code; `serve` then only renders. Where `ctx.cache` is absent
 * (wrangler dev, tests, the benchmark), a local layer over the Cache API gives the same semantics.
 */
import type { Clock } from "../core/clock";
import type { EdgeCache } from "./edge-cache-type";
import { localCache } from "./local-cache";
import { EDGE_CACHE_CONTROL, NO_STORE } from "./policy";

// Re-exported so callers import the cache and its interface from one place.
export type { EdgeCache };

// Workers Caching accepts at most 100 tags per purge request.
const PURGE_BATCH = 100;

/** Picks the backend for this invocation. `keyBase` is the configured site URL. */
export function edgeCacheFor(ctx: ExecutionContext, keyBase: string, clock: Clock): EdgeCache {
  const platform = ctx.cache;
  const backend: EdgeCache =
    platform && typeof platform.purge === "function"
      ? {
          kind: "workers-cache",
          serve: (_request, render) => render(),
          purge: (tags) => platformPurge(tags, (batch) => platform.purge({ tags: batch })),
          invalidate: (tags) => platformPurge(tags, (batch) => platform.invalidate({ tags: batch })),
        }
      : localCache(caches.default, ctx, keyBase, clock);
  return {
    kind: backend.kind,
    purge: backend.purge,
    invalidate: backend.invalidate,
    async serve(request, render) {
      // Never cache for a request that carries credentials, on either backend.
      if (request.headers.has("Authorization")) {
        const response = uncached(await render());
        if (backend.kind === "local") response.headers.set("X-Cache", "BYPASS");
        return response;
      }
      return backend.serve(request, render);
    },
  };
}

async function platformPurge(tags: string[], send: (batch: string[]) => Promise<CachePurgeResult>): Promise<boolean> {
  let ok = true;
  for (let i = 0; i < tags.length; i += PURGE_BATCH) {
    const result = await send(tags.slice(i, i + PURGE_BATCH));
    // Rate limits resolve with success: false rather than throwing.
    if (!result.success) {
      console.error("cache purge failed:", JSON.stringify(result.errors));
      ok = false;
    }
  }
  return ok;
}

/**
 * A response that no cache may keep. Changed in place when its headers may be changed (a response
 * this Worker built), since a copy would stream its body through JavaScript rather than send the
 * string it was built from; copied when they may not (the "immutable" guard of a fetched
 * response's headers, Fetch §5.2).
 */
export function uncached(response: Response): Response {
  try {
    response.headers.set("Cache-Control", NO_STORE);
    response.headers.delete(EDGE_CACHE_CONTROL);
    return response;
  } catch {
    const out = new Response(response.body, response);
    out.headers.set("Cache-Control", NO_STORE);
    out.headers.delete(EDGE_CACHE_CONTROL);
    return out;
  }
}
