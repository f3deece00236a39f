/**
 * @module feeds/rss
 * RSS 2.0 with the content, Dublin Core and Atom extensions, as feed validators expect it. Items are
 * rendered once, when their article is saved; a feed document only joins them.
 */
import { toRfc822 } from "../core/dates";
import { cdata, XmlFragment, xml } from "../core/escape";
import { FEED_HISTORY_NS, type FeedChannel, type FeedItemModel, feedLinks } from "./model";

/** Minutes a feed reader may wait before polling again (RSS `ttl`). */
export const RSS_TTL_MINUTES = 60;

/**
 * One `<item>`, ready to be joined into a feed.
 * @example rssItem(item) // "<item>\n<title>…</title>\n…</item>\n"
 */
export function rssItem(item: FeedItemModel): string {
  // The guid is the id the item was given at creation: a permalink unless the article moved since.
  return xml`<item>
<title>${item.title}</title>
<link>${item.url}</link>
<guid isPermaLink="${item.id === item.url ? "true" : "false"}">${item.id}</guid>
<pubDate>${toRfc822(item.published)}</pubDate>
<description>${item.summary}</description>
<content:encoded>${cdata(item.contentHtml)}</content:encoded>
<category>${item.category}</category>
${item.tags.map(
  (tag) => xml`<category>${tag}</category>
`,
)}${item.authors.map(
  (name) => xml`<dc:creator>${name}</dc:creator>
`,
)}</item>
`.value;
}

/**
 * The RSS document around items rendered by `rssItem`, newest first. RSS has no element for its
 * own URL, other formats, pages or hub, so they are Atom links (RFC 5005 Appendix B, WebSub §4).
 * @example buildRss(channelFor(site, { format: "rss" }), []) // '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" ...'
 */
export function buildRss(channel: FeedChannel, items: string[]): string {
  return xml`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"${channel.archive ? xml` xmlns:fh="${FEED_HISTORY_NS}"` : ""}>
<channel>
<title>${channel.title}</title>
<link>${channel.homeUrl}</link>
<description>${channel.description}</description>
<language>${channel.language}</language>
${
  channel.updated === undefined
    ? ""
    : xml`<lastBuildDate>${toRfc822(channel.updated)}</lastBuildDate>
`
}<ttl>${RSS_TTL_MINUTES}</ttl>
<generator>Broadsheet</generator>
${
  channel.archive
    ? xml`<fh:archive/>
`
    : ""
}${feedLinks(channel, "rss").map(
  (link) => xml`<atom:link href="${link.href}" rel="${link.rel}"${link.type ? xml` type="${link.type}"` : ""}/>
`,
)}${items.map((item) => new XmlFragment(item))}</channel>
</rss>
`.value;
}
