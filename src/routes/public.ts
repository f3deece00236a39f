/**
 * @module routes/public
 * What readers and feed readers get. Every page and feed is a document the materialiser prebuilt
 * in KV: a miss costs one KV read and no rendering. Conditional GET is answered for hits and
 * misses alike. Only GET and HEAD exist here; anything else is a 405 that no cache keeps.
 */
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../app-env";
import { notModified, strongEtag } from "../cache/conditional";
import { NO_STORE, publicCacheHeaders, TAGS } from "../cache/policy";
import { absoluteUrl, articlePath, listPath, type Site } from "../config";
import { validateSlug } from "../content/article";
import { PAGE_SIZE } from "../content/materialise";
import { getDocument, getPage, listIndex } from "../content/store";
import { toRfc822 } from "../dates";
import { buildJsonFeed } from "../feeds/json-feed";
import { buildRss } from "../feeds/rss";
import { buildRobots, buildSitemapIndex } from "../feeds/sitemap";
import { renderHome } from "../render/home";
import { renderGone, renderNotFound } from "../render/not-found";
import { requestSetup } from "../setup";

/** Pages past this are 404s: a deeper page would cost more than one KV `list`. */
export const MAX_PAGE = 50;

const HTML = "text/html; charset=utf-8";
const ALLOWED_METHODS = "GET, HEAD";

interface Rendered {
  body: string;
  contentType: string;
  tags: string[];
  status?: 200 | 301 | 404 | 410;
  /** The ETag, when it was computed as the document was built; else it is hashed here. */
  etag?: string;
  /** When this response will change by itself (a scheduled article going live), in ms. */
  expiresAt?: number | undefined;
  /** Last-Modified (ms), for feed readers that poll with If-Modified-Since. */
  lastModified?: number;
  location?: string;
}

/** The documents that are served as they were prebuilt, and what to serve before the first build. */
interface DocumentRoute {
  name: string;
  contentType: string;
  tags: string[];
  lastModified: boolean;
  empty: (site: Site) => Promise<string> | string;
}

const DOCUMENTS = {
  rss: {
    name: "home:rss",
    contentType: "application/rss+xml; charset=utf-8",
    tags: [TAGS.rss],
    lastModified: true,
    empty: (site) => buildRss(site, [], undefined),
  },
  json: {
    name: "home:json",
    contentType: "application/feed+json; charset=utf-8",
    tags: [TAGS.jsonFeed],
    lastModified: true,
    empty: (site) => buildJsonFeed(site, []),
  },
  sitemap: {
    name: "sitemap",
    contentType: "application/xml; charset=utf-8",
    tags: [TAGS.sitemap],
    lastModified: false,
    empty: (site) => buildSitemapIndex(site, []),
  },
} satisfies Record<string, DocumentRoute>;

/** RFC 9110 §15.5.6: a 405 names the methods that are allowed. No cache may keep it. */
function onlyGetAndHead(): MiddlewareHandler<AppEnv> {
  return async function onlyGetAndHead(c, next) {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    return c.text("Method Not Allowed\n", 405, { Allow: ALLOWED_METHODS, "Cache-Control": NO_STORE });
  };
}

/**
 * Workers Caching keys on the query string, so `?utm_source=…` would make a new cache entry for
 * every value. No public page reads a query: send readers to the canonical URL, built from SITE_URL
 * so that no request can steer the redirect to another host.
 */
function canonicalUrls(): MiddlewareHandler<AppEnv> {
  return async function canonicalUrls(c, next) {
    const url = new URL(c.req.url);
    // `//host` and `/\host` are read by browsers as another host: never a redirect, only a 404.
    if (/^\/[/\\]/.test(url.pathname)) return notFound(c);
    if (url.search) {
      c.header("Cache-Control", NO_STORE);
      return c.redirect(absoluteUrl(c.var.site, url.pathname), 301);
    }
    return next();
  };
}

/** Seconds a location may keep a KV read for readers (KV's own minimum and default). */
const READ_CACHE_TTL = 60;

export const publicRoutes = new Hono<AppEnv>()
  .use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["'self'", "https:"],
        // Page-context tools (Lighthouse's robots.txt audit) fetch from the page itself.
        connectSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
      crossOriginResourcePolicy: "cross-origin",
      xFrameOptions: "DENY",
    }),
  )
  .use(onlyGetAndHead())
  .use(requestSetup({ readCacheTtl: READ_CACHE_TTL }))
  .use(canonicalUrls())
  .get("/", (c) => cached(c, () => homePage(c)))
  .get("/page/:page{[1-9][0-9]{0,3}}", async (c) => {
    const page = Number(c.req.param("page"));
    if (page === 1) {
      c.header("Cache-Control", NO_STORE);
      return c.redirect(absoluteUrl(c.var.site, listPath(1)), 301);
    }
    if (page > MAX_PAGE) return notFound(c);
    return cached(c, () => deepPage(c, page));
  })
  .get("/articles/:slug", (c) => {
    const slug = c.req.param("slug");
    // A slug that could never be stored is a plain 404: no KV read, and nothing of it in a header.
    if (!validateSlug(slug).ok) return notFound(c);
    return cached(c, () => articlePage(c, slug));
  })
  .get("/rss.xml", (c) => cached(c, () => prebuilt(c, DOCUMENTS.rss)))
  .get("/feed.json", (c) => cached(c, () => prebuilt(c, DOCUMENTS.json)))
  .get("/sitemap.xml", (c) => cached(c, () => prebuilt(c, DOCUMENTS.sitemap)))
  .get("/sitemaps/:file{[0-9]{4}-[0-9]{2}\\.xml}", (c) => {
    const month = c.req.param("file").slice(0, 7);
    return cached(c, () =>
      prebuilt(c, {
        name: `sitemap:${month}`,
        contentType: "application/xml; charset=utf-8",
        tags: [TAGS.sitemapMonth(month)],
        lastModified: false,
        empty: () => "",
      }),
    );
  })
  .get("/robots.txt", (c) =>
    cached(c, async () => ({ body: buildRobots(c.var.site), contentType: "text/plain; charset=utf-8", tags: [TAGS.robots] })),
  )
  .all("*", (c) => notFound(c))
  .onError((error, c) => {
    console.error(`${c.req.method} ${c.req.path} failed:`, error);
    return c.text("Internal Server Error\n", 500, { "Cache-Control": NO_STORE });
  });

/** The 404 page for any path no route claims. */
export function notFound(c: Context<AppEnv>): Promise<Response> {
  return cached(c, async () => notFoundPage(c, [TAGS.notFound]));
}

async function homePage(c: Context<AppEnv>): Promise<Rendered> {
  const document = await getDocument(c.var.store, "home");
  if (!document) {
    // Nothing has been built yet: a new site, before its first publish.
    return {
      body: await renderHome(c.var.site, { entries: [], page: 1, hasOlder: false }),
      contentType: HTML,
      tags: [TAGS.list],
    };
  }
  return {
    body: document.body,
    etag: document.meta.etag,
    contentType: HTML,
    tags: [TAGS.list, TAGS.listPage(1)],
    expiresAt: document.meta.expiresAt,
  };
}

/** Pages 2 to MAX_PAGE: the home document says how many there are, then one `list` of the index. */
async function deepPage(c: Context<AppEnv>, page: number): Promise<Rendered> {
  const home = await getDocument(c.var.store, "home");
  const total = home?.meta.total ?? 0;
  if ((page - 1) * PAGE_SIZE >= total) return notFoundPage(c, [TAGS.list]);
  const result = await listIndex(c.var.store, "home", {
    offset: (page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
    now: c.var.clock.now(),
  });
  if (result.entries.length === 0) return notFoundPage(c, [TAGS.list]);
  return {
    body: await renderHome(c.var.site, { entries: result.entries, page, hasOlder: result.hasMore }),
    contentType: HTML,
    tags: [TAGS.list, TAGS.listPage(page)],
    expiresAt: result.nextPublishAt,
  };
}

async function articlePage(c: Context<AppEnv>, slug: string): Promise<Rendered> {
  const page = await getPage(c.var.store, slug);
  const tags = [TAGS.article(slug)];
  if (!page) return notFoundPage(c, tags);
  const { meta } = page;
  if (meta.state === "gone") {
    return { body: await renderGone(c.var.site, articlePath(slug)), contentType: HTML, tags, status: 410 };
  }
  if (meta.state === "moved") {
    return { body: "", contentType: HTML, tags, status: 301, location: absoluteUrl(c.var.site, articlePath(meta.to)) };
  }
  // Tagged with the article, so publishing it purges this 404; a scheduled one expires on time.
  if (meta.at > c.var.clock.now()) return { ...(await notFoundPage(c, tags)), expiresAt: meta.at };
  return { body: page.body, etag: meta.etag, contentType: HTML, tags };
}

async function prebuilt(c: Context<AppEnv>, route: DocumentRoute): Promise<Rendered> {
  const document = await getDocument(c.var.store, route.name);
  const body = document?.body ?? (await route.empty(c.var.site));
  if (!body) return notFoundPage(c, route.tags);
  return {
    body,
    contentType: route.contentType,
    tags: route.tags,
    ...(document ? { etag: document.meta.etag, expiresAt: document.meta.expiresAt } : {}),
    // The time the document was built, not of its newest item: a deletion or a correction that did
    // not bump `updated` must still change Last-Modified, or a reader polling with If-Modified-Since
    // would be told 304 and keep the old feed. Every change rebuilds.
    ...(route.lastModified ? { lastModified: document?.meta.builtAt ?? c.var.clock.now() } : {}),
  };
}

async function notFoundPage(c: Context<AppEnv>, tags: string[]): Promise<Rendered> {
  return { body: await renderNotFound(c.var.site, new URL(c.req.url).pathname), contentType: HTML, tags, status: 404 };
}

/** Renders through the edge cache, then answers a conditional request from whichever it got. */
async function cached(c: Context<AppEnv>, render: () => Promise<Rendered>): Promise<Response> {
  const response = await c.var.cache.serve(c.req.raw, async () => toResponse(c, await render()));
  return notModified(c.req.raw, response) ?? response;
}

async function toResponse(c: Context<AppEnv>, rendered: Rendered): Promise<Response> {
  const headers = new Headers({
    "Content-Type": rendered.contentType,
    ...publicCacheHeaders({
      now: c.var.clock.now(),
      expiresAt: rendered.expiresAt,
      notFound: rendered.status === 404,
    }),
    "Cache-Tag": rendered.tags.join(","),
    ETag: rendered.etag ?? (await strongEtag(rendered.body)),
  });
  if (rendered.location) headers.set("Location", rendered.location);
  // KV costs are for the developer's eyes: shown by the local layer (wrangler dev, tests, the
  // benchmark), never by the production edge, where they would tell anyone how to make misses dear.
  if (c.var.cache.kind === "local") headers.set("Server-Timing", serverTiming(c));
  if (rendered.lastModified !== undefined)
    headers.set("Last-Modified", toRfc822(Math.floor(rendered.lastModified / 1000) * 1000));
  return new Response(rendered.status === 301 ? null : rendered.body, { status: rendered.status ?? 200, headers });
}

function serverTiming(c: Context<AppEnv>): string {
  const { reads, lists } = c.var.store.ops;
  return `kv;desc="reads=${reads} lists=${lists}"`;
}
