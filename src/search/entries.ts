/**
 * @module search/entries
 * Writes to the search index: one article's entry put or taken away. This module owns every
 * statement that writes the search database (its tables are in src/search/migrations/). An entry is
 * keyed by the article's id, so a move replaces it; each write is one batch, so a reader never sees
 * an entry without its text or its filters.
 *
 * An entry's rowid (shared by its full-text row) orders entries by publication time:
 * `published_at * ROWID_SLOTS` plus the first free slot. FTS5 walks a match in rowid order for free,
 * so "the newest matches" and "published by now" cost no look-up of `entries` (search/search.ts).
 */
import { indexText, titleKey } from "./text";

/** Rowids per millisecond of publication time: articles published in the same millisecond share it. */
export const ROWID_SLOTS = 1024;

/**
 * The rowids of entries published from `start` to `end` (ms, inclusive).
 * @example rowidRange(1, 2) // { lo: 1024, hi: 3071 }
 */
export const rowidRange = (start: number, end: number): { lo: number; hi: number } => ({
  lo: start * ROWID_SLOTS,
  hi: end * ROWID_SLOTS + ROWID_SLOTS - 1,
});

/** Every table of the search database, for tests and tools that empty it. */
export const SEARCH_TABLES = ["entries", "entry_tags", "entry_authors", "entries_fts"] as const;

/** A name with the slug its page lives under. */
export interface Named {
  slug: string;
  name: string;
}

/** What the index keeps of one article: what a result shows, what filters match, and its words. */
export interface SearchEntry {
  articleId: string;
  slug: string;
  title: string;
  summary: string;
  /** The body as plain text. */
  body: string;
  section: Named;
  authors: Named[];
  tags: Named[];
  publishedAt: number;
  /** The editorial revision this entry was made from. */
  revision: number;
}

/**
 * Puts an article's entry in the index, replacing the one it had (under any slug) and any other
 * article's entry at its slug. Unless `force`, an entry already at this revision and slug is left
 * alone. Resolves whether anything was written.
 */
export async function putEntry(db: D1Database, entry: SearchEntry, now: number, force = false): Promise<boolean> {
  if (!force) {
    const current = await db
      .prepare("SELECT slug, revision FROM entries WHERE article_id = ?")
      .bind(entry.articleId)
      .first<{ slug: string; revision: number }>();
    if (current && current.slug === entry.slug && current.revision === entry.revision) return false;
  }
  await db.batch(entryStatements(db, entry, now));
  return true;
}

/** Puts many entries in one batch (a reindex): the same statements as {@link putEntry}, always written. */
export async function putEntries(db: D1Database, entries: readonly SearchEntry[], now: number): Promise<void> {
  if (entries.length) await db.batch(entries.flatMap((entry) => entryStatements(db, entry, now)));
}

/** Takes the entry at `slug`, and any entry of the article `articleId`, out of the index. Resolves whether one was there. */
export async function deleteEntry(db: D1Database, slug: string, articleId?: string): Promise<boolean> {
  const where = "slug = ?1 OR article_id = ?2";
  const found = await db
    .prepare(`SELECT rowid FROM entries WHERE ${where}`)
    .bind(slug, articleId ?? null)
    .all<{ rowid: number }>();
  if (found.results.length === 0) return false;
  await db.batch(removeStatements(db, where, [slug, articleId ?? null]));
  return true;
}

/**
 * Takes out every entry whose article id sorts after `after` and up to `until` (to the end when
 * null), except those in `keep`: what a reindex does for the articles the editorial database no
 * longer holds, one page of ids at a time.
 */
export async function deleteEntriesBetween(db: D1Database, after: string, until: string | null, keep: string[]): Promise<number> {
  const where = "article_id > ?1 AND (?2 IS NULL OR article_id <= ?2) AND article_id NOT IN (SELECT value FROM json_each(?3))";
  const params = [after, until, JSON.stringify(keep)];
  const found = await db
    .prepare(`SELECT COUNT(*) AS n FROM entries WHERE ${where}`)
    .bind(...params)
    .first<{ n: number }>();
  if (!found?.n) return 0;
  await db.batch(removeStatements(db, where, params));
  return found.n;
}

/** How many entries the index holds, found or not yet (scheduled). */
export async function countEntries(db: D1Database): Promise<number> {
  return (await db.prepare("SELECT COUNT(*) AS n FROM entries").first<{ n: number }>())?.n ?? 0;
}

/** Statements that remove the entries `where` selects (with `params`) from every table, entries last. */
function removeStatements(db: D1Database, where: string, params: unknown[]): D1PreparedStatement[] {
  const rows = `SELECT rowid FROM entries WHERE ${where}`;
  return [
    db.prepare(`DELETE FROM entries_fts WHERE rowid IN (${rows})`).bind(...params),
    db.prepare(`DELETE FROM entry_tags WHERE entry IN (${rows})`).bind(...params),
    db.prepare(`DELETE FROM entry_authors WHERE entry IN (${rows})`).bind(...params),
    db.prepare(`DELETE FROM entries WHERE ${where}`).bind(...params),
  ];
}

/** The columns of `entries` a write sets, named once for the insert and the update. */
const ENTRY_COLUMNS = [
  "article_id",
  "slug",
  "title",
  "title_key",
  "summary",
  "section_slug",
  "section_name",
  "authors",
  "published_at",
  "revision",
  "indexed_at",
] as const;

/** An entry's row, at the first free rowid of its publication millisecond (?1 is the base rowid). */
const INSERT_ENTRY = `INSERT INTO entries (rowid, ${ENTRY_COLUMNS.join(", ")})
  VALUES ((SELECT COALESCE(MAX(rowid) + 1, ?1) FROM entries WHERE rowid BETWEEN ?1 AND ?1 + ${ROWID_SLOTS - 1}),
    ${ENTRY_COLUMNS.map((_, i) => `?${i + 2}`).join(", ")})`;

/** The entry's rowid, once it is inserted: every later statement of the batch finds it this way. */
const ROWID = "(SELECT rowid FROM entries WHERE article_id = ?1)";

function entryStatements(db: D1Database, entry: SearchEntry, now: number): D1PreparedStatement[] {
  const values: Record<(typeof ENTRY_COLUMNS)[number], string | number> = {
    article_id: entry.articleId,
    slug: entry.slug,
    title: entry.title,
    title_key: titleKey(entry.title),
    summary: entry.summary,
    section_slug: entry.section.slug,
    section_name: entry.section.name,
    authors: JSON.stringify(entry.authors.map(({ slug, name }) => ({ slug, name }))),
    published_at: entry.publishedAt,
    revision: entry.revision,
    indexed_at: now,
  };
  const byline = [...entry.authors.map((a) => a.name), entry.section.name, ...entry.tags.map((t) => t.name)].join("\n");
  return [
    // Another article that held this slug before a move or a delete that the index has not seen yet,
    // and the article's own entry: its rowid follows its publication time, which may have changed.
    ...removeStatements(db, "slug = ?1 OR article_id = ?2", [entry.slug, entry.articleId]),
    db
      .prepare(INSERT_ENTRY)
      .bind(rowidRange(entry.publishedAt, entry.publishedAt).lo, ...ENTRY_COLUMNS.map((column) => values[column])),
    db
      .prepare(`INSERT INTO entries_fts (rowid, title, summary, body, byline) VALUES (${ROWID}, ?2, ?3, ?4, ?5)`)
      .bind(entry.articleId, indexText(entry.title), indexText(entry.summary), indexText(entry.body), indexText(byline)),
    ...uniqueBySlug(entry.tags).map((tag) =>
      db
        .prepare(`INSERT INTO entry_tags (tag_slug, entry, name) VALUES (?2, ${ROWID}, ?3)`)
        .bind(entry.articleId, tag.slug, tag.name),
    ),
    ...uniqueBySlug(entry.authors).map((author) =>
      db
        .prepare(`INSERT INTO entry_authors (author_slug, entry, name) VALUES (?2, ${ROWID}, ?3)`)
        .bind(entry.articleId, author.slug, author.name),
    ),
  ];
}

function uniqueBySlug(items: readonly Named[]): Named[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.slug) && seen.add(item.slug));
}
