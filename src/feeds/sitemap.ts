/**
 * @module feeds/sitemap
 * The sitemap (https://www.sitemaps.org/protocol.html) and robots.txt, so search engines find every
 * public article and leave the editors' API alone.
 */
import { absoluteUrl, articlePath, type Site } from "../config";
import type { ListEntry } from "../content/schema";
import { toRfc3339 } from "../dates";
import { xml } from "../escape";

/** The protocol's limit of URLs in one sitemap file. */
export const SITEMAP_MAX_URLS = 50_000;

/**
 * Builds the sitemap: the home page, then every public article with its last change.
 * @example buildSitemap(site, entries) // '<?xml version="1.0" encoding="UTF-8"?>\n<urlset ...'
 */
export function buildSitemap(site: Site, entries: ListEntry[]): string {
  return xml`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>${absoluteUrl(site, "/")}</loc></url>
${entries.map(
  (entry) =>
    xml`<url><loc>${absoluteUrl(site, articlePath(entry.slug))}</loc><lastmod>${toRfc3339(entry.updated ?? entry.published)}</lastmod></url>
`,
)}</urlset>
`.value;
}

/** robots.txt: everything public may be crawled; the API may not; here is the sitemap. */
export function buildRobots(site: Site): string {
  return `User-agent: *\nDisallow: /api/\n\nSitemap: ${absoluteUrl(site, "/sitemap.xml")}\n`;
}
