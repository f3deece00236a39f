/**
 * @module cache/edge-cache
 * One small interface over two backends. In production, Workers Caching sits in front of the Worker
 * and a hit never reaches this code; `serve` then only renders. Where `ctx.cache` is absent
 * (wrangler dev, tests, the benchmark), a local layer over the Cache API gives the same semantics.
 */
import { localCache } from "./local-cache";

export interface EdgeCache {
  /** Which backend this is, for logs and tests. */
  readonly kind: "workers-cache" | "local";
  /** Answers from the cache, or calls `render` and keeps what it returns if it is cacheable. */
  serve(request: Request, render: () => Promise<Response>): Promise<Response>;
  /** Drops every cached response that carries any of these tags. */
  purge(tags: string[]): Promise<void>;
}

/** The shape of Workers Caching on the execution context (`ctx.cache`). */
interface WorkersCacheControl {
  purge(options: { tags: string[] }): Promise<unknown>;
}

/** Picks the backend for this invocation. `keyBase` is the configured site URL. */
export function edgeCacheFor(ctx: ExecutionContext, keyBase: string): EdgeCache {
  const platform = (ctx as ExecutionContext & { cache?: WorkersCacheControl }).cache;
  if (platform) {
    return {
      kind: "workers-cache",
      serve: (_request, render) => render(),
      purge: async (tags) => {
        if (tags.length) await platform.purge({ tags });
      },
    };
  }
  return localCache(caches.default, ctx, keyBase);
}
