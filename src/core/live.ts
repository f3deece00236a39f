/**
 * @module core/live
 * Live coverage, the pure parts: whether coverage is open, how a live article's updates are cut
 * into pages, and their names and paths. The editorial database, the builders and the pages all
 * take these from here, so an update is on the same page everywhere.
 */
import { articlePath } from "./config";
import type { StoredArticle } from "./schema";

/** Updates on the article's own page, newest first; and on each page of older updates. */
export const LIVE_PAGE_SIZE = 50;
/** Key events (pinned updates) listed at the top of the page, newest first. */
export const LIVE_KEY_EVENTS = 20;
/** Updates in the structured data's `liveBlogUpdate`. */
export const LIVE_JSON_LD_UPDATES = 10;
/** How often the optional script asks for new updates, while the tab is visible. */
export const LIVE_POLL_SECONDS = 30;

export type Coverage = NonNullable<StoredArticle["live"]>;

/**
 * Whether coverage is open at `now`: it has started and not ended.
 * @example isCoverageOpen({ start: "2026-12-01T08:00:00Z" }, Date.parse("2026-12-01T09:00:00Z")) // true
 * @example isCoverageOpen({ start: "2026-12-01T08:00:00Z", end: "2026-12-01T08:30:00Z" }, Date.parse("2026-12-01T09:00:00Z")) // false
 */
export function isCoverageOpen(coverage: Coverage, now: number): boolean {
  return Date.parse(coverage.start) <= now && (coverage.end === undefined || Date.parse(coverage.end) > now);
}

/**
 * The page of older updates that holds the update at `position` (0 for the oldest). Pages are cut
 * from the oldest, so a new update never moves an older one to another page (and never rewrites
 * more than the newest page): page 1 holds the first 50 updates ever posted.
 * @example olderPageOf(0) // 1
 * @example olderPageOf(50) // 2
 */
export const olderPageOf = (position: number): number => Math.floor(position / LIVE_PAGE_SIZE) + 1;

/** How many pages of older updates `total` updates fill. */
export const olderPageCount = (total: number): number => Math.ceil(total / LIVE_PAGE_SIZE);

/**
 * The older page the article page links to: the one holding the newest update it does not show;
 * undefined when it shows them all.
 * @example newestOlderPage(51) // 1
 * @example newestOlderPage(50) // undefined
 */
export const newestOlderPage = (total: number): number | undefined =>
  total > LIVE_PAGE_SIZE ? olderPageOf(total - LIVE_PAGE_SIZE - 1) : undefined;

/** The build target of a live article's documents: its feeds, its JSON document and its older pages. */
export const liveListingName = (slug: string): string => `live:${slug}`;

/** The slug a `live:<slug>` name stands for, or undefined. */
export function parseLiveListing(name: string): string | undefined {
  const match = /^live:([a-z0-9]+(?:-[a-z0-9]+)*)$/.exec(name);
  return match?.[1];
}

/** The KV documents of a live article. */
export const LIVE_DOCUMENTS = {
  status: (slug: string) => `live:${slug}:status`,
  feed: (slug: string, format: "rss" | "atom" | "json") => `live:${slug}:${format}`,
  // Under the archive prefix: written only when they change, so the cron, which compares every
  // `listing:` document's generation with D1's, must not see them (readmodel/store.ts).
  older: (slug: string, page: number) => `archive:live:${slug}:updates:${page}`,
} as const;

/** The public paths of a live article's documents. */
export const LIVE_PATHS = {
  status: (slug: string) => `${articlePath(slug)}/live.json`,
  older: (slug: string, page: number) => `${articlePath(slug)}/updates/${page}`,
  update: (slug: string, id: string, page?: number) =>
    `${page === undefined ? articlePath(slug) : LIVE_PATHS.older(slug, page)}#${updateAnchor(id)}`,
} as const;

/** The fragment an update's permalink ends with. */
export const updateAnchor = (id: string): string => `update-${id}`;

/** The cache tag of every document of a live article but its page (which is `article:<slug>`). */
export const liveTag = (slug: string): string => `live:${slug}`;

/** A page of older updates' own tag: a new update purges the newest page, never the year-long copies of the rest. */
export const olderTag = (slug: string, page: number): string => `live:${slug}:updates:${page}`;

/**
 * A new update's id: 12 random lower-case hex digits, short in a permalink (`#update-3f9a…`).
 * @example newUpdateId() // "3f9a0c41d2e7"
 */
export function newUpdateId(): string {
  return [...crypto.getRandomValues(new Uint8Array(6))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** An update id as the API takes it in a path. */
export const UPDATE_ID_PATTERN = /^[0-9a-f]{12}$/;
