/**
 * @module targets/listings
 * The listings readers browse and subscribe to: the home page, and each section, tag and author.
 * Each is one mechanism: a prebuilt first page and three prebuilt feeds in KV, index keys for the
 * deeper pages, and its own cache tags. Their names, paths and tags are targets/document-name.ts's;
 * this module says which listings an article is in and how they are paged.
 */
import { type ArchivePart, DEFAULT_EDITION, type Edition, homeOf, type Listing, listingOf } from "./document-name";

export {
  type ArchivePart,
  archivePath,
  HOME,
  type Listing,
  type ListingKind,
  listingFeedPaths,
  listingOf,
  listingPagePath,
  listingTags,
  parseListing,
} from "./document-name";

/** Articles on a listing's page; the feeds carry FEED_SIZE (feeds/model.ts). */
export const PAGE_SIZE = 20;

/** Where an article is filed: its section's, tags' and authors' slugs, and its edition. */
export interface Filing {
  section: string;
  tags: string[];
  authors: string[];
  edition?: Edition;
}

/** Every listing an article filed so is in: its edition's home page, its section, each tag and each author. */
export function listingsFor(filing: Filing): Listing[] {
  const edition = filing.edition ?? DEFAULT_EDITION;
  return [
    homeOf(edition),
    listingOf("section", filing.section, edition),
    ...filing.tags.map((slug) => listingOf("tag", slug, edition)),
    ...filing.authors.map((slug) => listingOf("author", slug, edition)),
  ];
}

/** An archive part as D1's `archives` table keys it within its listing: `<yyyy-mm>/<part>`. */
export const archiveKey = (part: ArchivePart): string => `${part.month}/${part.part}`;
