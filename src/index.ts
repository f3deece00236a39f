/**
 * @module index
 * Wires the Worker: per-request setup, the public routes, the editors' API under /api, the 404
 * page, one error handler, and the cron that closes the purge race.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env";
import { edgeCacheFor } from "./cache/edge-cache";
import { runDuePurges } from "./cache/invalidate";
import { type Env, siteFromEnv } from "./config";
import { createStore } from "./content/store";
import { apiRoutes } from "./routes/api";
import { notFound, publicRoutes } from "./routes/public";

/** Seconds a location may keep a KV read for readers (KV's own minimum and default). */
const READ_CACHE_TTL = 60;

const app = new Hono<AppEnv>();

app.use(async (c, next) => {
  const site = siteFromEnv(c.env);
  const isApi = c.req.path.startsWith("/api/");
  // Readers' reads state KV's location cache time (see README, "KV's cacheTtl"). Editors' reads
  // leave it to KV, which shows a data centre its own writes at once.
  c.set("site", site);
  c.set("store", createStore(c.env.ARTICLES, isApi ? {} : { readCacheTtl: READ_CACHE_TTL }));
  c.set("cache", edgeCacheFor(c.executionCtx as ExecutionContext, site.url));
  await next();
});

app.use(
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'unsafe-inline'"],
      imgSrc: ["'self'", "https:"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
    crossOriginResourcePolicy: "cross-origin",
    xFrameOptions: "DENY",
  }),
);

app.route("/api", apiRoutes);
app.route("/", publicRoutes);
app.notFound((c) =>
  // Workers Caching would keep a 404 without Cache-Control for minutes; nothing under /api/ may be kept.
  c.req.path.startsWith("/api/")
    ? c.json({ error: `No such API route: ${c.req.method} ${c.req.path}`, details: [] }, 404, { "Cache-Control": "no-store" })
    : notFound(c),
);

app.onError((error, c) => {
  // Expected refusals (bearer-auth's 401) carry their own response.
  if (error instanceof HTTPException) return error.getResponse();
  console.error(`${c.req.method} ${c.req.path} failed:`, error);
  if (c.req.path.startsWith("/api/")) {
    // A save undoes itself when it fails, but a delete may stop halfway: the editor should look.
    return c.json(
      { error: "Internal error: the request did not complete. Read the article back before retrying.", details: [] },
      500,
      { "Cache-Control": "no-store" },
    );
  }
  return c.text("Internal Server Error", 500, { "Cache-Control": "no-store" });
});

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    const site = siteFromEnv(env);
    const purged = await runDuePurges(edgeCacheFor(ctx, site.url), createStore(env.ARTICLES), controller.scheduledTime);
    if (purged.length) console.log(`cron purged ${purged.join(" ")}`);
  },
} satisfies ExportedHandler<Env>;

export { app };
