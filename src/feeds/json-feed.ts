/**
 * @module feeds/json-feed
 * JSON Feed 1.1 (https://jsonfeed.org/version/1.1).
 */
import { absoluteUrl, articlePath, JSON_FEED_PATH, type Site } from "../config";
import type { StoredArticle } from "../content/schema";
import { toRfc3339 } from "../dates";
import { stripXmlForbidden } from "../escape";

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

/**
 * Builds the JSON Feed for the given articles, newest first.
 * @example JSON.parse(buildJsonFeed(site, [])).version // "https://jsonfeed.org/version/1.1"
 */
export function buildJsonFeed(site: Site, articles: StoredArticle[]): string {
  const feed: JsonFeed = {
    version: "https://jsonfeed.org/version/1.1",
    title: site.title,
    home_page_url: absoluteUrl(site, "/"),
    feed_url: absoluteUrl(site, JSON_FEED_PATH),
    description: site.description,
    language: site.language,
    items: articles.map((article) => item(site, article)),
  };
  // Control characters are legal in JSON once escaped, but no reader wants them; drop them as in XML.
  return JSON.stringify(feed, (_key, value: unknown) => (typeof value === "string" ? stripXmlForbidden(value) : value));
}

function item(site: Site, article: StoredArticle): JsonFeedItem {
  const url = absoluteUrl(site, articlePath(article.slug));
  const image = article.image?.url;
  return {
    id: url,
    url,
    title: article.title,
    content_html: article.html,
    summary: article.summary,
    date_published: toRfc3339(article.published),
    date_modified: toRfc3339(article.updated ?? article.published),
    ...(article.authors.length ? { authors: article.authors.map((name) => ({ name })) } : {}),
    ...(article.tags.length ? { tags: article.tags } : {}),
    ...(image ? { image: image.startsWith("/") ? absoluteUrl(site, image) : image } : {}),
  };
}
