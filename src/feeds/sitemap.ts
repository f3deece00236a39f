/**
 * @module feeds/sitemap
 * The sitemap (https://www.sitemaps.org/protocol.html) as an index of one child per month of
 * articles, each prebuilt, so no request's cost grows with the archive; and robots.txt.
 */
import { absoluteUrl, articlePath, SITEMAP_PATH, type Site, sitemapMonthPath } from "../config";
import { toRfc3339 } from "../dates";
import { xml } from "../escape";

/** The protocol's limit of URLs in one sitemap file; a month of articles stays far below it. */
export const SITEMAP_MAX_URLS = 50_000;

export interface SitemapMonth {
  /** Like 2025-03. */
  month: string;
  /** The latest change to any article of that month (ms). */
  lastModified: number;
}

export interface SitemapUrl {
  slug: string;
  /** The article's last change (ms). */
  lastModified: number;
}

/**
 * The sitemap index: one child per month that has public articles, newest first.
 * @example buildSitemapIndex(site, []) // '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex ...'
 */
export function buildSitemapIndex(site: Site, months: SitemapMonth[]): string {
  return xml`<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${months.map(
  (m) =>
    xml`<sitemap><loc>${absoluteUrl(site, sitemapMonthPath(m.month))}</loc><lastmod>${toRfc3339(m.lastModified)}</lastmod></sitemap>
`,
)}</sitemapindex>
`.value;
}

/**
 * One month's child sitemap. The newest month also lists the home page.
 * @example buildSitemapMonth(site, [], false) // '<?xml version="1.0" encoding="UTF-8"?>\n<urlset ...'
 */
export function buildSitemapMonth(site: Site, urls: SitemapUrl[], withHome: boolean): string {
  return xml`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${withHome ? xml`<url><loc>${absoluteUrl(site, "/")}</loc></url>\n` : ""}${urls.slice(0, SITEMAP_MAX_URLS - 1).map(
  (u) =>
    xml`<url><loc>${absoluteUrl(site, articlePath(u.slug))}</loc><lastmod>${toRfc3339(u.lastModified)}</lastmod></url>
`,
)}</urlset>
`.value;
}

/**
 * robots.txt: everything public may be crawled for search but not for AI training (Cloudflare's
 * content-signals policy); the editors' API may not be crawled at all; here is the sitemap.
 */
export function buildRobots(site: Site): string {
  return [
    "# Content signals: search=yes, ai-train=no. See https://contentsignals.org/",
    "User-agent: *",
    "Content-Signal: search=yes, ai-train=no",
    "Allow: /",
    "Disallow: /api/",
    "",
    `Sitemap: ${absoluteUrl(site, SITEMAP_PATH)}`,
    "",
  ].join("\n");
}
