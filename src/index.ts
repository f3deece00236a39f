/**
 * @module index
 * Wires the Worker: per-request setup, the public routes, the editors' API under /api, and the
 * cron. `createWorker` takes the clock, so tests can run the same Worker on a clock they move.
 */
import { type Handler, Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { edgeCacheFor } from "./cache/edge-cache";
import { type Clock, systemClock } from "./core/clock";
import { siteFromEnv } from "./core/config";
import { onError } from "./errors";
import { apiRoutes } from "./newsroom/api";
import { editorsFromEnv } from "./newsroom/editors";
import { runCron } from "./pipeline/cron";
import type { Materialiser } from "./pipeline/materialise";
import { mediaPublic } from "./reader/media";
import { publicRoutes } from "./reader/public";
import { searchRoutes } from "./reader/search";
import { createStore } from "./readmodel/store";

/** What the Worker takes from outside: time, and how its own requests leave it. */
export interface WorkerOptions {
  clock: Clock;
  /** Outbound requests (WebSub pings); tests pass a fake hub. */
  fetch?: (request: Request) => Promise<Response>;
}

/** The Hono app. Each sub-app sets up its own requests, headers and errors. */
export function createApp(options: WorkerOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(workerSetup(options));
  app.route("/api", apiRoutes);
  // The desk and draft previews are for editors. Their modules (pages, jose, jsdiff) are loaded by
  // their first request, not evaluated at the start of every isolate that serves readers.
  const desk = lazyApp(options, "/desk", () => import("./newsroom/desk").then((m) => m.deskRoutes));
  app.all("/desk", desk).all("/desk/*", desk);
  app.all(
    "/preview/*",
    lazyApp(options, "/preview", () => import("./newsroom/preview").then((m) => m.previewRoutes)),
  );
  // Images first: the public routes' catch-all would answer /media/… with the 404 page.
  app.route("/", mediaPublic);
  app.route("/", searchRoutes);
  app.route("/", publicRoutes);
  app.onError(onError);
  // Hono compiles its router on the first match. Do it now, while the isolate starts (Workers
  // evaluate the module before the first request arrives), rather than on a reader's request.
  app.router.match("GET", "/articles/warm-up");
  return app;
}

/** How the Worker's own requests leave it: the given fetch, or the runtime's. */
const outboundFetch = (options: WorkerOptions) => options.fetch ?? ((request: Request) => fetch(request));

/** Sets what every request shares: the clock, and how requests leave the Worker. */
function workerSetup(options: WorkerOptions): MiddlewareHandler<AppEnv> {
  const outbound = outboundFetch(options);
  return async function workerSetup(c, next) {
    c.set("clock", options.clock);
    c.set("fetch", outbound);
    await next();
  };
}

/** A sub-app mounted at `path` whose module is imported on its first request. */
function lazyApp(options: WorkerOptions, path: string, load: () => Promise<Hono<AppEnv>>): Handler<AppEnv> {
  let mounted: Promise<Hono<AppEnv>> | undefined;
  return async function lazyApp(c) {
    mounted ??= load()
      .then((routes) => new Hono<AppEnv>().use(workerSetup(options)).route(path, routes).onError(onError))
      .catch((error: unknown) => {
        mounted = undefined; // The next request tries again.
        throw error;
      });
    return (await mounted).fetch(c.req.raw, c.env, c.executionCtx);
  };
}

/** The Worker: `fetch` for readers and editors, `scheduled` for the cron. */
export function createWorker(options: WorkerOptions): ExportedHandler<Env> & {
  fetch: NonNullable<ExportedHandler<Env>["fetch"]>;
  scheduled: NonNullable<ExportedHandler<Env>["scheduled"]>;
} {
  const { clock } = options;
  const app = createApp(options);
  return {
    fetch: (request, env, ctx) => app.fetch(request, env, ctx),
    async scheduled(_controller, env, ctx) {
      const site = siteFromEnv(env);
      // Purges are scoped to the entrypoint that makes them, and a cron runs outside the cache. So
      // the cron's work runs inside the fetch entrypoint, through the Worker's own loopback binding.
      // (Locally there is no ctx.cache: the local layer is one shared Cache API, so it runs here.)
      const token = editorsFromEnv(env)[0]?.token;
      const self = (ctx as ExecutionContext & { exports?: { default?: Fetcher } }).exports?.default;
      if (self && token && ctx.cache) {
        const response = await self.fetch(`${site.url}/api/cron`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}` },
        });
        if (!response.ok) console.error(`cron: the fetch entrypoint answered ${response.status}`);
        return;
      }
      const m: Materialiser = {
        db: env.DB,
        search: env.SEARCH,
        store: createStore(env.ARTICLES),
        cache: edgeCacheFor(ctx, site.url, clock),
        site,
        clock,
        fetch: outboundFetch(options),
      };
      const report = await runCron(m);
      if (report.purged.length || report.failed.length) {
        console.log(`cron: purged ${report.purged.join(" ") || "nothing"}; failed ${report.failed.join(" ") || "nothing"}`);
      }
    },
  };
}

export default createWorker({ clock: systemClock });
