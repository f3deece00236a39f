/**
 * @module feeds/json-feed
 * JSON Feed 1.1 (https://jsonfeed.org/version/1.1). Items are serialized once, when their article is
 * saved; a feed document only joins them.
 */
import { toRfc3339 } from "../core/dates";
import { stripXmlForbidden } from "../core/escape";
import type { FeedChannel, FeedItemModel } from "./model";

export interface JsonFeedItem {
  id: string;
  url: string;
  title: string;
  content_html: string;
  summary: string;
  date_published: string;
  date_modified: string;
  authors?: Array<{ name: string }>;
  tags?: string[];
  image?: string;
}

export interface JsonFeed {
  version: "https://jsonfeed.org/version/1.1";
  title: string;
  home_page_url: string;
  feed_url: string;
  description: string;
  language: string;
  /** The next (older) page of this feed (JSON Feed 1.1 `next_url`). */
  next_url?: string;
  /** Where to subscribe for pushed updates (JSON Feed 1.1 `hubs`). */
  hubs?: Array<{ type: "WebSub"; url: string }>;
  items: JsonFeedItem[];
}

// Control characters are legal in JSON once escaped, but no reader wants them; drop them as in XML.
const clean = (_key: string, value: unknown): unknown => (typeof value === "string" ? stripXmlForbidden(value) : value);

/**
 * One item as JSON text, ready to be joined into a feed.
 * @example JSON.parse(jsonFeedItem(item)).id // item.id
 */
export function jsonFeedItem(item: FeedItemModel): string {
  const json: JsonFeedItem = {
    id: item.id,
    url: item.url,
    title: item.title,
    content_html: item.contentHtml,
    summary: item.summary,
    date_published: toRfc3339(item.published),
    date_modified: toRfc3339(item.modified),
    ...(item.authors.length ? { authors: item.authors.map((name) => ({ name })) } : {}),
    ...(item.tags.length ? { tags: item.tags } : {}),
    ...(item.image ? { image: item.image } : {}),
  };
  return JSON.stringify(json, clean);
}

/**
 * The JSON Feed document around items serialized by `jsonFeedItem`, newest first. JSON Feed has no
 * link to other formats or to newer pages: only `next_url` and `hubs` carry over from the channel.
 * @example JSON.parse(buildJsonFeed(channelFor(site, { format: "json" }), [])).version // "https://jsonfeed.org/version/1.1"
 */
export function buildJsonFeed(channel: FeedChannel, items: string[]): string {
  const feed: Omit<JsonFeed, "items"> = {
    version: "https://jsonfeed.org/version/1.1",
    title: channel.title,
    home_page_url: channel.homeUrl,
    feed_url: channel.selfUrl,
    description: channel.description,
    language: channel.language,
    // The next older document: the next page, or the next older archive (RFC 5005's prev-archive).
    ...((channel.next ?? channel.prevArchive) === undefined ? {} : { next_url: channel.next ?? channel.prevArchive }),
    ...(channel.hub === undefined ? {} : { hubs: [{ type: "WebSub", url: channel.hub }] }),
  };
  const head = JSON.stringify(feed, clean);
  // Each item is already valid JSON; join them into the array rather than parse and serialize again.
  return `${head.slice(0, -1)},"items":[${items.join(",")}]}`;
}
