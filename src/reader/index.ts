/**
 * @module reader/index
 * The reader Worker: public pages and feeds, media, robots, the favicon, the 404 page, behind
 * Workers Caching. It holds the KV read model, the media bucket and the search index, and nothing
 * of the newsroom: requests for `/api/*`, `/desk/*`, `/preview/*` and new image widths are handed
 * to the newsroom Worker over its service binding. The newsroom purges this Worker's cache by
 * calling `purge` and `invalidate` on its default entrypoint, since purges are scoped to the
 * entrypoint that makes them (https://developers.cloudflare.com/workers/cache/purge/).
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { type ErrorHandler, Hono, type MiddlewareHandler } from "hono";
import { edgeCacheFor } from "../cache/edge-cache";
import { NO_STORE } from "../cache/policy";
import { type Clock, systemClock } from "../core/clock";
import { siteFromEnv } from "../core/config";
import { articlePath } from "../targets/document-name";
import type { ReaderAppEnv } from "./app-env";
import { mediaPublic } from "./media";
import { publicRoutes } from "./public";
import { searchRoutes } from "./search";

/** What the reader takes from outside: time. */
export interface ReaderOptions {
  clock: Clock;
}

/** Paths the newsroom answers; the reader passes them on untouched. */
const NEWSROOM_PATHS = /^\/(?:api|desk|preview)(?:\/|$)/;

/** The reader's Hono app. */
export function createReaderApp(options: ReaderOptions): Hono<ReaderAppEnv> {
  const app = new Hono<ReaderAppEnv>();
  app.use(clockSetup(options.clock));
  app.all("*", async function toNewsroom(c, next) {
    if (!NEWSROOM_PATHS.test(c.req.path)) return next();
    return c.env.NEWSROOM.fetch(c.req.raw);
  });
  // Images first: the public routes' catch-all would answer /media/… with the 404 page.
  app.route("/", mediaPublic);
  app.route("/", searchRoutes);
  app.route("/", publicRoutes);
  app.onError(onError);
  // Hono compiles its router on the first match: do it while the isolate starts, not on a request.
  app.router.match("GET", articlePath("warm-up"));
  return app;
}

function clockSetup(clock: Clock): MiddlewareHandler<ReaderAppEnv> {
  return async function clockSetup(c, next) {
    c.set("clock", clock);
    await next();
  };
}

/** One log line with the method and path, then a plain 500. */
const onError: ErrorHandler<ReaderAppEnv> = (error, c) => {
  console.error(`${c.req.method} ${c.req.path} failed:`, error);
  return c.text("Internal Server Error\n", 500, { "Cache-Control": NO_STORE });
};

/** The reader's handlers, on a given clock: tests build one on a clock they move. */
export function createReader(options: ReaderOptions) {
  const app = createReaderApp(options);
  const cacheOf = (env: ReaderBindings, ctx: ExecutionContext) => edgeCacheFor(ctx, siteFromEnv(env).url, options.clock);
  return {
    fetch: (request: Request, env: ReaderBindings, ctx: ExecutionContext) => app.fetch(request, env, ctx),
    /** Drops every cached response carrying any of these tags. Resolves false if the platform refused. */
    purge: (env: ReaderBindings, ctx: ExecutionContext, tags: string[]) => cacheOf(env, ctx).purge(tags),
    /** Marks them stale: revalidated on the next request, served if that fails. */
    invalidate: (env: ReaderBindings, ctx: ExecutionContext, tags: string[]) => cacheOf(env, ctx).invalidate(tags),
  };
}

const reader = createReader({ clock: systemClock });

/** The zone's Worker. RPC methods bypass the cache, and run in this entrypoint's purge scope. */
export default class Reader extends WorkerEntrypoint<ReaderBindings> {
  override fetch(request: Request): Promise<Response> {
    return Promise.resolve(reader.fetch(request, this.env, this.ctx));
  }

  purge(tags: string[]): Promise<boolean> {
    return reader.purge(this.env, this.ctx, checkedTags(tags));
  }

  invalidate(tags: string[]): Promise<boolean> {
    return reader.invalidate(this.env, this.ctx, checkedTags(tags));
  }
}

/** RPC arguments arrive untyped: only a list of strings is a list of tags. */
function checkedTags(tags: unknown): string[] {
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== "string")) throw new TypeError("tags must be a list of strings");
  return tags as string[];
}
