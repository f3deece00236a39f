/**
 * @module reader/index
 * The reader Worker: public pages and feeds, media, robots, the favicon, the 404 page, behind
 * Workers Caching. It holds the KV read model, the media bucket and the search index, and nothing
 * of the newsroom: requests for `/api/*`, `/desk/*`, `/preview/*`, the newsletter routes
 * (`/subscribe*`, `/unsubscribe`) and new image widths are handed
 * to the newsroom Worker over its service binding. The newsroom purges this Worker's cache by
 * calling `purge` and `invalidate` on its default entrypoint, since purges are scoped to the
 * entrypoint that makes them (https://developers.cloudflare.com/workers/cache/purge/).
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { ErrorHandler, Handler, MiddlewareHandler } from "hono";
import { Hono } from "hono/tiny";
import { edgeCacheFor } from "../cache/edge-cache";
import { NO_STORE } from "../cache/policy";
import { type Clock, systemClock } from "../core/clock";
import { siteFromEnv } from "../core/config";
import { OPENSEARCH_PATH, SEARCH_JSON_PATH, SEARCH_PATH } from "../targets/document-name";
import type { ReaderAppEnv } from "./app-env";
import { addPublicRoutes } from "./public";

/** What the reader takes from outside: time. */
export interface ReaderOptions {
  clock: Clock;
}

/** Paths the newsroom answers; the reader passes them on untouched. */
const NEWSROOM_PATHS = /^\/(?:api|desk|preview|subscribe|unsubscribe)(?:\/|$)/;

/**
 * The reader's Hono app. Its start is kept to what an article needs (docs/benchmark.md): Hono's
 * PatternRouter (`hono/tiny`), which compiles each route as it is added and has nothing to build
 * on the first match, and the prebuilt documents' routes; images and search are separate apps
 * imported on their first request, and the pages rendered on request (404, 410, pages 2+ of a
 * listing) load their renderer the same way (reader/rendered.ts).
 */
export function createReaderApp(options: ReaderOptions): Hono<ReaderAppEnv> {
  const app = new Hono<ReaderAppEnv>();
  app.use(async function clockOrNewsroom(c, next) {
    if (NEWSROOM_PATHS.test(c.req.path)) return c.env.NEWSROOM.fetch(c.req.raw);
    c.set("clock", options.clock);
    await next();
  });
  // Images and search before the public routes, whose catch-all would answer them with the 404
  // page. Only the paths and methods the lazy apps answer go to them (GET: Hono routes HEAD as GET);
  // anything else falls through to the public routes' 404 and 405.
  const media = lazyApp(options, () => import("./media").then((m) => m.mediaPublic));
  app.get("/media/:file", media).get("/media/w/:width/:file", media);
  const search = lazyApp(options, () => import("./search").then((m) => m.searchRoutes));
  for (const path of [SEARCH_PATH, SEARCH_JSON_PATH, OPENSEARCH_PATH]) app.get(path, search);
  addPublicRoutes(app);
  app.onError(onError);
  return app;
}

/**
 * Routes whose module is imported on their first request, mounted at "/" in an app of their own
 * (so with the clock set again) and sharing the reader's error handler. A failed import is tried
 * again by the next request.
 */
function lazyApp(options: ReaderOptions, load: () => Promise<Hono<ReaderAppEnv>>): Handler<ReaderAppEnv> {
  let mounted: Promise<Hono<ReaderAppEnv>> | undefined;
  return async function lazyApp(c) {
    mounted ??= load()
      .then((routes) => new Hono<ReaderAppEnv>().use(clockSetup(options.clock)).route("/", routes).onError(onError))
      .catch((error: unknown) => {
        mounted = undefined;
        throw error;
      });
    return (await mounted).fetch(c.req.raw, c.env, c.executionCtx);
  };
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
  const cacheOf = (env: ReaderBindings, ctx: ExecutionContext) =>
    edgeCacheFor(ctx, siteFromEnv(env, { checkTimeZone: false }).url, options.clock);
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
