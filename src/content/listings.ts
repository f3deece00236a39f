/**
 * @module content/listings
 * The listings readers browse and subscribe to: the home page, and each section, tag and author.
 * Each is one mechanism: a prebuilt first page and three prebuilt feeds in KV, index keys for the
 * deeper pages, and its own cache tags. This module names them: their KV names, paths and tags.
 */
import { TAGS } from "../cache/policy";
import { authorPath, sectionPath, tagPath } from "../config";
import type { FeedFormat } from "../feeds/model";
import { SLUG_PATTERN } from "./schema";

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
export function listingFeedPaths(listing: Listing): Record<FeedFormat, string> {
  return { rss: `${listing.base}/rss.xml`, atom: `${listing.base}/atom.xml`, json: `${listing.base}/feed.json` };
}

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
