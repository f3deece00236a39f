/**
 * @module feeds/atom
 * Atom 1.0 (RFC 4287). Entries are rendered once, when their article is saved; a feed document
 * only joins them.
 */
import { toRfc3339 } from "../core/dates";
import { XmlFragment, xml } from "../core/escape";
import { FEED_HISTORY_NS, type FeedChannel, type FeedItemModel, feedLinks } from "./model";

/**
 * One `<entry>`, ready to be joined into a feed. The content is HTML escaped as text
 * (`type="html"`, RFC 4287 §3.1.1.2), so no `]]>` in an article can end it early.
 * @example atomItem(item) // "<entry>\n<id>…</id>\n…</entry>\n"
 */
export function atomItem(item: FeedItemModel): string {
  return xml`<entry>
<id>${item.id}</id>
<title>${item.title}</title>
<link rel="alternate" type="text/html" href="${item.url}"/>
<published>${toRfc3339(item.published)}</published>
<updated>${toRfc3339(item.modified)}</updated>
${item.authors.map(
  (name) => xml`<author><name>${name}</name></author>
`,
)}${[item.category, ...item.tags].map(
  (term) => xml`<category term="${term}"/>
`,
)}<summary>${item.summary}</summary>
<content type="html">${item.contentHtml}</content>
</entry>
`.value;
}

/**
 * The Atom document around entries rendered by `atomItem`, newest first. `builtAt` (ms) stands in
 * for `updated` when the channel has no items, since RFC 4287 §4.1.1 requires the element.
 * @example buildAtom(channelFor(site, { format: "atom" }), [], now) // '<?xml version="1.0" encoding="UTF-8"?>\n<feed ...'
 */
export function buildAtom(channel: FeedChannel, items: string[], builtAt: number = Date.now()): string {
  // Every page of a paged feed is one feed (RFC 5005 §3), so all pages share the first one's id.
  // RFC 5005 §4: archive documents share the subscription document's id too.
  const id = channel.current ?? channel.first ?? channel.selfUrl;
  // RFC 4287 §4.1.1: an entry without an author needs one on the feed; the publication is the author.
  return xml`<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${channel.language}">
<id>${id}</id>
<title>${channel.title}</title>
<subtitle>${channel.description}</subtitle>
<updated>${toRfc3339(channel.updated ?? builtAt)}</updated>
<author><name>${channel.title}</name></author>
<link rel="alternate" type="text/html" href="${channel.homeUrl}"/>
${feedLinks(channel, "atom").map(
  (link) => xml`<link rel="${link.rel}" href="${link.href}"${link.type ? xml` type="${link.type}"` : ""}/>
`,
)}<generator>Broadsheet</generator>
${
  channel.archive
    ? xml`<fh:archive xmlns:fh="${FEED_HISTORY_NS}"/>
`
    : ""
}${items.map((item) => new XmlFragment(item))}</feed>
`.value;
}
