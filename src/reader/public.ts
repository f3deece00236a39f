/**
 * @module reader/public
 * What readers and feed readers get. Every page and feed but three kinds is a document the
 * materialiser prebuilt in KV: a miss costs one KV read and no rendering. The three rendered on
 * request, by reader/rendered.ts, imported on the first request that needs one: the 404 and 410
 * pages, a listing's pages 2 to MAX_PAGE (two reads and one `list`), and a new site's documents
 * before its first build. The home page, sections, tags and authors are
 * one kind of listing (targets/listings.ts), each with pages and three feeds. Conditional GET is answered for hits and
 * misses alike. Only GET and HEAD exist here; anything else is a 405 that no cache keeps.
 */
import type { Context, Hono, Next } from "hono";
import { notModified, strongEtag } from "../cache/conditional";
import { NO_STORE, publicCacheHeaders } from "../cache/policy";
import { absoluteUrl, type Site } from "../core/config";
import { toRfc822 } from "../core/dates";
import { isSlug } from "../core/slug";
import { FEED_FILES, FEED_FORMATS, FEED_MEDIA_TYPES, type FeedFormat } from "../feeds/model";
import { buildRobots } from "../feeds/sitemap";
import { websubLinkHeader } from "../feeds/websub";
import { type EditionFace, getDocument, getNavigationDocument, getPage, getRedirect } from "../readmodel/store";
import { FAVICON_CONTENT_TYPE, FAVICON_SVG } from "../render/favicon";
import type { NavSection } from "../render/layout";
import { LIVE_SCRIPT, LIVE_SCRIPT_PATH } from "../render/live-script";
import { CORRECTIONS, correctionsDocument } from "../targets/corrections";
import {
  DEFAULT_EDITION,
  documentPath,
  documentTags,
  type Edition,
  homeOf,
  isEditionSegment,
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
import { isRedirectQuery, MAX_FROM_LENGTH, redirectLookupPath } from "../targets/redirects";
import type { ReaderAppEnv as AppEnv } from "./app-env";
import { SECURITY_HEADERS, setSecurityHeaders } from "./headers";
import { setUpRequest } from "./setup";

/** What is rendered on request rather than read prebuilt (reader/rendered.ts), loaded when first needed. */
type RenderedModule = typeof import("./rendered");
let renderedModule: Promise<RenderedModule> | undefined;
function rendered(): Promise<RenderedModule> {
  renderedModule ??= import("./rendered").catch((error: unknown) => {
    renderedModule = undefined; // The next request tries again.
    throw error;
  });
  return renderedModule;
}

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
  empty?: (render: RenderedModule, site: Site) => string | Promise<string>;
}

const XML = "application/xml; charset=utf-8";

const FEED_TYPES = Object.fromEntries(
  FEED_FORMATS.map((format) => [format, `${FEED_MEDIA_TYPES[format]}; charset=utf-8`]),
) as Record<FeedFormat, string>;

/** The feed files, as one route parameter: `rss.xml`, `atom.xml` or `feed.json`. */
const FEED_FILE = `:file{${FEED_FORMATS.map((format) => FEED_FILES[format].replaceAll(".", "\\.")).join("|")}}`;
const FORMAT_OF_FILE = new Map(FEED_FORMATS.map((format) => [FEED_FILES[format], format]));
/** The feed format a route's `:file` names (the route's pattern admits only those three). */
const feedFormat = (c: Context<AppEnv>): FeedFormat => FORMAT_OF_FILE.get(c.req.param("file") ?? "") ?? "rss";
/** The listing kinds' path prefixes, as one route parameter. */
const LISTING_KIND = `:kind{${ROUTES.listings.map(([prefix]) => prefix.slice(1)).join("|")}}`;
const KIND_OF_PREFIX = new Map<string, (typeof ROUTES.listings)[number][1]>(
  ROUTES.listings.map(([prefix, kind]) => [prefix.slice(1), kind]),
);

/** Seconds a location may keep a KV read for readers (KV's own minimum and default). */
const READ_CACHE_TTL = 60;

/**
 * What every public request goes through, as one middleware (one route for the router to test):
 * the security headers on whatever it answers; GET and HEAD only (RFC 9110 §15.5.6: a 405 names
 * the methods that are allowed, and no cache may keep it); the request's setup; and canonical URLs.
 * Workers Caching keys on the query string, so `?utm_source=…` would make a new cache entry for
 * every value. No public page reads a query: readers are sent to the canonical URL, built from
 * SITE_URL so that no request can steer the redirect to another host.
 */
async function publicRequest(c: Context<AppEnv>, next: Next): Promise<void> {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    c.res = c.text("Method Not Allowed\n", 405, { Allow: ALLOWED_METHODS, "Cache-Control": NO_STORE });
  } else {
    setUpRequest(c, { readCacheTtl: READ_CACHE_TTL });
    const url = new URL(c.req.url);
    // `//host` and `/\host` are read by browsers as another host: never a redirect, only a 404.
    if (/^\/[/\\]/.test(url.pathname)) c.res = await notFound(c);
    else if (url.search) {
      // An imported site's `/?p=123`: one KV read for the redirect, when the query could be one.
      const to = isRedirectQuery(url.search)
        ? await getRedirect(c.get("store"), redirectLookupPath(url.pathname, url.search))
        : null;
      if (to !== null) c.res = await cached(c, () => redirectAnswer(c, to));
      else {
        c.header("Cache-Control", NO_STORE);
        c.res = c.redirect(absoluteUrl(c.get("site"), url.pathname), 301);
      }
    } else await next();
  }
  setSecurityHeaders(c.res.headers);
}

/**
 * The public routes: every page and feed readers reach, each a prebuilt document (one KV read),
 * and the 404 page for any other path. Few routes, each a pattern that covers a family of paths
 * (a listing's kind, a feed's format), since the router tests every route on every request.
 */
export function addPublicRoutes(publicRoutes: Hono<AppEnv>): void {
  publicRoutes.use(publicRequest);
  // The home page and its feeds, then the same for every section, tag and author.
  listingRoutes(publicRoutes, "", () => HOME);
  listingRoutes(publicRoutes, `/${LISTING_KIND}/:slug`, (c) => {
    const slug = c.req.param("slug") ?? "";
    const kind = KIND_OF_PREFIX.get(c.req.param("kind") ?? "");
    return kind && isSlug(slug) ? listingOf(kind, slug) : undefined;
  });
  // Every other edition's, under /{tag}/ (docs/editions.md): an edition the site has not is a 404, from KV.
  listingRoutes(publicRoutes, ROUTES.edition, (c) => {
    const edition = c.req.param("edition");
    // hono/tiny's router takes a trailing slash as optional; a bare /{tag} is not the home page.
    return edition && c.req.path !== `/${edition}` ? homeOf(edition) : undefined;
  });
  listingRoutes(publicRoutes, `${ROUTES.edition}/${LISTING_KIND}/:slug`, (c) => {
    const slug = c.req.param("slug") ?? "";
    const edition = c.req.param("edition");
    const kind = KIND_OF_PREFIX.get(c.req.param("kind") ?? "");
    return kind && edition && isSlug(slug) ? listingOf(kind, slug, edition) : undefined;
  });
  correctionsRoutes(publicRoutes);
  liveRoutes(publicRoutes);
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
      return cached(c, () => articlePage(c, slug, c.req.param("edition") ?? DEFAULT_EDITION));
    })
    .get(SITEMAP_PATH, (c) =>
      cached(c, () =>
        prebuilt(c, {
          name: { kind: "sitemap-index", edition: DEFAULT_EDITION },
          contentType: XML,
          lastModified: false,
          empty: (render, site) => render.emptySitemapIndex(site),
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
          empty: (render, site) => render.emptyNewsSitemap(site),
        }),
      ),
    )
    .get("/robots.txt", (c) =>
      cached(c, async () => ({
        body: buildRobots(c.get("site"), { blockAiCrawlers: c.get("site").blockAiCrawlers === true }),
        contentType: "text/plain; charset=utf-8",
        tags: [TAGS.robots],
      })),
    )
    // Browsers ask for /favicon.ico whatever the page says; the SVG answers it too.
    .get("/:file{favicon\\.svg|favicon\\.ico}", (c) =>
      cached(c, async () => ({ body: FAVICON_SVG, contentType: FAVICON_CONTENT_TYPE, tags: [TAGS.favicon] })),
    )
    // Any other path: an old one that redirects (one KV read), or the 404 page.
    .all("*", (c) => cached(c, () => redirectOrNotFound(c)));
}

/**
 * A listing's routes under `prefix`: its first page, pages 2 to MAX_PAGE, its three feeds and their
 * archives. `resolve` turns the request into the listing, or undefined for a 404.
 */
function listingRoutes(routes: Hono<AppEnv>, prefix: string, resolve: (c: Context<AppEnv>) => Listing | undefined): void {
  const withListing = (c: Context<AppEnv>, then: (listing: Listing) => Promise<Response>) => {
    const listing = resolve(c);
    return listing ? then(listing) : notFound(c);
  };
  // An edition's home page is /{tag}/ (a bare /{tag} is any other unknown path: a 404).
  const first = prefix === ROUTES.edition ? `${prefix}/` : prefix || "/";
  routes.get(first, (c) => withListing(c, (listing) => cached(c, () => listingPage(c, listing))));
  routes.get(`${prefix}/page/:page{[1-9][0-9]{0,3}}`, (c) =>
    withListing(c, async (listing) => {
      const page = Number(c.req.param("page"));
      if (page === 1) {
        c.header("Cache-Control", NO_STORE);
        return c.redirect(absoluteUrl(c.get("site"), listingPagePath(listing, 1)), 301);
      }
      if (page > MAX_PAGE) return notFound(c);
      return cached(c, () => deepPage(c, listing, page));
    }),
  );
  // RFC 5005 archive documents: the whole archive, month by month, one KV read each.
  routes.get(`${prefix}/archive/:month{[0-9]{4}-[0-9]{2}}/:part{[1-9][0-9]{0,4}}/${FEED_FILE}`, (c) =>
    withListing(c, (listing) => {
      const format = feedFormat(c);
      return cached(c, () =>
        prebuilt(c, {
          name: { kind: "archive", listing, part: archivePart(c), format },
          contentType: FEED_TYPES[format],
          lastModified: true,
        }),
      );
    }),
  );
  routes.get(`${prefix}/${FEED_FILE}`, (c) =>
    withListing(c, (listing) => {
      const format = feedFormat(c);
      return cached(c, () =>
        prebuilt(c, {
          name: listingName(listing, format),
          contentType: FEED_TYPES[format],
          lastModified: true,
          feed: true,
          ...(listing.kind === "home"
            ? { empty: (render: RenderedModule, site: Site) => render.emptyHomeFeed(site, format) }
            : {}),
        }),
      );
    }),
  );
}

/**
 * A live article's documents beside its page (docs/live-and-corrections.md): its feeds, the JSON
 * document its script polls, its pages of older updates, and the script. One KV read each.
 */
function liveRoutes(routes: Hono<AppEnv>): void {
  const withSlug = (c: Context<AppEnv>, then: (slug: string) => Promise<Response>) => {
    const slug = c.req.param("slug") ?? "";
    return isSlug(slug) ? then(slug) : notFound(c);
  };
  routes.get(ROUTES.liveStatus, (c) =>
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
  // ROUTES.liveFeed's three paths, as one route.
  routes.get(`${ROUTES.article}/${FEED_FILE}`, (c) =>
    withSlug(c, (slug) => {
      const format = feedFormat(c);
      return cached(c, () =>
        prebuilt(c, {
          name: LIVE_DOCUMENTS.feed(slug, format),
          contentType: FEED_TYPES[format],
          lastModified: true,
          feed: true,
        }),
      );
    }),
  );
  routes.get(ROUTES.liveOlder, (c) =>
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
  routes.get(LIVE_SCRIPT_PATH, (c) =>
    cached(c, async () => ({
      body: LIVE_SCRIPT,
      contentType: "text/javascript; charset=utf-8",
      tags: [TAGS.liveScript],
      final: true,
    })),
  );
}

const archivePart = (c: Context<AppEnv>) => ({ month: c.req.param("month") ?? "", part: Number(c.req.param("part")) });

/** The 404 page for any path no route claims. */
export function notFound(c: Context<AppEnv>): Promise<Response> {
  return cached(c, async () => notFoundPage(c, [TAGS.notFound]));
}

/** A listing page's cache tags; the home page's pages also carry their number. */
const pageTags = (listing: Listing, page: number): string[] => documentTags({ kind: "listing-page", listing, page });

/** A listing's first page: one KV read. A new site's home page is rendered empty until its first publish. */
async function listingPage(c: Context<AppEnv>, listing: Listing): Promise<Rendered> {
  const tags = documentTags(listingName(listing));
  const document = await getDocument(c.get("store"), listingName(listing));
  if (!document) {
    if (listing.kind !== "home" || listing.edition) return notFoundPage(c, tags);
    return { body: await (await rendered()).emptyHome(c.get("site")), contentType: HTML, tags };
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
 * Pages 2 to MAX_PAGE: the first page's document says how many there are; for a page that exists,
 * the navigation's what the header shows, then one `list` of the index.
 */
async function deepPage(c: Context<AppEnv>, listing: Listing, page: number): Promise<Rendered> {
  const tags = documentTags(listingName(listing));
  const first = await getDocument(c.get("store"), listingName(listing));
  const total = first?.meta.total ?? 0;
  if (!first || (page - 1) * PAGE_SIZE >= total) return notFoundPage(c, tags);
  // Read only for a page that exists: a page past the end stays one read.
  const { nav, face } = await getNavigationDocument(c.get("store"), listing.edition);
  const built = await (await rendered()).deepListingPage(
    siteWithFace(c.get("site"), listing.edition, face),
    c.get("store"),
    listing,
    first,
    nav,
    page,
    c.get("clock").now(),
  );
  if (!built) return notFoundPage(c, tags);
  return { body: built.body, contentType: HTML, tags: pageTags(listing, page), expiresAt: built.nextPublishAt };
}

async function articlePage(c: Context<AppEnv>, slug: string, edition: string): Promise<Rendered> {
  const name = pageName(slug, edition);
  const page = await getPage(c.get("store"), slug);
  const tags = documentTags(name);
  if (!page) return notFoundPage(c, tags);
  const { meta } = page;
  // Under another edition's path: one read tells where the article lives.
  if (meta.state === "live" && (meta.edition ?? DEFAULT_EDITION) !== edition) {
    const location = absoluteUrl(c.var.site, documentPath(pageName(slug, meta.edition ?? DEFAULT_EDITION)));
    return { body: "", contentType: HTML, tags, status: 301, location };
  }
  if (meta.state === "gone") {
    const { site, nav } = await pageSurroundings(c, edition);
    return { body: await (await rendered()).renderGone(site, documentPath(name), nav), contentType: HTML, tags, status: 410 };
  }
  if (meta.state === "moved") {
    const location = absoluteUrl(c.get("site"), documentPath(pageName(meta.to)));
    return { body: "", contentType: HTML, tags, status: 301, location };
  }
  // Tagged with the article, so publishing it purges this 404; a scheduled one expires on time.
  if (meta.at > c.get("clock").now()) return { ...(await notFoundPage(c, tags)), expiresAt: meta.at };
  return { body: page.body, etag: meta.etag, contentType: HTML, tags };
}

/**
 * A path no route serves: the redirect stored for it (docs/redirects.md), else the 404 page. Both
 * carry the redirects tag, which the pipeline purges whenever a redirect changes.
 */
async function redirectOrNotFound(c: Context<AppEnv>): Promise<Rendered> {
  const url = new URL(c.req.url);
  // Past the longest `from` the newsroom stores, there is nothing to look up.
  const path = redirectLookupPath(url.pathname, "");
  const to = path.length <= MAX_FROM_LENGTH ? await getRedirect(c.var.store, path) : null;
  if (to !== null) return redirectAnswer(c, to);
  return notFoundPage(c, [TAGS.notFound, TAGS.redirects]);
}

/** A 301 to where a redirect goes: a path on this site (made absolute from SITE_URL) or another site's URL. */
async function redirectAnswer(c: Context<AppEnv>, to: string): Promise<Rendered> {
  const location = to.startsWith("/") && !to.startsWith("//") ? absoluteUrl(c.var.site, to) : to;
  // Only what the newsroom checked reaches KV; a URL that is not http(s) is never sent on.
  if (!/^https?:\/\//i.test(location)) return notFoundPage(c, [TAGS.notFound, TAGS.redirects]);
  return { body: "", contentType: HTML, tags: [TAGS.redirects], status: 301, location };
}

async function prebuilt(c: Context<AppEnv>, route: DocumentRoute): Promise<Rendered> {
  const document = await getDocument(c.get("store"), route.name);
  const tags = documentTags(route.name);
  const body = document?.body ?? (route.empty ? await route.empty(await rendered(), c.get("site")) : undefined);
  if (body === undefined) return notFoundPage(c, tags);
  return {
    body,
    contentType: route.contentType,
    tags,
    ...(document ? { etag: document.meta.etag, expiresAt: document.meta.expiresAt, final: document.meta.final === true } : {}),
    ...(route.feed ? { selfUrl: absoluteUrl(c.get("site"), documentPath(route.name)) } : {}),
    // The time the document was built, not of its newest item: a deletion or a correction that did
    // not bump `updated` must still change Last-Modified, or a reader polling with If-Modified-Since
    // would be told 304 and keep the old feed. Every change rebuilds.
    ...(route.lastModified ? { lastModified: document?.meta.builtAt ?? c.get("clock").now() } : {}),
  };
}

async function notFoundPage(c: Context<AppEnv>, tags: string[]): Promise<Rendered> {
  const path = new URL(c.req.url).pathname;
  const [, first = ""] = /^\/([^/]+)\//.exec(path) ?? [];
  const { site, nav } = await pageSurroundings(c, isEditionSegment(first) ? first : DEFAULT_EDITION);
  const body = await (await rendered()).renderNotFound(site, path, nav);
  return { body, contentType: HTML, tags, status: 404 };
}

/**
 * The site and navigation a 404 or 410 page of an edition is rendered with. The reader carries
 * English only: another edition's page, or the default edition's when its language is not English,
 * reads its face (language, title, interface text) from its navigation document, one KV read, which
 * the pipeline writes at publish time. An English default edition's costs no read.
 */
async function pageSurroundings(c: Context<AppEnv>, edition: Edition): Promise<{ site: Site; nav: NavSection[] }> {
  const site = c.get("site");
  if (edition === DEFAULT_EDITION && /^en(?:-|$)/i.test(site.language)) return { site, nav: [] };
  const { nav, face } = await getNavigationDocument(c.get("store"), edition);
  // A path under a tag that is no edition has no face: the default edition's site answers it.
  return face ? { site: siteWithFace(site, edition, face), nav } : { site, nav: [] };
}

/** The site as an edition's on-request pages render it, from the face its home page's build wrote. */
function siteWithFace(site: Site, edition: Edition, face: EditionFace | undefined): Site {
  if (!face) return site;
  return {
    ...site,
    language: face.language,
    title: face.title,
    description: face.description,
    ...(face.timeZone ? { timeZone: face.timeZone } : {}),
    ...(face.text ? { text: face.text } : {}),
    ...(edition ? { edition } : {}),
  };
}

/** Renders through the edge cache, then answers a conditional request from whichever it got. */
async function cached(c: Context<AppEnv>, render: () => Promise<Rendered>): Promise<Response> {
  const response = await c.get("cache").serve(c.req.raw, async () => toResponse(c, await render()));
  return notModified(c.req.raw, response) ?? response;
}

/**
 * The cache headers of a response that will not change by itself (no `expiresAt`) depend only on
 * its kind: built once, not on every request.
 */
const STEADY_CACHE_HEADERS = {
  page: Object.entries(publicCacheHeaders({ now: 0 })),
  notFound: Object.entries(publicCacheHeaders({ now: 0, notFound: true })),
  archive: Object.entries(publicCacheHeaders({ now: 0, archive: true })),
};

function cacheHeaders(c: Context<AppEnv>, rendered: Rendered): Array<[string, string]> {
  const notFound = rendered.status === 404;
  const archive = rendered.final === true;
  if (rendered.expiresAt === undefined) {
    return notFound ? STEADY_CACHE_HEADERS.notFound : archive ? STEADY_CACHE_HEADERS.archive : STEADY_CACHE_HEADERS.page;
  }
  return Object.entries(publicCacheHeaders({ now: c.get("clock").now(), expiresAt: rendered.expiresAt, notFound, archive }));
}

/** The response, its headers built in one go (each `Headers.set` is a call into the runtime). */
async function toResponse(c: Context<AppEnv>, rendered: Rendered): Promise<Response> {
  const site = c.get("site");
  const headers: Array<[string, string] | readonly [string, string]> = [
    ["Content-Type", rendered.contentType],
    ...cacheHeaders(c, rendered),
    ["Cache-Tag", rendered.tags.join(",")],
    ["ETag", rendered.etag ?? (await strongEtag(rendered.body))],
    ...SECURITY_HEADERS,
  ];
  if (rendered.location) headers.push(["Location", rendered.location]);
  if (rendered.selfUrl && site.hub) headers.push(["Link", websubLinkHeader(site.hub, rendered.selfUrl)]);
  // KV costs are for the developer's eyes: shown by the local layer (wrangler dev, tests, the
  // benchmark), never by the production edge, where they would tell anyone how to make misses dear.
  if (c.get("cache").kind === "local") headers.push(["Server-Timing", serverTiming(c)]);
  if (rendered.lastModified !== undefined) {
    headers.push(["Last-Modified", toRfc822(Math.floor(rendered.lastModified / 1000) * 1000)]);
  }
  return new Response(rendered.status === 301 ? null : rendered.body, {
    status: rendered.status ?? 200,
    headers: headers as Array<[string, string]>,
  });
}

function serverTiming(c: Context<AppEnv>): string {
  const { reads, lists } = c.get("store").ops;
  return `kv;desc="reads=${reads} lists=${lists}"`;
}

/** The corrections page and its three feeds: each a prebuilt document, one KV read; empty before the first note. */
function correctionsRoutes(routes: Hono<AppEnv>): void {
  routes.get(CORRECTIONS.path, (c) =>
    cached(c, () =>
      prebuilt(c, {
        name: correctionsDocument(),
        contentType: HTML,
        lastModified: false,
        empty: (render, site) => render.emptyCorrectionsPage(site),
      }),
    ),
  );
  // CORRECTIONS.feeds, as one route.
  routes.get(`${CORRECTIONS.path}/${FEED_FILE}`, (c) => {
    const format = feedFormat(c);
    return cached(c, () =>
      prebuilt(c, {
        name: correctionsDocument(format),
        contentType: FEED_TYPES[format],
        lastModified: true,
        feed: true,
        empty: (render, site) => render.emptyCorrectionsFeed(site, format),
      }),
    );
  });
}
