/**
 * @module reader/public
 * What readers and feed readers get. Every page and feed is a document the materialiser prebuilt
 * in KV: a miss costs one KV read and no rendering. The home page, sections, tags and authors are
 * one kind of listing (targets/listings.ts), each with pages and three feeds. Conditional GET is answered for hits and
 * misses alike. Only GET and HEAD exist here; anything else is a 405 that no cache keeps.
 */
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { notModified, strongEtag } from "../cache/conditional";
import { NO_STORE, publicCacheHeaders } from "../cache/policy";
import { absoluteUrl, type Site } from "../core/config";
import { toRfc822 } from "../core/dates";
import { isSlug } from "../core/slug";
import { buildFeed } from "../feeds/build";
import { channelFor, FEED_FILES, FEED_FORMATS, FEED_MEDIA_TYPES, type FeedFormat } from "../feeds/model";
import { buildNewsSitemap, buildRobots, buildSitemapIndex } from "../feeds/sitemap";
import { websubLinkHeader } from "../feeds/websub";
import { getDocument, getNavigation, getPage, listIndex } from "../readmodel/store";
import { CORRECTIONS_HEADING, renderCorrectionsPage } from "../render/corrections";
import { FAVICON_CONTENT_TYPE, FAVICON_SVG } from "../render/favicon";
import { renderListing } from "../render/listing";
import { listingView, NO_SUBJECT } from "../render/listing-view";
import { LIVE_SCRIPT, LIVE_SCRIPT_PATH } from "../render/live-script";
import { renderGone, renderNotFound } from "../render/not-found";
import { CORRECTIONS, correctionsDocument } from "../targets/corrections";
import {
  DEFAULT_EDITION,
  documentPath,
  documentTags,
  homeOf,
  LISTING_SITEMAPS,
  LIVE_DOCUMENTS,
  type ListingSitemap,
  listingName,
  NEWS_SITEMAP_PATH,
  pageName,
  ROUTES,
  SITEMAP_CHILD_ROUTE,
  SITEMAP_PATH,
  type StoredName,
  TAGS,
} from "../targets/document-name";
import { HOME, type Listing, listingOf, listingPagePath, PAGE_SIZE } from "../targets/listings";
import type { ReaderAppEnv as AppEnv } from "./app-env";
import { readerSetup as requestSetup } from "./setup";

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
  /** A final archive document, cached for long. */
  final?: boolean;
  /** A subscription feed's own URL, for the WebSub `Link` header. */
  selfUrl?: string;
  /** Last-Modified (ms), for feed readers that poll with If-Modified-Since. */
  lastModified?: number;
  location?: string;
}

/** A document that is served as it was prebuilt, and what to serve before the first build. */
interface DocumentRoute {
  /** Its name, which gives its KV key and its cache tags. */
  name: StoredName;
  /** A subscription feed: its own URL goes in the WebSub `Link` header. */
  feed?: boolean;
  contentType: string;
  lastModified: boolean;
  /** The document a new site serves before anything is built; undefined for a 404. */
  empty?: (site: Site) => string | Promise<string>;
}

const XML = "application/xml; charset=utf-8";

const FEED_TYPES = Object.fromEntries(
  FEED_FORMATS.map((format) => [format, `${FEED_MEDIA_TYPES[format]}; charset=utf-8`]),
) as Record<FeedFormat, string>;

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

/** The security headers of every reader page: nothing loads from elsewhere, forms post only here. */
export const readerSecureHeaders = (): MiddlewareHandler<AppEnv> =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'unsafe-inline'"],
      // The live page's optional script (render/live-script.ts), served from here; nothing inline.
      scriptSrc: ["'self'"],
      imgSrc: ["'self'", "https:"],
      // Page-context tools (Lighthouse's robots.txt audit) fetch from the page itself.
      connectSrc: ["'self'"],
      baseUri: ["'none'"],
      // The header's search box submits to /search.
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    crossOriginResourcePolicy: "cross-origin",
    xFrameOptions: "DENY",
  });

export const publicRoutes = new Hono<AppEnv>()
  .use(readerSecureHeaders())
  .use(onlyGetAndHead())
  .use(requestSetup({ readCacheTtl: READ_CACHE_TTL }))
  .use(canonicalUrls());

// The home page and its feeds, then the same for every section, tag and author.
listingRoutes("", () => HOME);
for (const [prefix, kind] of ROUTES.listings) {
  listingRoutes(`${prefix}/:slug`, (slug) => (slug !== undefined && isSlug(slug) ? listingOf(kind, slug) : undefined));
}
// Every other edition's, under /{tag}/ (docs/editions.md): an edition the site has not is a 404, from KV.
listingRoutes(ROUTES.edition, (_slug, edition) => (edition ? homeOf(edition) : undefined));
for (const [prefix, kind] of ROUTES.listings) {
  listingRoutes(`${ROUTES.edition}${prefix}/:slug`, (slug, edition) =>
    slug !== undefined && edition && isSlug(slug) ? listingOf(kind, slug, edition) : undefined,
  );
}
correctionsRoutes();

liveRoutes();

publicRoutes
  .get(ROUTES.article, (c) => {
    const slug = c.req.param("slug");
    // A slug that could never be stored is a plain 404: no KV read, and nothing of it in a header.
    if (!isSlug(slug)) return notFound(c);
    return cached(c, () => articlePage(c, slug, DEFAULT_EDITION));
  })
  .get(`${ROUTES.edition}${ROUTES.article}`, (c) => {
    const slug = c.req.param("slug");
    if (!isSlug(slug)) return notFound(c);
    return cached(c, () => articlePage(c, slug, c.req.param("edition")));
  })
  .get(SITEMAP_PATH, (c) =>
    cached(c, () =>
      prebuilt(c, {
        name: { kind: "sitemap-index", edition: DEFAULT_EDITION },
        contentType: XML,
        lastModified: false,
        empty: (site) => buildSitemapIndex(site, []),
      }),
    ),
  )
  .get(SITEMAP_CHILD_ROUTE, (c) => {
    // A month of articles, or every section, tag or author page: each a prebuilt child.
    const child = c.req.param("file").slice(0, -".xml".length);
    const of = LISTING_SITEMAPS.find((kind: ListingSitemap) => kind === child);
    const name: StoredName = of
      ? { kind: "sitemap-pages", edition: DEFAULT_EDITION, of }
      : { kind: "sitemap-month", edition: DEFAULT_EDITION, month: child };
    return cached(c, () => prebuilt(c, { name, contentType: XML, lastModified: false }));
  })
  .get(NEWS_SITEMAP_PATH, (c) =>
    cached(c, () =>
      prebuilt(c, {
        name: { kind: "news-sitemap", edition: DEFAULT_EDITION },
        contentType: XML,
        lastModified: false,
        empty: (site) => buildNewsSitemap(site, [], 0),
      }),
    ),
  )
  .get("/robots.txt", (c) =>
    cached(c, async () => ({
      body: buildRobots(c.var.site, { blockAiCrawlers: c.var.site.blockAiCrawlers === true }),
      contentType: "text/plain; charset=utf-8",
      tags: [TAGS.robots],
    })),
  )
  // Browsers ask for /favicon.ico whatever the page says; the SVG answers it too.
  .on("GET", ["/favicon.svg", "/favicon.ico"], (c) =>
    cached(c, async () => ({ body: FAVICON_SVG, contentType: FAVICON_CONTENT_TYPE, tags: [TAGS.favicon] })),
  )
  .all("*", (c) => notFound(c))
  .onError((error, c) => {
    console.error(`${c.req.method} ${c.req.path} failed:`, error);
    return c.text("Internal Server Error\n", 500, { "Cache-Control": NO_STORE });
  });

/**
 * A listing's routes under `prefix`: its first page, pages 2 to MAX_PAGE, and its three feeds.
 * `resolve` turns the `:slug` in the path into the listing, or undefined for a 404.
 */
function listingRoutes(
  prefix: string,
  resolve: (slug: string | undefined, edition: string | undefined) => Listing | undefined,
): void {
  const withListing = (c: Context<AppEnv>, then: (listing: Listing) => Promise<Response>) => {
    const listing = resolve(c.req.param("slug"), c.req.param("edition"));
    return listing ? then(listing) : notFound(c);
  };
  // An edition's home page is /{tag}/ (a bare /{tag} is any other unknown path: a 404).
  const first = prefix === ROUTES.edition ? `${prefix}/` : prefix || "/";
  publicRoutes.get(first, (c) => withListing(c, (listing) => cached(c, () => listingPage(c, listing))));
  publicRoutes.get(`${prefix}/page/:page{[1-9][0-9]{0,3}}`, (c) =>
    withListing(c, async (listing) => {
      const page = Number(c.req.param("page"));
      if (page === 1) {
        c.header("Cache-Control", NO_STORE);
        return c.redirect(absoluteUrl(c.var.site, listingPagePath(listing, 1)), 301);
      }
      if (page > MAX_PAGE) return notFound(c);
      return cached(c, () => deepPage(c, listing, page));
    }),
  );
  for (const format of FEED_FORMATS) {
    // RFC 5005 archive documents: the whole archive, month by month, one KV read each.
    publicRoutes.get(`${prefix}/archive/:month{[0-9]{4}-[0-9]{2}}/:part{[1-9][0-9]{0,4}}/${FEED_FILES[format]}`, (c) =>
      withListing(c, (listing) =>
        cached(c, () =>
          prebuilt(c, {
            name: { kind: "archive", listing, part: archivePart(c), format },
            contentType: FEED_TYPES[format],
            lastModified: true,
          }),
        ),
      ),
    );
    publicRoutes.get(`${prefix}/${FEED_FILES[format]}`, (c) =>
      withListing(c, (listing) =>
        cached(c, () =>
          prebuilt(c, {
            name: listingName(listing, format),
            contentType: FEED_TYPES[format],
            lastModified: true,
            feed: true,
            ...(listing.kind === "home" ? { empty: (site: Site) => emptyHomeFeed(site, format) } : {}),
          }),
        ),
      ),
    );
  }
}

/**
 * A live article's documents beside its page (docs/live-and-corrections.md): its feeds, the JSON
 * document its script polls, its pages of older updates, and the script. One KV read each.
 */
function liveRoutes(): void {
  const withSlug = (c: Context<AppEnv>, then: (slug: string) => Promise<Response>) => {
    const slug = c.req.param("slug") ?? "";
    return isSlug(slug) ? then(slug) : notFound(c);
  };
  publicRoutes.get(ROUTES.liveStatus, (c) =>
    withSlug(c, (slug) =>
      cached(c, () =>
        prebuilt(c, {
          name: LIVE_DOCUMENTS.status(slug),
          contentType: "application/json; charset=utf-8",
          lastModified: false,
        }),
      ),
    ),
  );
  for (const format of FEED_FORMATS) {
    publicRoutes.get(ROUTES.liveFeed(format), (c) =>
      withSlug(c, (slug) =>
        cached(c, () =>
          prebuilt(c, {
            name: LIVE_DOCUMENTS.feed(slug, format),
            contentType: FEED_TYPES[format],
            lastModified: true,
            feed: true,
          }),
        ),
      ),
    );
  }
  publicRoutes.get(ROUTES.liveOlder, (c) =>
    withSlug(c, (slug) => {
      const page = Number(c.req.param("page"));
      return cached(c, () =>
        prebuilt(c, {
          name: LIVE_DOCUMENTS.older(slug, page),
          contentType: HTML,
          lastModified: false,
        }),
      );
    }),
  );
  // Versioned by its path, so it is kept for long.
  publicRoutes.get(LIVE_SCRIPT_PATH, (c) =>
    cached(c, async () => ({
      body: LIVE_SCRIPT,
      contentType: "text/javascript; charset=utf-8",
      tags: [TAGS.liveScript],
      final: true,
    })),
  );
}

const archivePart = (c: Context<AppEnv>) => ({ month: c.req.param("month") ?? "", part: Number(c.req.param("part")) });

/** The home feeds of a new site, before its first publish. */
const emptyHomeFeed = (site: Site, format: FeedFormat): string => buildFeed(format, channelFor(site, { format }), [], 0);

/** The 404 page for any path no route claims. */
export function notFound(c: Context<AppEnv>): Promise<Response> {
  return cached(c, async () => notFoundPage(c, [TAGS.notFound]));
}

/** A listing page's cache tags; the home page's pages also carry their number. */
const pageTags = (listing: Listing, page: number): string[] => documentTags({ kind: "listing-page", listing, page });

/** A listing's first page: one KV read. A new site's home page is rendered empty until its first publish. */
async function listingPage(c: Context<AppEnv>, listing: Listing): Promise<Rendered> {
  const tags = documentTags(listingName(listing));
  const document = await getDocument(c.var.store, listingName(listing));
  if (!document) {
    if (listing.kind !== "home" || listing.edition) return notFoundPage(c, tags);
    const view = listingView(c.var.site, HOME, NO_SUBJECT);
    return {
      body: await renderListing(c.var.site, { view, entries: [], page: 1, hasOlder: false, nav: [] }),
      contentType: HTML,
      tags,
    };
  }
  return {
    body: document.body,
    etag: document.meta.etag,
    contentType: HTML,
    tags: pageTags(listing, 1),
    expiresAt: document.meta.expiresAt,
  };
}

/**
 * Pages 2 to MAX_PAGE: the first page's document says how many there are, and the navigation's
 * (read beside it) what the header shows; then one `list` of the index.
 */
async function deepPage(c: Context<AppEnv>, listing: Listing, page: number): Promise<Rendered> {
  const tags = documentTags(listingName(listing));
  const [first, nav] = await Promise.all([
    getDocument(c.var.store, listingName(listing)),
    getNavigation(c.var.store, listing.edition),
  ]);
  const total = first?.meta.total ?? 0;
  if (!first || (page - 1) * PAGE_SIZE >= total) return notFoundPage(c, tags);
  const result = await listIndex(c.var.store, listing, {
    offset: (page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
    now: c.var.clock.now(),
  });
  if (result.entries.length === 0) return notFoundPage(c, tags);
  const view = listingView(c.var.site, listing, { ...NO_SUBJECT, name: first.meta.label ?? "" });
  return {
    body: await renderListing(c.var.site, {
      view,
      entries: result.entries,
      page,
      hasOlder: result.hasMore,
      nav,
    }),
    contentType: HTML,
    tags: pageTags(listing, page),
    expiresAt: result.nextPublishAt,
  };
}

async function articlePage(c: Context<AppEnv>, slug: string, edition: string): Promise<Rendered> {
  const name = pageName(slug, edition);
  const page = await getPage(c.var.store, slug);
  const tags = documentTags(name);
  if (!page) return notFoundPage(c, tags);
  const { meta } = page;
  // Under another edition's path: one read tells where the article lives.
  if (meta.state === "live" && (meta.edition ?? DEFAULT_EDITION) !== edition) {
    const location = absoluteUrl(c.var.site, documentPath(pageName(slug, meta.edition ?? DEFAULT_EDITION)));
    return { body: "", contentType: HTML, tags, status: 301, location };
  }
  if (meta.state === "gone") {
    return { body: await renderGone(c.var.site, documentPath(name)), contentType: HTML, tags, status: 410 };
  }
  if (meta.state === "moved") {
    const location = absoluteUrl(c.var.site, documentPath(pageName(meta.to)));
    return { body: "", contentType: HTML, tags, status: 301, location };
  }
  // Tagged with the article, so publishing it purges this 404; a scheduled one expires on time.
  if (meta.at > c.var.clock.now()) return { ...(await notFoundPage(c, tags)), expiresAt: meta.at };
  return { body: page.body, etag: meta.etag, contentType: HTML, tags };
}

async function prebuilt(c: Context<AppEnv>, route: DocumentRoute): Promise<Rendered> {
  const document = await getDocument(c.var.store, route.name);
  const tags = documentTags(route.name);
  const body = document?.body ?? (await route.empty?.(c.var.site));
  if (body === undefined) return notFoundPage(c, tags);
  return {
    body,
    contentType: route.contentType,
    tags,
    ...(document ? { etag: document.meta.etag, expiresAt: document.meta.expiresAt, final: document.meta.final === true } : {}),
    ...(route.feed ? { selfUrl: absoluteUrl(c.var.site, documentPath(route.name)) } : {}),
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
      archive: rendered.final === true,
    }),
    "Cache-Tag": rendered.tags.join(","),
    ETag: rendered.etag ?? (await strongEtag(rendered.body)),
  });
  if (rendered.location) headers.set("Location", rendered.location);
  if (rendered.selfUrl && c.var.site.hub) headers.set("Link", websubLinkHeader(c.var.site.hub, rendered.selfUrl));
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

/** The corrections page and its three feeds: each a prebuilt document, one KV read; empty before the first note. */
function correctionsRoutes(): void {
  publicRoutes.get(CORRECTIONS.path, (c) =>
    cached(c, () =>
      prebuilt(c, {
        name: correctionsDocument(),
        contentType: HTML,
        lastModified: false,
        empty: (site) => renderCorrectionsPage(site, { entries: [], total: 0, nav: [] }),
      }),
    ),
  );
  for (const format of FEED_FORMATS) {
    publicRoutes.get(CORRECTIONS.feeds[format], (c) =>
      cached(c, () =>
        prebuilt(c, {
          name: correctionsDocument(format),
          contentType: FEED_TYPES[format],
          lastModified: true,
          feed: true,
          empty: (site) =>
            buildFeed(
              format,
              channelFor(site, {
                format,
                homePath: CORRECTIONS.path,
                paths: CORRECTIONS.feeds,
                title: `${CORRECTIONS_HEADING} · ${site.title}`,
              }),
              [],
              0,
            ),
        }),
      ),
    );
  }
}
