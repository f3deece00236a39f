/**
 * @module targets/listings
 * The listings readers browse and subscribe to: the home page, and each section, tag and author.
 * Each is one mechanism: a prebuilt first page and three prebuilt feeds in KV, index keys for the
 * deeper pages, and its own cache tags. This module names them: their KV names, paths and tags.
 */
import { TAGS } from "../cache/policy";
import { authorPath, sectionPath, tagPath } from "../core/config";
import { SLUG_PATTERN } from "../core/slug";
import { FEED_FILES, type FeedFormat, feedPaths } from "../feeds/model";

/** Articles on a listing's page; the feeds carry FEED_SIZE (feeds/model.ts). */
export const PAGE_SIZE = 20;

export type ListingKind = "home" | "section" | "tag" | "author";

export interface Listing {
  /** Its name in D1's `listings` and in KV: `home`, `section:<slug>`, `tag:<slug>`, `author:<slug>`. */
  name: string;
  kind: ListingKind;
  /** The section's, tag's or author's slug; empty for the home page. */
  slug: string;
  /** Its pages' path prefix: "" for the home page, like `/sections/world` for the others. */
  base: string;
}

const PATHS: Record<Exclude<ListingKind, "home">, (slug: string) => string> = {
  section: sectionPath,
  tag: tagPath,
  author: authorPath,
};

export const HOME: Listing = { name: "home", kind: "home", slug: "", base: "" };

/** The listing of a section, tag or author. */
export function listingOf(kind: Exclude<ListingKind, "home">, slug: string): Listing {
  return { name: `${kind}:${slug}`, kind, slug, base: PATHS[kind](slug) };
}

/** Where an article is filed: its section's, tags' and authors' slugs. */
export interface Filing {
  section: string;
  tags: string[];
  authors: string[];
}

/** Every listing an article filed so is in: the home page, its section, each tag and each author. */
export function listingsFor(filing: Filing): Listing[] {
  return [
    HOME,
    listingOf("section", filing.section),
    ...filing.tags.map((slug) => listingOf("tag", slug)),
    ...filing.authors.map((slug) => listingOf("author", slug)),
  ];
}

/** The listing a name stands for, or undefined for a name no listing has. */
export function parseListing(name: string): Listing | undefined {
  if (name === "home") return HOME;
  const [kind, slug = "", ...rest] = name.split(":");
  if (rest.length || !SLUG_PATTERN.test(slug)) return undefined;
  return kind === "section" || kind === "tag" || kind === "author" ? listingOf(kind, slug) : undefined;
}

/** The path of page `page` of a listing. */
export function listingPagePath(listing: Listing, page: number): string {
  if (page <= 1) return listing.base || "/";
  return `${listing.base}/page/${page}`;
}

/** The listing's three feeds. */
export const listingFeedPaths = (listing: Listing): Record<FeedFormat, string> => feedPaths(listing.base);

/** One archive document of a listing (RFC 5005 §4): a month's articles, in parts of up to 100. */
export interface ArchivePart {
  /** Like 2025-03. */
  month: string;
  /** From 1, oldest first. */
  part: number;
}

export const archiveKey = (part: ArchivePart): string => `${part.month}/${part.part}`;

/** The path of one archive document in one format. */
export function archivePath(listing: Listing, part: ArchivePart, format: FeedFormat): string {
  return `${listing.base}/archive/${part.month}/${part.part}/${FEED_FILES[format]}`;
}

/** The KV document of one archive part in one format. */
export const archiveDocumentName = (listing: Listing, part: ArchivePart, format: FeedFormat): string =>
  `archive:${listing.name}:${part.month}:${part.part}:${format}`;

/** The KV document of the listing's first page, and of each of its feeds. */
export const documentName = (listing: Listing, format?: FeedFormat): string =>
  format ? `${listing.name}:${format}` : listing.name;

/**
 * Cache tags: every page of a listing shares one, and its feeds another. They are built from slugs,
 * so they are printable ASCII, far under Workers Caching's 1,024 characters, and the same in any case.
 */
export function listingTags(listing: Listing): { pages: string; feed: (format: FeedFormat) => string } {
  if (listing.kind === "home") {
    const feeds: Record<FeedFormat, string> = { rss: TAGS.rss, atom: TAGS.atomFeed, json: TAGS.jsonFeed };
    return { pages: TAGS.list, feed: (format) => feeds[format] };
  }
  return { pages: `list:${listing.name}`, feed: () => `feed:${listing.name}` };
}

/** An archive part's own cache tag (printable ASCII from slugs and digits, far under 1,024 characters). */
export const archiveTag = (listing: Listing, part: ArchivePart): string => `archive:${listing.name}:${part.month}:${part.part}`;
