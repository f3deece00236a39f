/**
 * @module routes/public
 * What readers and feed readers get. Each handler reads KV through the store, renders, and hands
 * the result to the edge cache; conditional GET is answered for hits and misses alike.
 */

import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { notModified, strongEtag } from "../cache/conditional";
import { NO_STORE, publicCacheHeaders, TAGS } from "../cache/policy";
import { listPath, type Site } from "../config";
import { isPublic, validateSlug } from "../content/article";
import type { StoredArticle } from "../content/schema";
import { getArticle, getArticles, listPublic } from "../content/store";
import { toRfc822 } from "../dates";
import { buildJsonFeed } from "../feeds/json-feed";
import { FEED_SIZE } from "../feeds/model";
import { buildRss } from "../feeds/rss";
import { buildRobots, buildSitemap, SITEMAP_MAX_URLS } from "../feeds/sitemap";
import { renderArticle } from "../render/article";
import { renderHome } from "../render/home";
import { renderNotFound } from "../render/not-found";

export const PAGE_SIZE = 20;
/** Pages past this (50,000 articles) are 404s rather than ever more KV lists. */
const MAX_PAGE = 2500;

const HTML = "text/html; charset=utf-8";

interface Rendered {
  body: string;
  contentType: string;
  tags: string[];
  status?: 200 | 404;
  /** When this response will change by itself (a scheduled article going live), in ms. */
  expiresAt?: number | undefined;
  /** Whether to send Last-Modified, for feed readers that poll with If-Modified-Since. */
  lastModified?: boolean;
}

export const publicRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    // Workers Caching keys on the query string, so `?utm_source=…` or any made-up parameter would
    // make a new cache entry. No public page reads a query, so send readers to the canonical URL,
    // and keep the redirect itself out of every cache.
    const url = new URL(c.req.url);
    if (url.search) {
      c.header("Cache-Control", NO_STORE);
      return c.redirect(url.pathname, 301);
    }
    await next();
  })
  .get("/", (c) => cached(c, () => homePage(c, 1)))
  .get("/page/:page{[1-9][0-9]{0,3}}", async (c) => {
    const page = Number(c.req.param("page"));
    if (page === 1) {
      c.header("Cache-Control", NO_STORE);
      return c.redirect(listPath(1), 301);
    }
    if (page > MAX_PAGE) return notFound(c);
    return cached(c, () => homePage(c, page));
  })
  .get("/articles/:slug", (c) => {
    const slug = c.req.param("slug");
    // A slug that could never be stored is a plain 404: no KV read, and nothing of it in a header.
    if (!validateSlug(slug).ok) return notFound(c);
    return cached(c, () => articlePage(c, slug));
  })
  .get("/sitemap.xml", (c) => cached(c, () => sitemap(c)))
  .get("/robots.txt", (c) =>
    cached(c, async () => ({ body: buildRobots(c.var.site), contentType: "text/plain; charset=utf-8", tags: [TAGS.robots] })),
  )
  .get("/rss.xml", (c) => cached(c, () => feed(c, FEEDS.rss)))
  .get("/feed.json", (c) => cached(c, () => feed(c, FEEDS.json)));

interface FeedFormat {
  build: (site: Site, articles: StoredArticle[]) => string;
  contentType: string;
  tag: string;
}

const FEEDS = {
  rss: { build: buildRss, contentType: "application/rss+xml; charset=utf-8", tag: TAGS.rss },
  json: { build: buildJsonFeed, contentType: "application/feed+json; charset=utf-8", tag: TAGS.jsonFeed },
} satisfies Record<string, FeedFormat>;

/** The 404 page for any path no route claims. */
export function notFound(c: Context<AppEnv>): Promise<Response> {
  return cached(c, async () => notFoundPage(c, [TAGS.notFound]));
}

async function homePage(c: Context<AppEnv>, page: number): Promise<Rendered> {
  const now = Date.now();
  const result = await listPublic(c.var.store, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE, now });
  if (page > 1 && result.entries.length === 0) return notFoundPage(c, [TAGS.list]);
  return {
    body: await renderHome(c.var.site, { entries: result.entries, page, hasOlder: result.hasMore }),
    contentType: HTML,
    tags: [TAGS.list, TAGS.listPage(page)],
    expiresAt: result.nextPublishAt,
  };
}

async function articlePage(c: Context<AppEnv>, slug: string): Promise<Rendered> {
  const article = await getArticle(c.var.store, slug);
  const now = Date.now();
  if (!article || !isPublic(article, now)) {
    // Tagged with the article, so publishing it purges this 404; a scheduled one expires on time.
    const goesLive = article && !article.draft ? Date.parse(article.published) : undefined;
    return { ...(await notFoundPage(c, [TAGS.article(slug)])), expiresAt: goesLive };
  }
  return { body: await renderArticle(c.var.site, article), contentType: HTML, tags: [TAGS.article(slug)] };
}

async function notFoundPage(c: Context<AppEnv>, tags: string[]): Promise<Rendered> {
  return { body: await renderNotFound(c.var.site, new URL(c.req.url).pathname), contentType: HTML, tags, status: 404 };
}

/** A feed of the latest public articles with their full content: one list and one bulk read. */
async function feed(c: Context<AppEnv>, format: FeedFormat): Promise<Rendered> {
  const now = Date.now();
  const page = await listPublic(c.var.store, { offset: 0, limit: FEED_SIZE, now });
  const slugs = page.entries.map((entry) => entry.slug);
  const articles = (await getArticles(c.var.store, slugs)).filter((article) => isPublic(article, now));
  return {
    body: format.build(c.var.site, articles),
    contentType: format.contentType,
    tags: [format.tag],
    expiresAt: page.nextPublishAt,
    lastModified: true,
  };
}

/**
 * Every public article, for search engines. Unlike the other routes its cost grows with the
 * archive (one `list` per thousand articles), which the edge cache absorbs: it changes only when
 * the lists do, and shares their tag.
 */
async function sitemap(c: Context<AppEnv>): Promise<Rendered> {
  const page = await listPublic(c.var.store, { offset: 0, limit: SITEMAP_MAX_URLS - 1, now: Date.now() });
  return {
    body: buildSitemap(c.var.site, page.entries),
    contentType: "application/xml; charset=utf-8",
    tags: [TAGS.list, TAGS.sitemap],
    expiresAt: page.nextPublishAt,
  };
}

/** Renders through the edge cache, then answers a conditional request from whichever it got. */
async function cached(c: Context<AppEnv>, render: () => Promise<Rendered>): Promise<Response> {
  const response = await c.var.cache.serve(c.req.raw, async () => toResponse(c, await render()));
  return notModified(c.req.raw, response) ?? response;
}

async function toResponse(c: Context<AppEnv>, rendered: Rendered): Promise<Response> {
  const headers = new Headers({
    "Content-Type": rendered.contentType,
    ...publicCacheHeaders({ now: Date.now(), expiresAt: rendered.expiresAt, notFound: rendered.status === 404 }),
    "Cache-Tag": rendered.tags.join(","),
    ETag: await strongEtag(rendered.body),
    "Server-Timing": serverTiming(c),
  });
  // The time of rendering, not of the newest item: a deleted article or a correction that did not
  // bump `updated` must still change Last-Modified, or a reader polling with If-Modified-Since
  // would be told 304 and keep the old feed. Every change purges, so every change re-renders.
  if (rendered.lastModified) headers.set("Last-Modified", toRfc822(Math.floor(Date.now() / 1000) * 1000));
  return new Response(rendered.body, { status: rendered.status ?? 200, headers });
}

function serverTiming(c: Context<AppEnv>): string {
  const { reads, lists } = c.var.store.ops;
  return `kv;desc="reads=${reads} lists=${lists}"`;
}
