/**
 * @module feeds/model
 * What every feed format shares: how many items a feed carries, how large one item may be, and
 * the article facts every format needs, worked out once when the article is saved.
 */
import { absoluteUrl, articlePath, type Site } from "../config";
import type { StoredArticle } from "../content/schema";
import { escapeHtml } from "../escape";

/** How many items each feed carries. */
export const FEED_SIZE = 20;

/**
 * The most article HTML a feed item carries. Beyond it the item carries the summary and a link to
 * the page, so a feed stays under FEED_SIZE × this, however long its articles are.
 */
export const FEED_ITEM_MAX_HTML_BYTES = 100 * 1024;

/** What a feed item says of an article, in every format. */
export interface FeedItemModel {
  /** The item's id: fixed when the article was created, so a rename never duplicates it. */
  id: string;
  url: string;
  title: string;
  summary: string;
  /** Absolute-linked HTML, or the summary and a link when the article is too long for a feed. */
  contentHtml: string;
  published: string;
  modified: string;
  category: string;
  authors: string[];
  tags: string[];
  image?: string;
}

/** The last change to an article: `updated` when it has one, else `published`. */
export const lastChange = (article: Pick<StoredArticle, "published" | "updated">): string => article.updated ?? article.published;

/** An image URL as readers' software needs it: paths on this site made absolute. */
export function absoluteImageUrl(site: Site, url: string): string {
  return url.startsWith("/") ? absoluteUrl(site, url) : url;
}

/**
 * Makes `href` and `src` paths in sanitized HTML absolute, as feed readers need them (the W3C
 * validator warns about relative links in feeds). The sanitizer writes every attribute in double
 * quotes, so this needs no HTML parser.
 * @example absolutizeLinks(site, '<a href="/articles/x">') // '<a href="https://news.example/articles/x">'
 */
export function absolutizeLinks(site: Site, html: string): string {
  return html.replace(/\s(href|src)="(\/(?!\/)[^"]*)"/g, (_match, name: string, path: string) => ` ${name}="${site.url}${path}"`);
}

const encoder = new TextEncoder();

/** The feed facts of one article. `feedId` is the id it was given when it was created. */
export function feedItemModel(site: Site, article: StoredArticle, feedId: string): FeedItemModel {
  const url = absoluteUrl(site, articlePath(article.slug));
  const html = absolutizeLinks(site, article.html);
  const contentHtml =
    encoder.encode(html).length <= FEED_ITEM_MAX_HTML_BYTES
      ? html
      : `<p>${escapeHtml(article.summary)}</p>\n<p><a href="${url}">Read the whole article</a></p>\n`;
  const image = article.image?.url;
  return {
    id: feedId,
    url,
    title: article.title,
    summary: article.summary,
    contentHtml,
    published: article.published,
    modified: lastChange(article),
    category: article.category,
    authors: article.authors,
    tags: article.tags,
    ...(image ? { image: absoluteImageUrl(site, image) } : {}),
  };
}
