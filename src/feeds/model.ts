/**
 * @module feeds/model
 * What every feed format shares: how many items a feed carries, how large one item may be, the
 * article facts every format needs, worked out once when the article is saved, and the channel
 * every format describes.
 */
import { absoluteUrl, type Site } from "../core/config";
import { noteLabel } from "../core/corrections";
import { escapeHtml } from "../core/escape";
import type { StoredArticle } from "../core/schema";
import { articlePath, FEED_FORMATS, type FeedFormat, feedPaths } from "../targets/document-name";

export { FEED_FILES, FEED_FORMATS, type FeedFormat, feedPaths } from "../targets/document-name";

/** How many items each feed carries. */
export const FEED_SIZE = 20;

/**
 * The most article HTML a feed item carries. Beyond it the item carries the summary and a link to
 * the page, so a feed stays under FEED_SIZE × this, however long its articles are.
 */
export const FEED_ITEM_MAX_HTML_BYTES = 100 * 1024;

/** The home page's feed in each format. */
export const HOME_FEED_PATHS: Readonly<Record<FeedFormat, string>> = feedPaths("");

/** What a feed document says of itself, in every format. */
export interface FeedChannel {
  title: string;
  description: string;
  language: string;
  /** The listing page this feed follows (absolute). */
  homeUrl: string;
  /** This document (absolute). */
  selfUrl: string;
  /** The same listing in each format (absolute), for rel=alternate. */
  formats: Record<FeedFormat, string>;
  /** The latest change among the items (ms). */
  updated?: number;
  /** RFC 5005 §3 paged feeds: the next (older) page and the previous (newer) one, and the first. */
  next?: string;
  previous?: string;
  first?: string;
  /** WebSub hub URL (W3C WebSub §4): advertised with rel="hub" when set. */
  hub?: string;
  /**
   * RFC 5005 §4 archived feeds: the next older archive document, the next newer one, and the
   * subscription document; `archive` marks an archive document itself (`fh:archive`).
   */
  prevArchive?: string;
  nextArchive?: string;
  current?: string;
  archive?: boolean;
}

/** RFC 5005's namespace, for `fh:archive`. */
export const FEED_HISTORY_NS = "http://purl.org/syndication/history/1.0";

/** What `channelFor` needs beyond the site; every URL but the paths is absolute. */
export interface ChannelOptions
  extends Pick<
    FeedChannel,
    "updated" | "next" | "previous" | "first" | "hub" | "prevArchive" | "nextArchive" | "current" | "archive"
  > {
  /** The format of the document being built: its URL in `paths` becomes `selfUrl`. */
  format: FeedFormat;
  /** The listing page's path: the home page unless given. */
  homePath?: string;
  /** The listing's path in each format: the home feeds unless given. */
  paths?: Readonly<Record<FeedFormat, string>>;
  /** The feed's title, when it is not the site's (a section's feed, say). */
  title?: string;
}

/**
 * The channel of one feed document on this site: the home feed unless told otherwise, advertising
 * the site's WebSub hub when it has one.
 * @example channelFor(site, { format: "rss" }).selfUrl // "https://news.example/rss.xml"
 */
export function channelFor(site: Site, options: ChannelOptions): FeedChannel {
  const { format, homePath = "/", paths = HOME_FEED_PATHS, title = site.title, hub = site.hub, ...links } = options;
  const formats = {
    rss: absoluteUrl(site, paths.rss),
    atom: absoluteUrl(site, paths.atom),
    json: absoluteUrl(site, paths.json),
  };
  return {
    title,
    description: site.description,
    language: site.language,
    homeUrl: absoluteUrl(site, homePath),
    selfUrl: formats[format],
    formats,
    ...links,
    ...(hub === undefined ? {} : { hub }),
  };
}

/** The media type each format is served with, and named by in links. */
export const FEED_MEDIA_TYPES: Readonly<Record<FeedFormat, string>> = {
  rss: "application/rss+xml",
  atom: "application/atom+xml",
  json: "application/feed+json",
};

/** One Atom link (RFC 4287 §4.2.7), as Atom and RSS's `atom:link` both carry it. */
export interface FeedLink {
  rel: "self" | "alternate" | "first" | "previous" | "next" | "hub" | "prev-archive" | "next-archive" | "current";
  href: string;
  type?: string;
}

/**
 * The links a document in `format` gives of its channel: itself, the same listing in the other
 * formats, the neighbouring pages (RFC 5005 §3) and the WebSub hub (W3C WebSub §4), in that order.
 * @example feedLinks(channel, "rss")[0] // { rel: "self", href: channel.selfUrl, type: "application/rss+xml" }
 */
export function feedLinks(channel: FeedChannel, format: FeedFormat): FeedLink[] {
  const links: FeedLink[] = [{ rel: "self", href: channel.selfUrl, type: FEED_MEDIA_TYPES[format] }];
  for (const other of FEED_FORMATS) {
    if (other !== format) links.push({ rel: "alternate", href: channel.formats[other], type: FEED_MEDIA_TYPES[other] });
  }
  for (const rel of ["first", "previous", "next", "hub"] as const) {
    const href = channel[rel];
    if (href !== undefined) links.push({ rel, href });
  }
  const archived = { "prev-archive": channel.prevArchive, "next-archive": channel.nextArchive, current: channel.current };
  for (const [rel, href] of Object.entries(archived) as Array<[keyof typeof archived, string | undefined]>) {
    if (href !== undefined) links.push({ rel, href });
  }
  return links;
}

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

/**
 * The last change to an article: `updated` when it has one, else `published`; or the last change to
 * its corrections, when that is later.
 */
export const lastChange = (article: Pick<StoredArticle, "published" | "updated" | "correctedAt">): string => {
  const own = article.updated ?? article.published;
  return article.correctedAt && Date.parse(article.correctedAt) > Date.parse(own) ? article.correctedAt : own;
};

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
  const absolute = (path: string) => (/^\/(?!\/)/.test(path) ? `${site.url}${path}` : path);
  return (
    html
      .replace(/\s(href|src)="(\/(?!\/)[^"]*)"/g, (_match, name: string, path: string) => ` ${name}="${site.url}${path}"`)
      // srcset is a list of "URL width" candidates (HTML §4.8.4.3), each made absolute on its own.
      .replace(/\ssrcset="([^"]*)"/g, (_match, list: string) => {
        const candidates = list.split(",").map((candidate) => {
          const [url = "", ...descriptor] = candidate.trim().split(/\s+/);
          return [absolute(url), ...descriptor].join(" ");
        });
        return ` srcset="${candidates.join(", ")}"`;
      })
  );
}

const encoder = new TextEncoder();

/** The feed facts of one article. `feedId` is the id it was given when it was created. */
export function feedItemModel(site: Site, article: StoredArticle, feedId: string): FeedItemModel {
  const url = absoluteUrl(site, articlePath(article.slug, site.edition));
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
    // The notes ride with the item (the page shows them after the body too), even in the short form.
    contentHtml: contentHtml + correctionNotesHtml(site, article),
    published: article.published,
    modified: lastChange(article),
    category: article.category,
    authors: article.authors,
    tags: article.tags,
    ...(image ? { image: absoluteImageUrl(site, image) } : {}),
  };
}

/**
 * An article's corrections and clarifications as feed HTML, one paragraph each after the content,
 * as the page shows them: "<p><strong>Correction, 2 December 2026:</strong> …</p>". The note's HTML
 * was sanitized when it was written; its label is escaped here.
 */
export function correctionNotesHtml(site: Site, article: Pick<StoredArticle, "slug" | "corrections">): string {
  return (article.corrections ?? [])
    .map(
      (note) =>
        `<p class="correction"><strong>${escapeHtml(noteLabel(site, note))}:</strong> ${absolutizeLinks(site, note.html)}</p>\n`,
    )
    .join("");
}
