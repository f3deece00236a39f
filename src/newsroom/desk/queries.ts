/**
 * @module newsroom/desk/queries
 * What the desk's article list shows: one query (data/articles.ts `deskArticleRows`), filtered by
 * status, section, author and a search of titles, a page at a time.
 */

import { STATUSES, type ArticleStatus as Status } from "../../core/visibility";
import { type DeskRow, deskArticleRows } from "../../data/articles";

export { type DeskRow, STATUSES, type Status };

/** How the desk names each status. */
export const STATUS_NAMES: Record<Status, string> = {
  draft: "Draft",
  scheduled: "Scheduled",
  published: "Published",
  trash: "In the trash",
};

export interface DeskFilters {
  status?: Status | undefined;
  section?: string | undefined;
  author?: string | undefined;
  /** Words to find in titles. */
  q?: string | undefined;
  /** Which page of DESK_LIST_LIMIT rows, from 1. */
  page?: number | undefined;
}

/** The list shows this many a page, newest change first. */
export const DESK_LIST_LIMIT = 100;

/**
 * A page of the articles that match, newest change first, and whether there are more after it.
 * The title search is `instr(lower(title), lower(q))`, not LIKE: D1 refuses LIKE patterns over 50
 * bytes, so a pasted headline was an error, and `%` and `_` needed escaping. `lower()` folds ASCII
 * letters as LIKE did; any query, however long or odd, is a plain substring search.
 * @example await deskArticles(env.DB, { status: "draft", q: "budget" }, Date.now())
 */
export async function deskArticles(
  db: D1Database,
  filters: DeskFilters,
  now: number,
): Promise<{ rows: DeskRow[]; more: boolean }> {
  const rows = await deskArticleRows(
    db,
    { status: filters.status, section: filters.section ?? "", author: filters.author ?? "", q: filters.q?.trim() ?? "" },
    now,
    DESK_LIST_LIMIT + 1,
    (Math.max(1, filters.page ?? 1) - 1) * DESK_LIST_LIMIT,
  );
  // One row more than a page says whether there is a next page, without a COUNT.
  return { rows: rows.slice(0, DESK_LIST_LIMIT), more: rows.length > DESK_LIST_LIMIT };
}
