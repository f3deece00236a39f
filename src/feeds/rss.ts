/**
 * @module feeds/rss
 * RSS 2.0 with the content, Dublin Core and Atom extensions, as feed validators expect it.
 */
import { absoluteUrl, articlePath, JSON_FEED_PATH, RSS_PATH, type Site } from "../config";
import type { StoredArticle } from "../content/schema";
import { toRfc822 } from "../dates";
import { cdata, xml } from "../escape";
import { lastModified } from "./model";

/** Minutes a feed reader may wait before polling again (RSS `ttl`). */
export const RSS_TTL_MINUTES = 60;

/**
 * Builds the RSS document for the given articles, newest first.
 * @example buildRss(site, articles) // '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" ...'
 */
export function buildRss(site: Site, articles: StoredArticle[]): string {
  const updated = lastModified(articles);
  const channel = xml`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>${site.title}</title>
<link>${absoluteUrl(site, "/")}</link>
<description>${site.description}</description>
<language>${site.language}</language>
${
  updated === undefined
    ? ""
    : xml`<lastBuildDate>${toRfc822(updated)}</lastBuildDate>
`
}<ttl>${RSS_TTL_MINUTES}</ttl>
<generator>Broadsheet</generator>
<atom:link href="${absoluteUrl(site, RSS_PATH)}" rel="self" type="application/rss+xml"/>
<atom:link href="${absoluteUrl(site, JSON_FEED_PATH)}" rel="alternate" type="application/feed+json"/>
${articles.map((article) => item(site, article))}</channel>
</rss>
`;
  return channel.value;
}

function item(site: Site, article: StoredArticle) {
  const url = absoluteUrl(site, articlePath(article.slug));
  // The permalink is the guid: slugs never change, so the id survives edits.
  return xml`<item>
<title>${article.title}</title>
<link>${url}</link>
<guid isPermaLink="true">${url}</guid>
<pubDate>${toRfc822(article.published)}</pubDate>
<description>${article.summary}</description>
<content:encoded>${cdata(article.html)}</content:encoded>
<category>${article.category}</category>
${article.tags.map(
  (tag) => xml`<category>${tag}</category>
`,
)}${article.authors.map(
  (name) => xml`<dc:creator>${name}</dc:creator>
`,
)}</item>
`;
}
