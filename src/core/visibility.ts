/**
 * @module core/visibility
 * "Is this article public?", said once. An article is public when it is not in the trash, not a
 * draft, and its publication time has come; before that time it is scheduled. The same rule is
 * given here in TypeScript (`statusOf`, `isPublic`, `isListed`) and as SQL over D1's `articles`
 * columns (`publicSql`, `STATUS_SQL`), so a query and a page can never disagree about it.
 */

/** Where an article stands, for editors and readers alike. */
export const STATUSES = ["draft", "scheduled", "published", "trash"] as const;
export type ArticleStatus = (typeof STATUSES)[number];

/** What decides it, as D1's `articles` row holds it (draft as 0 or 1; times in epoch milliseconds). */
export interface Visibility {
  draft: number | boolean;
  deleted_at: number | null;
  published_at: number;
}

/**
 * An article's status: the trash first, then a draft, then by publication time.
 *
 * @example
 * statusOf({ draft: 0, deleted_at: null, published_at: Date.parse("2030-01-01") }, Date.now()) // "scheduled"
 */
export function statusOf(row: Visibility, now: number): ArticleStatus {
  if (row.deleted_at != null) return "trash";
  if (row.draft === 1 || row.draft === true) return "draft";
  return row.published_at > now ? "scheduled" : "published";
}

/** Whether readers may see the article at `now`. */
export const isPublic = (row: Visibility, now: number): boolean => statusOf(row, now) === "published";

/**
 * Whether the article is or will be public without an editor's further say: published or
 * scheduled. Its page and index keys are prebuilt; the scheduled ones stay hidden until their time.
 */
export const isListed = (row: Visibility): boolean => row.deleted_at == null && !(row.draft === 1 || row.draft === true);

/**
 * The SQL condition for "listed" over `articles` (optionally aliased, like `a`). Add
 * `AND published_at <= ?` with `now` bound for "public", or use `publicSql`.
 */
export const listedSql = (alias = ""): string => {
  const a = alias ? `${alias}.` : "";
  return `${a}draft = 0 AND ${a}deleted_at IS NULL`;
};

/** The SQL condition for "public at `now`", with `now` bound to `param` (like `?` or `?5`). */
export const publicSql = (alias = "", param = "?"): string =>
  `${listedSql(alias)} AND ${alias ? `${alias}.` : ""}published_at <= ${param}`;

/** Each status as an SQL condition over `articles` aliased `a`, with `now` bound to `param`. */
export function statusSql(status: ArticleStatus, param: string): string {
  switch (status) {
    case "trash":
      return "a.deleted_at IS NOT NULL";
    case "draft":
      return "a.deleted_at IS NULL AND a.draft = 1";
    case "scheduled":
      return `${listedSql("a")} AND a.published_at > ${param}`;
    case "published":
      return publicSql("a", param);
  }
}
