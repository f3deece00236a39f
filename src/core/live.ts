/**
 * @module core/live
 * Live coverage, the pure parts: whether coverage is open, how a live article's updates are cut
 * into pages. The editorial database, the builders and the pages all take these from here, so an
 * update is on the same page everywhere; the documents' names and paths are targets/document-name.ts's.
 */
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

/**
 * A new update's id: 12 random lower-case hex digits, short in a permalink (`#update-3f9a…`).
 * @example newUpdateId() // "3f9a0c41d2e7"
 */
export function newUpdateId(): string {
  return [...crypto.getRandomValues(new Uint8Array(6))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** An update id as the API takes it in a path. */
export const UPDATE_ID_PATTERN = /^[0-9a-f]{12}$/;
