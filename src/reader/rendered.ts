/**
 * @module reader/rendered
 * What the reader renders on request instead of reading it prebuilt: the 404 and 410 pages, pages
 * 2 to MAX_PAGE of a listing, and the documents a new site serves before its first build. It is
 * imported on the first request that needs it (reader/public.ts), so an isolate that serves only
 * prebuilt documents never evaluates the JSX runtime, the page layout or the feed builders
 * (docs/benchmark.md: the reader's start).
 */
import type { Site } from "../core/config";
import { buildFeed } from "../feeds/build";
import { channelFor, type FeedFormat } from "../feeds/model";
import { buildNewsSitemap, buildSitemapIndex } from "../feeds/sitemap";
import { listIndex, type Store, type StoredDocument } from "../readmodel/store";
import { CORRECTIONS_HEADING, renderCorrectionsPage } from "../render/corrections";
import type { NavSection } from "../render/layout";
import { renderListing } from "../render/listing";
import { listingView, NO_SUBJECT } from "../render/listing-view";
import { renderGone, renderNotFound } from "../render/not-found";
import { CORRECTIONS } from "../targets/corrections";
import { HOME, type Listing, PAGE_SIZE } from "../targets/listings";

export { renderGone, renderNotFound };

/** A new site's home page, before its first publish. */
export const emptyHome = (site: Site): Promise<string> =>
  renderListing(site, { view: listingView(site, HOME, NO_SUBJECT), entries: [], page: 1, hasOlder: false, nav: [] });

/** The home feeds of a new site, before its first publish. */
export const emptyHomeFeed = (site: Site, format: FeedFormat): string => buildFeed(format, channelFor(site, { format }), [], 0);

export const emptySitemapIndex = (site: Site): string => buildSitemapIndex(site, []);

export const emptyNewsSitemap = (site: Site): string => buildNewsSitemap(site, [], 0);

/** The corrections page before the first note. */
export const emptyCorrectionsPage = (site: Site): Promise<string> =>
  renderCorrectionsPage(site, { entries: [], total: 0, nav: [] });

/** The corrections feeds before the first note. */
export const emptyCorrectionsFeed = (site: Site, format: FeedFormat): string =>
  buildFeed(
    format,
    channelFor(site, {
      format,
      homePath: CORRECTIONS.path,
      paths: CORRECTIONS.feeds,
      title: `${CORRECTIONS_HEADING} · ${site.title}`,
    }),
    [],
    0,
  );

/**
 * Page `page` (2 or more) of a listing whose first page is `first`: one `list` of its index, rendered
 * with the site's navigation and the name the first page was built with. Undefined past the last entry.
 */
export async function deepListingPage(
  site: Site,
  store: Store,
  listing: Listing,
  first: StoredDocument,
  nav: NavSection[],
  page: number,
  now: number,
): Promise<{ body: string; nextPublishAt?: number } | undefined> {
  const result = await listIndex(store, listing, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE, now });
  if (result.entries.length === 0) return undefined;
  const view = listingView(site, listing, { ...NO_SUBJECT, name: first.meta.label ?? "" });
  const body = await renderListing(site, {
    view,
    entries: result.entries,
    page,
    hasOlder: result.hasMore,
    nav,
  });
  return { body, ...(result.nextPublishAt === undefined ? {} : { nextPublishAt: result.nextPublishAt }) };
}
