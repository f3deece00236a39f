/**
 * @module newsroom/desk/queries
 * What the desk reads from D1 for its article list: one query, filtered by status, section,
 * author and a search of titles. (Every write goes through content/publishing.ts.)
 */

import { STATUSES, type ArticleStatus as Status } from "../../editorial/database";

export { STATUSES, type Status };

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

export interface DeskRow {
  slug: string;
  title: string;
  published_at: number;
  draft: number;
  deleted_at: number | null;
  section: string;
  authors: string | null;
  changed_at: number;
  changed_by: string;
}

/** The list shows this many a page, newest change first. */
export const DESK_LIST_LIMIT = 100;

// Each status is a condition on the row; without one, everything but the trash.
const STATUS_CONDITIONS: Record<Status | "all", string> = {
  all: "a.deleted_at IS NULL",
  trash: "a.deleted_at IS NOT NULL",
  draft: "a.deleted_at IS NULL AND a.draft = 1",
  scheduled: "a.deleted_at IS NULL AND a.draft = 0 AND a.published_at > ?4",
  published: "a.deleted_at IS NULL AND a.draft = 0 AND a.published_at <= ?4",
};

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
  const q = filters.q?.trim() ?? "";
  const condition = STATUS_CONDITIONS[filters.status ?? "all"];
  const binds: (string | number)[] = [filters.section ?? "", filters.author ?? "", q];
  if (condition.includes("?4")) binds.push(now);
  const { results } = await db
    .prepare(
      `SELECT a.slug, a.title, a.published_at, a.draft, a.deleted_at, COALESCE(s.name, a.section_slug) AS section,
         (SELECT group_concat(name, ', ') FROM (SELECT au.name FROM article_authors aa JOIN authors au ON au.slug = aa.author_slug
            WHERE aa.article_id = a.id ORDER BY aa.position)) AS authors,
         a.changed_at, a.changed_by
       FROM articles a LEFT JOIN sections s ON s.slug = a.section_slug
       WHERE ${condition}
         AND (?1 = '' OR a.section_slug = ?1)
         AND (?2 = '' OR EXISTS (SELECT 1 FROM article_authors aa WHERE aa.article_id = a.id AND aa.author_slug = ?2))
         AND (?3 = '' OR instr(lower(a.title), lower(?3)) > 0)
       ORDER BY a.changed_at DESC, a.id
       LIMIT ${DESK_LIST_LIMIT + 1} OFFSET ${(Math.max(1, filters.page ?? 1) - 1) * DESK_LIST_LIMIT}`,
    )
    .bind(...binds)
    .all<DeskRow>();
  // One row more than a page says whether there is a next page, without a COUNT.
  return { rows: results.slice(0, DESK_LIST_LIMIT), more: results.length > DESK_LIST_LIMIT };
}
