/**
 * @module feeds/json-feed
 * JSON Feed 1.1 (https://jsonfeed.org/version/1.1). Items are serialized once, when their article is
 * saved; a feed document only joins them.
 */
import { absoluteUrl, JSON_FEED_PATH, type Site } from "../config";
import { toRfc3339 } from "../dates";
import { stripXmlForbidden } from "../escape";
import type { FeedItemModel } from "./model";

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
 * The JSON Feed document around items serialized by `jsonFeedItem`, newest first.
 * @example JSON.parse(buildJsonFeed(site, [])).version // "https://jsonfeed.org/version/1.1"
 */
export function buildJsonFeed(site: Site, items: string[]): string {
  const feed: Omit<JsonFeed, "items"> = {
    version: "https://jsonfeed.org/version/1.1",
    title: site.title,
    home_page_url: absoluteUrl(site, "/"),
    feed_url: absoluteUrl(site, JSON_FEED_PATH),
    description: site.description,
    language: site.language,
  };
  const head = JSON.stringify(feed, clean);
  // Each item is already valid JSON; join them into the array rather than parse and serialize again.
  return `${head.slice(0, -1)},"items":[${items.join(",")}]}`;
}
