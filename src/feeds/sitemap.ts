/**
 * @module feeds/sitemap
 * The sitemap (https://www.sitemaps.org/protocol.html) as an index of one child per month of
 * articles, each prebuilt, so no request's cost grows with the archive; the Google News sitemap of
 * the last two days; and robots.txt.
 */
import { absoluteUrl, type Site } from "../core/config";
import { toRfc3339 } from "../core/dates";
import { xml } from "../core/escape";
import { articlePath, LISTING_SITEMAPS, listingSitemapPath, SITEMAP_PATH, sitemapMonthPath } from "../targets/document-name";

export { LISTING_SITEMAPS, type ListingSitemap } from "../targets/document-name";

/** The protocol's limit of URLs in one sitemap file; a month of articles stays far below it. */
export const SITEMAP_MAX_URLS = 50_000;

export interface SitemapMonth {
  /** Like 2025-03. */
  month: string;
  /** The latest change to any article of that month (ms). */
  lastModified: number;
}

/** One version of a page in its translation group: `hreflang` (a BCP 47 tag or "x-default") and its path. */
export interface SitemapAlternate {
  hreflang: string;
  path: string;
}

export interface SitemapUrl {
  slug: string;
  /** Its page's path under its edition; the default edition's `/articles/<slug>` when absent. */
  path?: string;
  /** Its translation group's versions, itself included, as `xhtml:link rel="alternate"` entries. */
  alternates?: SitemapAlternate[];
  /** The article's last change (ms). */
  lastModified: number;
  /** The article's lead image (absolute), for Google's image extension. */
  image?: string;
}

/**
 * The sitemap index: the sections', tags' and authors' children, then one child per month that
 * has public articles, newest first. `lastModified` is the latest change to any article (ms).
 * @example buildSitemapIndex(site, []) // '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex ...'
 */
export function buildSitemapIndex(site: Site, months: SitemapMonth[], lastModified?: number): string {
  const children = [
    ...(lastModified === undefined ? [] : LISTING_SITEMAPS.map((kind) => ({ path: listingSitemapPath(kind), lastModified }))),
    ...months.map((m) => ({ path: sitemapMonthPath(m.month), lastModified: m.lastModified })),
  ];
  return xml`<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${children.map(
  (child) =>
    xml`<sitemap><loc>${absoluteUrl(site, child.path)}</loc><lastmod>${toRfc3339(child.lastModified)}</lastmod></sitemap>
`,
)}</sitemapindex>
`.value;
}

/**
 * A child sitemap of listing pages (every section, tag or author), each with its latest article's
 * change.
 * @example buildSitemapPages(site, [{ path: "/sections/world", lastModified: 0 }]) // '<?xml …<loc>https://…/sections/world</loc>…'
 */
export function buildSitemapPages(site: Site, pages: Array<{ path: string; lastModified: number }>): string {
  return xml`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${pages.slice(0, SITEMAP_MAX_URLS).map(
  (page) => xml`<url><loc>${absoluteUrl(site, page.path)}</loc><lastmod>${toRfc3339(page.lastModified)}</lastmod></url>
`,
)}</urlset>
`.value;
}

/**
 * One month's child sitemap. The newest month also lists the home page. An article's lead image is
 * listed with it (https://developers.google.com/search/docs/crawling-indexing/sitemaps/image-sitemaps),
 * and an article with translations every version of it, itself included, as `xhtml:link` entries
 * (https://developers.google.com/search/docs/specialty/international/localized-versions#sitemap).
 * @example buildSitemapMonth(site, [], false) // '<?xml version="1.0" encoding="UTF-8"?>\n<urlset ...'
 */
export function buildSitemapMonth(site: Site, urls: SitemapUrl[], withHome: boolean): string {
  return xml`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${withHome ? xml`<url><loc>${absoluteUrl(site, "/")}</loc></url>\n` : ""}${urls.slice(0, SITEMAP_MAX_URLS - 1).map(
  (u) =>
    xml`<url><loc>${absoluteUrl(site, u.path ?? articlePath(u.slug))}</loc><lastmod>${toRfc3339(u.lastModified)}</lastmod>${(
      u.alternates ?? []
    ).map(
      (alternate) =>
        xml`<xhtml:link rel="alternate" hreflang="${alternate.hreflang}" href="${absoluteUrl(site, alternate.path)}"/>`,
    )}${u.image ? xml`<image:image><image:loc>${u.image}</image:loc></image:image>` : ""}</url>
`,
)}</urlset>
`.value;
}

/** Google News lists only articles published in the last two days… */
export const NEWS_SITEMAP_MAX_AGE_MS = 48 * 60 * 60 * 1000;
/** …and at most this many in one sitemap. */
export const NEWS_SITEMAP_MAX_URLS = 1000;

export interface NewsSitemapEntry {
  slug: string;
  /** Its page's path under its edition; the default edition's when absent. */
  path?: string;
  /** Its edition's language (BCP 47); the site's when absent. */
  language?: string;
  /** Its edition's publication name (the edition's title); the site's when absent. */
  publication?: string;
  title: string;
  /** When the article was published (ms). */
  published: number;
}

/**
 * The language as Google News names it: an ISO 639 code, except `zh-cn` and `zh-tw` for Simplified
 * and Traditional Chinese (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap).
 * @example newsLanguage("en-GB") // "en"
 * @example newsLanguage("zh-HK") // "zh-tw"
 */
export function newsLanguage(language: string): string {
  const locale = new Intl.Locale(language);
  if (locale.language !== "zh") return locale.language;
  // The script decides, and a bare region implies one: zh-HK and zh-TW are Traditional (Hant).
  return locale.maximize().script === "Hant" ? "zh-tw" : "zh-cn";
}

/**
 * The Google News sitemap: the newest articles published within the last 48 hours of `now` (ms),
 * at most 1,000, newest first, each in its own edition's language and name. Scheduled articles not
 * yet out are left out.
 * @example buildNewsSitemap(site, [], Date.now()) // '<?xml version="1.0" encoding="UTF-8"?>\n<urlset ...'
 */
export function buildNewsSitemap(site: Site, entries: NewsSitemapEntry[], now: number): string {
  const recent = entries
    .filter((entry) => entry.published <= now && now - entry.published <= NEWS_SITEMAP_MAX_AGE_MS)
    .sort((a, b) => b.published - a.published)
    .slice(0, NEWS_SITEMAP_MAX_URLS);
  return xml`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
${recent.map(
  (
    entry,
  ) => xml`<url><loc>${absoluteUrl(site, entry.path ?? articlePath(entry.slug))}</loc><news:news><news:publication><news:name>${entry.publication ?? site.title}</news:name><news:language>${newsLanguage(entry.language ?? site.language)}</news:language></news:publication><news:publication_date>${toRfc3339(entry.published)}</news:publication_date><news:title>${entry.title}</news:title></news:news></url>
`,
)}</urlset>
`.value;
}

/**
 * Crawlers that gather text for AI models or AI answers, each by the user-agent token its operator
 * documents. `buildRobots` shuts them out when asked.
 */
export const AI_CRAWLERS = [
  "GPTBot",
  "ChatGPT-User",
  "OAI-SearchBot",
  "ClaudeBot",
  "Claude-Web",
  "anthropic-ai",
  "CCBot",
  "Google-Extended",
  "PerplexityBot",
  "Perplexity-User",
  "Applebot-Extended",
  "Bytespider",
  "Amazonbot",
  "meta-externalagent",
  "FacebookBot",
  "cohere-ai",
  "Diffbot",
  "Omgilibot",
  "YouBot",
  "Timpibot",
  "ImagesiftBot",
] as const;

export interface RobotsOptions {
  /** Disallow everything to each of `AI_CRAWLERS`, beyond asking all crawlers not to train. */
  blockAiCrawlers: boolean;
}

/**
 * robots.txt: everything public may be crawled for search but not for AI training (Cloudflare's
 * content-signals policy); the editors' API may not be crawled at all; here is the sitemap. With
 * `blockAiCrawlers`, each AI crawler gets a group of its own that disallows everything.
 * @example buildRobots(site, { blockAiCrawlers: true }) // "…User-agent: GPTBot\nDisallow: /\n…"
 */
export function buildRobots(site: Site, options: RobotsOptions = { blockAiCrawlers: false }): string {
  // RFC 9309 §2.2.1: a crawler obeys only the most specific group that names it, so a named
  // crawler's group replaces the `*` group for it rather than adding to it.
  const aiGroups = options.blockAiCrawlers ? AI_CRAWLERS.flatMap((agent) => [`User-agent: ${agent}`, "Disallow: /", ""]) : [];
  return [
    "# Content signals: search=yes, ai-train=no. See https://contentsignals.org/",
    "User-agent: *",
    "Content-Signal: search=yes, ai-train=no",
    "Allow: /",
    "Disallow: /api/",
    "",
    ...aiGroups,
    `Sitemap: ${absoluteUrl(site, SITEMAP_PATH)}`,
    "",
  ].join("\n");
}
