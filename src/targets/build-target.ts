/**
 * @module targets/build-target
 * What the read model builds, as one typed value. Every prebuilt document but an article's page
 * belongs to a build target: a listing's first page and feeds, a listing's archive, the sitemap
 * index, a month of the sitemap, a sitemap of section, tag or author pages, the news sitemap, the
 * corrections page, or a live article's feeds and older pages.
 *
 * Outbox rows, D1's `listings` table and the builders name a target by its string form, so that
 * form is fixed: `formatTarget` writes it and `parseTarget` reads it, and nothing else does.
 *
 *   home, section:<slug>, tag:<slug>, author:<slug>   a listing          { kind: "listing" }
 *   archive:<listing>                                 its archive        { kind: "archive" }
 *   sitemap                                           the sitemap index  { kind: "sitemap-index" }
 *   sitemap:<yyyy-mm>                                 a month            { kind: "sitemap-month" }
 *   sitemap:sections, sitemap:tags, sitemap:authors   listing pages      { kind: "sitemap-pages" }
 *   news                                              the news sitemap   { kind: "news" }
 *   corrections                                       /corrections       { kind: "corrections" }
 *   live:<slug>                                       a live article's   { kind: "live" }
 *
 * Another edition's targets carry its tag first (`es/home`, `es/archive:tag:x`, `es/sitemap:2025-03`),
 * the default edition's are as above (targets/document-name.ts); a listing's edition is its `Listing`'s.
 * The documents each target builds are named by targets/document-name.ts's `StoredName`.
 */
import { CORRECTIONS } from "./corrections";
import {
  DEFAULT_EDITION,
  type Edition,
  editionSpace,
  HOME,
  LISTING_SITEMAPS,
  type Listing,
  type ListingSitemap,
  parseListing,
  splitEdition,
} from "./document-name";

export type BuildTarget =
  | { kind: "listing"; listing: Listing }
  | { kind: "archive"; listing: Listing }
  | { kind: "sitemap-index"; edition?: Edition }
  | { kind: "sitemap-month"; month: string; edition?: Edition }
  | { kind: "sitemap-pages"; of: ListingSitemap; edition?: Edition }
  | { kind: "news"; edition?: Edition }
  | { kind: "corrections"; edition?: Edition }
  | { kind: "live"; slug: string };

/** The edition a target builds for (a live article's documents are keyed by its slug alone). */
export const targetEdition = (target: BuildTarget): Edition =>
  "listing" in target ? target.listing.edition : "edition" in target ? (target.edition ?? DEFAULT_EDITION) : DEFAULT_EDITION;

const LIVE = /^live:([a-z0-9]+(?:-[a-z0-9]+)*)$/;
/** The build target name of a live article's documents. */
export const liveListingName = (slug: string): string => `live:${slug}`;

const ARCHIVE = "archive:";
const SITEMAP = "sitemap";
const NEWS = "news";
/** A sitemap month as the builders group articles: UTC, like 2025-03. */
const MONTH = /^\d{4}-\d{2}$/;

/** The sitemap index: one value, since it has no parameters. */
export const SITEMAP_INDEX: BuildTarget = { kind: "sitemap-index" };
/** The news sitemap. */
export const NEWS_SITEMAP: BuildTarget = { kind: "news" };
/** The corrections page and its feeds (targets/corrections.ts). */
export const CORRECTIONS_TARGET: BuildTarget = { kind: "corrections" };
/** A live article's feeds, JSON document and older pages of updates (core/live.ts). */
export const liveTarget = (slug: string): BuildTarget => ({ kind: "live", slug });

/** The target that keeps a listing's first page and feeds. */
export const listingTarget = (listing: Listing): BuildTarget => ({ kind: "listing", listing });
/** The target that keeps a listing's archive documents (RFC 5005). */
export const archiveTarget = (listing: Listing): BuildTarget => ({ kind: "archive", listing });
/** The sitemap of one month (UTC) of articles. */
export const sitemapMonthTarget = (month: string): BuildTarget => ({ kind: "sitemap-month", month });
/** The month (UTC) an article published at `publishedAt` (epoch ms) falls in, like 2025-03. */
export const sitemapMonth = (publishedAt: number): string => new Date(publishedAt).toISOString().slice(0, 7);

/**
 * The child sitemap a file under /sitemaps/ stands for, by its name without `.xml`: a month like
 * 2025-03, or `sections`, `tags` or `authors`; undefined for any other name.
 */
export function sitemapChildTarget(child: string, edition: Edition = DEFAULT_EDITION): BuildTarget | undefined {
  if (MONTH.test(child)) return edition ? { kind: "sitemap-month", month: child, edition } : sitemapMonthTarget(child);
  const of = LISTING_SITEMAPS.find((kind) => kind === child);
  if (!of) return undefined;
  return edition ? { kind: "sitemap-pages", of, edition } : { kind: "sitemap-pages", of };
}

/**
 * A target's name, as outbox rows, D1's `listings` and KV's document names spell it.
 *
 * @example
 * formatTarget({ kind: "sitemap-month", month: "2025-03" }) // "sitemap:2025-03"
 * formatTarget(archiveTarget(HOME)) // "archive:home"
 */
export function formatTarget(target: BuildTarget): string {
  if ("listing" in target || target.kind === "live") return baseName(target);
  return `${editionSpace(target.edition ?? DEFAULT_EDITION)}${baseName(target)}`;
}

function baseName(target: BuildTarget): string {
  switch (target.kind) {
    case "listing":
      return target.listing.name;
    case "archive": {
      // Another edition's archive is `es/archive:home`: the edition first, like all its targets.
      const { edition, rest } = splitEdition(target.listing.name) ?? { edition: DEFAULT_EDITION, rest: target.listing.name };
      return `${editionSpace(edition)}${ARCHIVE}${rest}`;
    }
    case "sitemap-index":
      return SITEMAP;
    case "sitemap-month":
      return `${SITEMAP}:${target.month}`;
    case "sitemap-pages":
      return `${SITEMAP}:${target.of}`;
    case "news":
      return NEWS;
    case "corrections":
      return CORRECTIONS.name;
    case "live":
      return liveListingName(target.slug);
  }
}

/**
 * The target a name stands for, or undefined for a name no target has. Only the names
 * `formatTarget` writes parse: `formatTarget(parseTarget(name))` is `name` whenever it is defined.
 *
 * @example
 * parseTarget("sitemap:tags") // { kind: "sitemap-pages", of: "tags" }
 * parseTarget("archive:archive:home") // undefined
 */
export function parseTarget(name: string): BuildTarget | undefined {
  const split = splitEdition(name);
  if (!split) return undefined;
  if (split.edition === DEFAULT_EDITION) return parseDefault(name);
  const listing = parseListing(name);
  if (listing) return listingTarget(listing);
  if (split.rest.startsWith(ARCHIVE)) {
    const archived = parseListing(`${split.edition}/${split.rest.slice(ARCHIVE.length)}`);
    return archived ? archiveTarget(archived) : undefined;
  }
  const base = parseDefault(split.rest);
  if (!base || "listing" in base || base.kind === "live") return undefined;
  return { ...base, edition: split.edition };
}

function parseDefault(name: string): BuildTarget | undefined {
  if (name === NEWS) return NEWS_SITEMAP;
  if (name === CORRECTIONS.name) return CORRECTIONS_TARGET;
  const live = LIVE.exec(name)?.[1];
  if (live) return liveTarget(live);
  if (name === SITEMAP) return SITEMAP_INDEX;
  if (name.startsWith(`${SITEMAP}:`)) return sitemapChildTarget(name.slice(SITEMAP.length + 1));
  if (name.startsWith(ARCHIVE)) {
    const listing = parseListing(name.slice(ARCHIVE.length));
    return listing ? archiveTarget(listing) : undefined;
  }
  const listing = parseListing(name);
  return listing ? listingTarget(listing) : undefined;
}

/** The home page's target, the one most work touches. */
export const HOME_TARGET: BuildTarget = listingTarget(HOME);
