/**
 * @module targets/document-name
 * One typed name for every read-model document, and the only module that spells a document's KV
 * key, its cache tags and its public path. Everything else (the store, the builders, the reader,
 * the pipeline's messages, the desk's links) takes a `DocumentName` or one of the path functions
 * below and asks this module; `tests/unit/document-name.test.ts` scans `src/` and fails when a key
 * prefix, a cache tag or a public path pattern is spelt anywhere else.
 *
 * It lives in `targets/` (L1) because build targets and listings are made of these names, and L1 is
 * the lowest layer the formats (feeds, render) and the read model (L2) can all import. It imports
 * nothing but `core/slug`, so feeds/model, render and cache can take names from it without a cycle.
 *
 * **Editions.** Every name carries its edition (a listing carries it on its `Listing`). The default
 * edition is `DEFAULT_EDITION` (""), and keeps today's keys and URLs byte for byte, so an existing
 * site needs only a rebuild. Another edition is its BCP 47 tag in lower case (`es`, `pt-br`,
 * `zh-hans`): its paths start with `/{tag}/`, and its keys and target names carry `{tag}/` just after
 * the key's prefix (`listing:es/home:rss`, `index:es/home:…`, `archive:es/home:…`). An article's
 * slug is one namespace for the whole site, so an article's page (`page:<slug>`) and a live
 * article's documents are keyed by slug alone and say their edition in their metadata: a request
 * under the wrong edition's path is answered with a 301 from that one read.
 *
 *   page:<slug>                           an article's page           /articles/<slug>          article:<slug>
 *   listing:<listing>[:<format>]          a listing's first page, feeds  /, /sections/<slug>/rss.xml …
 *   index:<listing>:<sort>:<slug>         a listing's entry (pages 2+)   /sections/<slug>/page/<n>
 *   archive:<listing>:<yyyy-mm>:<part>:<format>   an RFC 5005 archive part
 *   listing:sitemap[:<yyyy-mm>|:sections|:tags|:authors]   the sitemaps  /sitemap.xml, /sitemaps/…
 *   listing:news                          the news sitemap            /news-sitemap.xml
 *   listing:corrections[:<format>]        the corrections page, feeds /corrections, /corrections/rss.xml
 *   listing:live:<slug>:status|<format>   a live article's JSON, feeds   /articles/<slug>/live.json …
 *   archive:live:<slug>:updates:<n>       a live article's older updates /articles/<slug>/updates/<n>
 *   nav:[<tag>/]sections                  an edition's navigation and face (JSON), read by pages rendered on request
 *   (no key)                              search pages                /search, /search.json
 */
import { SLUG_PATTERN } from "../core/slug";

// --- Editions ------------------------------------------------------------------------------------

/** An edition as names spell it: "" for the default edition, else its BCP 47 tag in lower case. */
export type Edition = string;

/** The default edition: today's keys and URLs. */
export const DEFAULT_EDITION: Edition = "";

/** An edition's tag as it may appear in a path or a key: lower-case BCP 47 subtags. */
const EDITION_PATTERN = /^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/;

/** Whether `text` can be a (non-default) edition's segment in a path or a key. */
export const isEditionSegment = (text: string): boolean => EDITION_PATTERN.test(text);

/**
 * The edition a language tag names on a site whose default edition is in `defaultLanguage`.
 * @example editionOf("pt-BR", "en") // "pt-br"
 * @example editionOf("en", "en") // ""
 */
export const editionOf = (language: string, defaultLanguage: string): Edition =>
  language.toLowerCase() === defaultLanguage.toLowerCase() ? DEFAULT_EDITION : language.toLowerCase();

/** The path prefix of an edition: "" for the default, like "/es" for the others. */
export const editionPath = (edition: Edition): string => (edition ? `/${edition}` : "");

/** The namespace an edition adds to keys and target names: "" for the default, like "es/". */
export const editionSpace = (edition: Edition): string => (edition ? `${edition}/` : "");

/** A namespaced name split into its edition and the rest; undefined when the namespace is malformed. */
export function splitEdition(name: string): { edition: Edition; rest: string } | undefined {
  const slash = name.indexOf("/");
  if (slash < 0) return { edition: DEFAULT_EDITION, rest: name };
  const edition = name.slice(0, slash);
  return isEditionSegment(edition) ? { edition, rest: name.slice(slash + 1) } : undefined;
}

// --- Feeds ---------------------------------------------------------------------------------------

/** The formats every listing is offered in. */
export const FEED_FORMATS = ["rss", "atom", "json"] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

/** The file name of each feed format, under any listing's path. */
export const FEED_FILES: Readonly<Record<FeedFormat, string>> = { rss: "rss.xml", atom: "atom.xml", json: "feed.json" };

/**
 * A listing's feed in each format, under its path prefix `base`.
 * @example feedPaths("/sections/world").atom // "/sections/world/atom.xml"
 */
export const feedPaths = (base: string): Record<FeedFormat, string> =>
  Object.fromEntries(FEED_FORMATS.map((format) => [format, `${base}/${FEED_FILES[format]}`])) as Record<FeedFormat, string>;

// --- Public paths --------------------------------------------------------------------------------

export const articlePath = (slug: string, edition: Edition = DEFAULT_EDITION): string =>
  `${editionPath(edition)}/articles/${slug}`;
export const sectionPath = (slug: string, edition: Edition = DEFAULT_EDITION): string =>
  `${editionPath(edition)}/sections/${slug}`;
export const tagPath = (slug: string, edition: Edition = DEFAULT_EDITION): string => `${editionPath(edition)}/tags/${slug}`;
export const authorPath = (slug: string, edition: Edition = DEFAULT_EDITION): string => `${editionPath(edition)}/authors/${slug}`;

/** The sitemap index (one for the whole site: it lists every edition's children). */
export const SITEMAP_PATH = "/sitemap.xml";
export const sitemapMonthPath = (month: string, edition: Edition = DEFAULT_EDITION): string =>
  `${editionPath(edition)}/sitemaps/${month}.xml`;
export const NEWS_SITEMAP_PATH = "/news-sitemap.xml";

/** The children of the sitemap index beside the months: sections, tags and authors. */
export const LISTING_SITEMAPS = ["sections", "tags", "authors"] as const;
export type ListingSitemap = (typeof LISTING_SITEMAPS)[number];
export const listingSitemapPath = (kind: ListingSitemap, edition: Edition = DEFAULT_EDITION): string =>
  `${editionPath(edition)}/sitemaps/${kind}.xml`;
/** The reader's route pattern for a child sitemap: a month, or sections, tags or authors. */
export const SITEMAP_CHILD_ROUTE = "/sitemaps/:file{([0-9]{4}-[0-9]{2}|sections|tags|authors)\\.xml}";

export const searchPath = (edition: Edition = DEFAULT_EDITION): string => `${editionPath(edition)}/search`;
export const searchJsonPath = (edition: Edition = DEFAULT_EDITION): string => `${editionPath(edition)}/search.json`;
export const SEARCH_PATH = searchPath();
export const SEARCH_JSON_PATH = searchJsonPath();
export const OPENSEARCH_PATH = "/opensearch.xml";

export const correctionsPath = (edition: Edition = DEFAULT_EDITION): string => `${editionPath(edition)}/corrections`;
export const CORRECTIONS_PATH = correctionsPath();

/** The public paths of a live article's documents. */
export const LIVE_PATHS = {
  status: (slug: string, edition: Edition = DEFAULT_EDITION) => `${articlePath(slug, edition)}/live.json`,
  older: (slug: string, page: number, edition: Edition = DEFAULT_EDITION) => `${articlePath(slug, edition)}/updates/${page}`,
  update: (slug: string, id: string, page?: number, edition: Edition = DEFAULT_EDITION) =>
    `${page === undefined ? articlePath(slug, edition) : LIVE_PATHS.older(slug, page, edition)}#${updateAnchor(id)}`,
} as const;

/** The fragment an update's permalink ends with. */
export const updateAnchor = (id: string): string => `update-${id}`;

/** The reader's route patterns, beside the paths above. */
export const ROUTES = {
  /** A non-default edition's prefix: a lower-case tag whose first subtag (2–3 letters) no other path has. */
  edition: "/:edition{[a-z]{2,3}(?:-[a-z0-9]{2,8})*}",
  article: "/articles/:slug",
  liveStatus: "/articles/:slug/live.json",
  liveFeed: (format: FeedFormat) => `/articles/:slug/${FEED_FILES[format]}`,
  liveOlder: "/articles/:slug/updates/:page{[1-9][0-9]{0,4}}",
  /** The listing kinds under their path prefix. */
  listings: [
    ["/sections", "section"],
    ["/tags", "tag"],
    ["/authors", "author"],
  ] as const,
} as const;

/**
 * Whether the reader answers `path` (a path without its query) with a route of its own, in any
 * edition: a redirect from such a path would never be served (targets/redirects.ts refuses one).
 * @example isServedPath("/articles/x") // true
 * @example isServedPath("/2019/03/old-post") // false
 */
export function isServedPath(path: string): boolean {
  // An edition's paths are the default edition's under /{tag}/.
  const [, first = "", rest = ""] = /^\/([^/]*)(.*)$/.exec(path) ?? [];
  const unprefixed = isEditionSegment(first) && rest !== "" ? rest : path;
  const exact = [
    "/",
    ...Object.values(feedPaths("")),
    SITEMAP_PATH,
    NEWS_SITEMAP_PATH,
    "/robots.txt",
    "/favicon.svg",
    "/favicon.ico",
    CORRECTIONS_PATH,
    SEARCH_PATH,
    SEARCH_JSON_PATH,
    OPENSEARCH_PATH,
    "/api",
    "/desk",
    "/preview",
  ];
  const prefixes = [
    articlePath(""),
    sectionPath(""),
    tagPath(""),
    authorPath(""),
    "/media/",
    "/sitemaps/",
    "/page/",
    "/archive/",
    "/api/",
    "/desk/",
    "/preview/",
    `${CORRECTIONS_PATH}/`,
    "/live-",
  ];
  return [path, unprefixed].some((p) => exact.includes(p) || prefixes.some((prefix) => p.startsWith(prefix)));
}

// --- Listings ------------------------------------------------------------------------------------

export type ListingKind = "home" | "section" | "tag" | "author";

export interface Listing {
  /** Its name in D1's `listings` and in KV: `home`, `section:<slug>`, `tag:<slug>`, `author:<slug>` (namespaced by edition). */
  name: string;
  kind: ListingKind;
  /** The section's, tag's or author's slug; empty for the home page. */
  slug: string;
  /** Its pages' path prefix: "" for the home page, like `/sections/world` for the others. */
  base: string;
  /** The edition whose articles it lists. */
  edition: Edition;
}

const LISTING_PATHS: Record<Exclude<ListingKind, "home">, (slug: string, edition: Edition) => string> = {
  section: sectionPath,
  tag: tagPath,
  author: authorPath,
};

/** An edition's home page. */
export const homeOf = (edition: Edition): Listing => ({
  name: `${editionSpace(edition)}home`,
  kind: "home",
  slug: "",
  base: editionPath(edition),
  edition,
});

export const HOME: Listing = homeOf(DEFAULT_EDITION);

/** The listing of a section, tag or author. */
export function listingOf(kind: Exclude<ListingKind, "home">, slug: string, edition: Edition = DEFAULT_EDITION): Listing {
  return { name: `${editionSpace(edition)}${kind}:${slug}`, kind, slug, base: LISTING_PATHS[kind](slug, edition), edition };
}

/** The listing a name stands for, or undefined for a name no listing has. */
export function parseListing(name: string): Listing | undefined {
  const split = splitEdition(name);
  if (!split) return undefined;
  const { edition, rest } = split;
  if (rest === "home") return homeOf(edition);
  const [kind, slug = "", ...more] = rest.split(":");
  if (more.length || !SLUG_PATTERN.test(slug)) return undefined;
  return kind === "section" || kind === "tag" || kind === "author" ? listingOf(kind, slug, edition) : undefined;
}

/** The path of page `page` of a listing: an edition's home page is `/{tag}/`. */
export function listingPagePath(listing: Listing, page: number): string {
  if (page <= 1) return listing.kind === "home" ? `${listing.base}/` : listing.base;
  return `${listing.base}/page/${page}`;
}

/** The listing's three feeds. */
export const listingFeedPaths = (listing: Listing): Record<FeedFormat, string> => feedPaths(listing.base);

/** One archive document of a listing (RFC 5005 §4): a month's articles, in parts of up to 100. */
export interface ArchivePart {
  /** Like 2025-03. */
  month: string;
  /** From 1, oldest first. */
  part: number;
}

/** The path of one archive document in one format. */
export function archivePath(listing: Listing, part: ArchivePart, format: FeedFormat): string {
  return `${listing.base}/archive/${part.month}/${part.part}/${FEED_FILES[format]}`;
}

// --- Cache tags ----------------------------------------------------------------------------------

/**
 * Cache tags. They are built from slugs, edition tags and digits, so they are printable ASCII, far
 * under Workers Caching's 1,024 characters, and the same in any case. The default edition's are
 * today's; another edition's carry its tag, so a purge in one edition never empties another's.
 */
export const TAGS = {
  article: (slug: string) => `article:${slug}`,
  list: "list",
  listPage: (page: number) => `list:${page}`,
  rss: "feed:rss",
  jsonFeed: "feed:json",
  atomFeed: "feed:atom",
  sitemap: "sitemap",
  /** A child of the sitemap index: a month (2025-03), or sections, tags or authors. */
  sitemapChild: (child: string, edition: Edition = DEFAULT_EDITION) => `sitemap:${editionSpace(edition)}${child}`,
  newsSitemap: "sitemap:news",
  favicon: "favicon",
  robots: "robots",
  notFound: "404",
  /** Every search result page: the pipeline purges it when the index changes. */
  search: "search",
  /** The live page's script. */
  liveScript: "live-script",
  /** Every answer that looked a redirect up (a 301 from an old path, a 404 where none was found). */
  redirects: "redirects",
} as const;

/** A listing's tags: every page of a listing shares one, and its feeds another. */
export function listingTags(listing: Listing): { pages: string; feed: (format: FeedFormat) => string } {
  if (listing.kind === "home" && listing.edition === DEFAULT_EDITION) {
    const feeds: Record<FeedFormat, string> = { rss: TAGS.rss, atom: TAGS.atomFeed, json: TAGS.jsonFeed };
    return { pages: TAGS.list, feed: (format) => feeds[format] };
  }
  return { pages: `list:${listing.name}`, feed: () => `feed:${listing.name}` };
}

/** A listing page's cache tags; the default home page's pages also carry their number. */
export const listingPageTags = (listing: Listing, page: number): string[] =>
  listing.kind === "home" && listing.edition === DEFAULT_EDITION
    ? [listingTags(listing).pages, TAGS.listPage(page)]
    : [listingTags(listing).pages];

// --- Documents -----------------------------------------------------------------------------------

/** A document prebuilt in KV. */
export type StoredName =
  | { kind: "page"; edition: Edition; slug: string }
  | { kind: "listing"; listing: Listing; format?: FeedFormat }
  | { kind: "archive"; listing: Listing; part: ArchivePart; format: FeedFormat }
  | { kind: "sitemap-index"; edition: Edition }
  | { kind: "sitemap-month"; edition: Edition; month: string }
  | { kind: "sitemap-pages"; edition: Edition; of: ListingSitemap }
  | { kind: "news-sitemap"; edition: Edition }
  | { kind: "corrections"; edition: Edition; format?: FeedFormat }
  | { kind: "live-status"; edition: Edition; slug: string }
  | { kind: "live-feed"; edition: Edition; slug: string; format: FeedFormat }
  | { kind: "live-older"; edition: Edition; slug: string; page: number }
  | { kind: "navigation"; edition: Edition }
  | { kind: "redirect"; edition: Edition; path: string };

/** A document rendered on request from what is stored: a listing's deeper page, a search page. */
export type RenderedName =
  | { kind: "listing-page"; listing: Listing; page: number }
  | { kind: "search"; edition: Edition; format: "html" | "json" };

/** Every read-model document. */
export type DocumentName = StoredName | RenderedName;

/** The edition a document belongs to. */
export const editionOfDocument = (name: DocumentName): Edition => ("listing" in name ? name.listing.edition : name.edition);

const PAGE_PREFIX = "page:";
const LISTING_PREFIX = "listing:";
const INDEX_PREFIX = "index:";
/** Archive documents keep their own prefix, so the cron's `list` of `listing:` stays short. */
const ARCHIVE_PREFIX = "archive:";
const NAV_PREFIX = "nav:";
/** An old path's redirect (targets/redirects.ts keeps a path short enough for KV's 512-byte keys). */
const REDIRECT_PREFIX = "redirect:";
/** The KV prefix under which every listing document's key is found, for the cron's `list`. */
export const LISTING_KEY_PREFIX = LISTING_PREFIX;

const live = (slug: string): string => `live:${slug}`;

/**
 * A stored document's name as D1 (its `document_etags`) and logs spell it: the part of its key
 * after `listing:`, or its whole key for the documents under another prefix. For the default edition
 * these are the names the site has always had.
 *
 * @example formatStoredName({ kind: "listing", listing: HOME, format: "rss" }) // "home:rss"
 * @example formatStoredName({ kind: "live-older", edition: "", slug: "x", page: 2 }) // "archive:live:x:updates:2"
 */
export function formatStoredName(name: StoredName): string {
  const key = documentKey(name);
  return key.startsWith(LISTING_PREFIX) ? key.slice(LISTING_PREFIX.length) : key;
}

/**
 * The KV key of a stored document.
 * @example documentKey({ kind: "page", edition: "", slug: "x" }) // "page:x"
 * @example documentKey({ kind: "listing", listing: homeOf("es"), format: "atom" }) // "listing:es/home:atom"
 */
export function documentKey(name: StoredName): string {
  switch (name.kind) {
    case "page":
      return `${PAGE_PREFIX}${name.slug}`;
    case "listing":
      return `${LISTING_PREFIX}${name.listing.name}${name.format ? `:${name.format}` : ""}`;
    case "archive":
      return `${ARCHIVE_PREFIX}${name.listing.name}:${name.part.month}:${name.part.part}:${name.format}`;
    case "sitemap-index":
      return `${LISTING_PREFIX}${editionSpace(name.edition)}sitemap`;
    case "sitemap-month":
      return `${LISTING_PREFIX}${editionSpace(name.edition)}sitemap:${name.month}`;
    case "sitemap-pages":
      return `${LISTING_PREFIX}${editionSpace(name.edition)}sitemap:${name.of}`;
    case "news-sitemap":
      return `${LISTING_PREFIX}${editionSpace(name.edition)}news`;
    case "corrections":
      return `${LISTING_PREFIX}${editionSpace(name.edition)}corrections${name.format ? `:${name.format}` : ""}`;
    case "live-status":
      return `${LISTING_PREFIX}${live(name.slug)}:status`;
    case "live-feed":
      return `${LISTING_PREFIX}${live(name.slug)}:${name.format}`;
    case "live-older":
      // Under the archive prefix: written only when they change, so the cron, which compares every
      // `listing:` document's generation with D1's, must not see them.
      return `${ARCHIVE_PREFIX}${live(name.slug)}:updates:${name.page}`;
    case "navigation":
      return `${NAV_PREFIX}${editionSpace(name.edition)}sections`;
    case "redirect":
      // A path is site-wide, like an article's slug: one key in every edition.
      return `${REDIRECT_PREFIX}${name.path}`;
  }
}

/** The tag a live article's documents share (its page's is `article:<slug>`). */
const liveTag = (slug: string): string => `live:${slug}`;

/**
 * The cache tags a document's responses carry, and that its rebuild purges.
 * @example documentTags({ kind: "listing", listing: listingOf("section", "world"), format: "rss" }) // ["feed:section:world"]
 */
export function documentTags(name: DocumentName): string[] {
  switch (name.kind) {
    case "page":
      return [TAGS.article(name.slug)];
    case "listing":
      return [name.format ? listingTags(name.listing).feed(name.format) : listingTags(name.listing).pages];
    case "listing-page":
      return listingPageTags(name.listing, name.page);
    case "archive":
      // Its own tag: a new article purges the newest part, never the year-long copies of the rest.
      return [`archive:${name.listing.name}:${name.part.month}:${name.part.part}`];
    case "sitemap-index":
      return [TAGS.sitemap];
    case "sitemap-month":
      return [TAGS.sitemapChild(name.month, name.edition)];
    case "sitemap-pages":
      return [TAGS.sitemapChild(name.of, name.edition)];
    case "news-sitemap":
      return [TAGS.newsSitemap];
    case "corrections": {
      const listing = `corrections${name.edition ? `:${name.edition}` : ""}`;
      return [name.format ? `feed:${listing}` : `list:${listing}`];
    }
    case "live-status":
    case "live-feed":
      return [liveTag(name.slug)];
    case "live-older":
      // A page of older updates' own tag: a new update purges the newest page, never the rest.
      return [`${liveTag(name.slug)}:updates:${name.page}`];
    case "navigation":
      // Read by pages rendered on request, which carry their own listing's tags.
      return [];
    case "redirect":
      // One tag for them all: the 404s that looked for a redirect carry it too.
      return [TAGS.redirects];
    case "search":
      return [TAGS.search];
  }
}

/**
 * A document's public path.
 * @example documentPath({ kind: "listing", listing: homeOf("es"), format: "json" }) // "/es/feed.json"
 */
export function documentPath(name: DocumentName): string {
  switch (name.kind) {
    case "page":
      return articlePath(name.slug, name.edition);
    case "listing":
      return name.format ? listingFeedPaths(name.listing)[name.format] : listingPagePath(name.listing, 1);
    case "listing-page":
      return listingPagePath(name.listing, name.page);
    case "archive":
      return archivePath(name.listing, name.part, name.format);
    case "sitemap-index":
      return SITEMAP_PATH;
    case "sitemap-month":
      return sitemapMonthPath(name.month, name.edition);
    case "sitemap-pages":
      return listingSitemapPath(name.of, name.edition);
    case "news-sitemap":
      return NEWS_SITEMAP_PATH;
    case "corrections":
      return name.format ? feedPaths(correctionsPath(name.edition))[name.format] : correctionsPath(name.edition);
    case "live-status":
      return LIVE_PATHS.status(name.slug, name.edition);
    case "live-feed":
      return feedPaths(articlePath(name.slug, name.edition))[name.format];
    case "live-older":
      return LIVE_PATHS.older(name.slug, name.page, name.edition);
    case "navigation":
      // Never served on its own: pages carry it.
      return listingPagePath(homeOf(name.edition), 1);
    case "redirect":
      return name.path;
    case "search":
      return name.format === "json" ? searchJsonPath(name.edition) : searchPath(name.edition);
  }
}

// Constructors for the names most code uses.

/** An article's page. */
export const pageName = (slug: string, edition: Edition = DEFAULT_EDITION): StoredName => ({ kind: "page", edition, slug });
/** A listing's first page, or one of its feeds. */
export const listingName = (listing: Listing, format?: FeedFormat): StoredName =>
  format ? { kind: "listing", listing, format } : { kind: "listing", listing };
/** An old path's redirect, by the path in targets/redirects.ts's normal form. */
export const redirectName = (path: string): StoredName => ({ kind: "redirect", edition: DEFAULT_EDITION, path });
/** The navigation's sections of an edition. */
export const navigationName = (edition: Edition = DEFAULT_EDITION): StoredName => ({ kind: "navigation", edition });

// --- Index keys ----------------------------------------------------------------------------------

/** 9999-12-31T23:59:59.999Z + 1 ms: later than any date the schema accepts. */
const SORT_CEILING = 253_402_300_800_000;
/** Digits of `SORT_CEILING - t` for t back to 0000-01-01 (-62,167,219,200,000). */
const SORT_DIGITS = 15;

/**
 * The sort part of an index key: newest first, for every date from year 0000 to 9999.
 * @example sortKey(Date.parse("1969-07-20T20:17:00Z")) > sortKey(Date.parse("2025-01-01T00:00:00Z")) // true
 */
export function sortKey(publishedAt: number): string {
  return String(SORT_CEILING - publishedAt).padStart(SORT_DIGITS, "0");
}

/** The index key that places an article in a listing. */
export const indexKey = (listing: Listing, publishedAt: number, slug: string): string =>
  `${indexPrefix(listing)}${sortKey(publishedAt)}:${slug}`;

/** The prefix of every index key of a listing, for KV's `list`. */
export const indexPrefix = (listing: Listing): string => `${INDEX_PREFIX}${listing.name}:`;

/** The stored documents of a live article (its page is its `page` name). */
export const LIVE_DOCUMENTS = {
  status: (slug: string, edition: Edition = DEFAULT_EDITION): StoredName => ({ kind: "live-status", edition, slug }),
  feed: (slug: string, format: FeedFormat, edition: Edition = DEFAULT_EDITION): StoredName => ({
    kind: "live-feed",
    edition,
    slug,
    format,
  }),
  older: (slug: string, page: number, edition: Edition = DEFAULT_EDITION): StoredName => ({
    kind: "live-older",
    edition,
    slug,
    page,
  }),
} as const;
