/**
 * @module data/search
 * The search database (its own D1, FTS5; tables in src/search/migrations/): this module owns every
 * statement on `entries`, `entry_tags`, `entry_authors`, `entries_fts` and `entries_vocab`. The
 * reader Worker reaches it through src/search/, so its rows are checked with core/fields.ts's small
 * checks, never valibot, which the reader does not carry.
 *
 * An entry's rowid (shared by its full-text row) orders entries by publication time:
 * `published_at * ROWID_SLOTS` plus the first free slot. FTS5 walks a match in rowid order for free,
 * so "the newest matches" and "published by now" cost no look-up of `entries`.
 */
import { type FieldCheck, isNumber, isText, pickFields } from "../core/fields";
import { type SqlValue, sql, statement } from "./sql";

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

const isNullableText: FieldCheck = (value) => value === null || typeof value === "string";

/** The rows of a result that pass `check`; one that does not is a broken index, and throws naming `where`. */
function checked<T>(rows: readonly unknown[], required: Record<string, FieldCheck>, where: string): T[] {
  return rows.map((value) => {
    const picked = pickFields(value, required);
    if (!picked) throw new TypeError(`search database row from ${where} is not what it should be`);
    return picked as T;
  });
}

// ---- Writes ----

/** An entry's row and its words, as they are stored (text already prepared for the index). */
export interface EntryRow {
  article_id: string;
  slug: string;
  title: string;
  title_key: string;
  summary: string;
  section_slug: string;
  section_name: string;
  /** JSON: [{slug, name}]. */
  authors: string;
  published_at: number;
  revision: number;
  indexed_at: number;
  fts: { title: string; summary: string; body: string; byline: string };
  tags: Array<{ slug: string; name: string }>;
  authorLinks: Array<{ slug: string; name: string }>;
}

const currentEntry = statement<{ article: string }>("SELECT slug, revision FROM entries WHERE article_id = :article");

/** The slug and revision of an article's entry, or null when it has none. */
export async function entryRevision(db: D1Database, articleId: string): Promise<{ slug: string; revision: number } | null> {
  const found = await currentEntry(db, { article: articleId }).all();
  return checked<{ slug: string; revision: number }>(found.results, { slug: isText, revision: isNumber }, "entries")[0] ?? null;
}

/** Statements that remove the entries `where` selects (with `params`) from every table, entries last. */
function removeStatements(db: D1Database, where: string, params: Record<string, SqlValue>): D1PreparedStatement[] {
  const rows = `SELECT rowid FROM entries WHERE ${where}`;
  return [
    sql(db, `DELETE FROM entries_fts WHERE rowid IN (${rows})`, params),
    sql(db, `DELETE FROM entry_tags WHERE entry IN (${rows})`, params),
    sql(db, `DELETE FROM entry_authors WHERE entry IN (${rows})`, params),
    sql(db, `DELETE FROM entries WHERE ${where}`, params),
  ];
}

const BY_SLUG_OR_ARTICLE = "slug = :slug OR article_id = :article";

/** The entry's rowid, once it is inserted: every later statement of the batch finds it this way. */
const ROWID = "(SELECT rowid FROM entries WHERE article_id = :article_id)";

const insertEntry = statement<Omit<EntryRow, "fts" | "tags" | "authorLinks"> & { base: number }>(
  `INSERT INTO entries (rowid, article_id, slug, title, title_key, summary, section_slug, section_name, authors, published_at,
     revision, indexed_at)
   VALUES ((SELECT COALESCE(MAX(rowid) + 1, :base) FROM entries WHERE rowid BETWEEN :base AND :base + ${ROWID_SLOTS - 1}),
     :article_id, :slug, :title, :title_key, :summary, :section_slug, :section_name, :authors, :published_at, :revision,
     :indexed_at)`,
);
const insertText = statement<{ article_id: string; title: string; summary: string; body: string; byline: string }>(
  `INSERT INTO entries_fts (rowid, title, summary, body, byline) VALUES (${ROWID}, :title, :summary, :body, :byline)`,
);
const insertTag = statement<{ article_id: string; slug: string; name: string }>(
  `INSERT INTO entry_tags (tag_slug, entry, name) VALUES (:slug, ${ROWID}, :name)`,
);
const insertAuthor = statement<{ article_id: string; slug: string; name: string }>(
  `INSERT INTO entry_authors (author_slug, entry, name) VALUES (:slug, ${ROWID}, :name)`,
);

/**
 * The statements that put one entry in the index: first out go another article's entry at its slug
 * (a move or a delete the index has not seen yet) and the article's own (its rowid follows its
 * publication time, which may have changed).
 */
export function entryStatements(db: D1Database, entry: EntryRow): D1PreparedStatement[] {
  const { fts, tags, authorLinks, ...columns } = entry;
  const article_id = entry.article_id;
  return [
    ...removeStatements(db, BY_SLUG_OR_ARTICLE, { slug: entry.slug, article: article_id }),
    insertEntry(db, { ...columns, base: rowidRange(entry.published_at, entry.published_at).lo }),
    insertText(db, { article_id, ...fts }),
    ...tags.map((tag) => insertTag(db, { article_id, ...tag })),
    ...authorLinks.map((author) => insertAuthor(db, { article_id, ...author })),
  ];
}

const entriesAt = statement<{ slug: string; article: string | null }>(`SELECT rowid FROM entries WHERE ${BY_SLUG_OR_ARTICLE}`);

/** Takes the entry at `slug`, and any entry of the article `articleId`, out of the index. Resolves whether one was there. */
export async function deleteEntry(db: D1Database, slug: string, articleId?: string): Promise<boolean> {
  const params = { slug, article: articleId ?? null };
  const found = await entriesAt(db, params).all();
  if (found.results.length === 0) return false;
  await db.batch(removeStatements(db, BY_SLUG_OR_ARTICLE, params));
  return true;
}

const BETWEEN =
  "article_id > :after AND (:until IS NULL OR article_id <= :until) AND article_id NOT IN (SELECT value FROM json_each(:keep))";
const countBetween = statement<{ after: string; until: string | null; keep: string }>(
  `SELECT COUNT(*) AS n FROM entries WHERE ${BETWEEN}`,
);

/**
 * Takes out every entry whose article id sorts after `after` and up to `until` (to the end when
 * null), except those in `keep`. Resolves how many.
 */
export async function deleteEntriesBetween(db: D1Database, after: string, until: string | null, keep: string[]): Promise<number> {
  const params = { after, until, keep: JSON.stringify(keep) };
  const n = await countOf(countBetween(db, params), "entries");
  if (!n) return 0;
  await db.batch(removeStatements(db, BETWEEN, params));
  return n;
}

const countAll = statement("SELECT COUNT(*) AS n FROM entries");

/** How many entries the index holds, found or not yet (scheduled). */
export function countEntries(db: D1Database): Promise<number> {
  return countOf(countAll(db), "entries");
}

async function countOf(query: D1PreparedStatement, where: string): Promise<number> {
  const found = await query.all();
  return checked<{ n: number }>(found.results, { n: isNumber }, where)[0]?.n ?? 0;
}

// ---- Reads ----

/** Column weights for bm25(): title, summary, body, byline (authors, section, tags). */
const WEIGHTS = [10, 4, 1, 3] as const;
/** A story this old gets half the boost of one published now; five years on, it is negligible. */
export const RECENCY_HALF_LIFE_MS = 30 * 86_400_000;
/** How much a story published this moment is boosted: its BM25 score counts (1 + this) times. */
const RECENCY_BOOST = 1;
/** Matches that relevance ranks at most: the newest ones (and any exact-title match). */
export const RANKING_WINDOW = 5000;
/** Words of body text a snippet shows (CJK: characters). */
const SNIPPET_TOKENS = 28;

export interface HitRow {
  slug: string;
  title: string;
  title_marked: string | null;
  summary: string;
  summary_marked: string | null;
  body_snippet: string | null;
  section_slug: string;
  section_name: string;
  authors: string;
  published_at: number;
  total: number;
}

const HIT_FIELDS: Record<keyof HitRow, FieldCheck> = {
  slug: isText,
  title: isText,
  title_marked: isNullableText,
  summary: isText,
  summary_marked: isNullableText,
  body_snippet: isNullableText,
  section_slug: isText,
  section_name: isText,
  authors: isText,
  published_at: isNumber,
  total: isNumber,
};

/** What one page of a search asks for, its values already worked out. */
export interface PageQuery {
  /** An FTS5 match expression. */
  match: string;
  /** The rowid range to search: published from, and by. */
  lo: number;
  hi: number;
  section?: string | undefined;
  author?: string | undefined;
  tag?: string | undefined;
  sort: "relevance" | "newest";
  /** The query as an exact-title match compares it (relevance only). */
  titleKey: string;
  now: number;
  offset: number;
  pageSize: number;
  /** What marks a matched word in titles, summaries and snippets. */
  open: string;
  close: string;
}

/**
 * One page of hits with the total, in one statement. Publication time is a rowid range, so FTS5
 * alone keeps out what is not published yet and walks matches newest first. Relevance ranks (bm25
 * and the boost) only the newest RANKING_WINDOW matches, plus any older exact-title match: the cost
 * stays bounded however common the words, and a story that old would need a far better match than a
 * newer one to be on the first pages anyway. Snippets are made for the page's rows alone.
 */
export function pageStatement(db: D1Database, q: PageQuery): D1PreparedStatement {
  const filters: string[] = [];
  if (q.section) filters.push("e.section_slug = :section");
  if (q.author) filters.push("e.rowid IN (SELECT entry FROM entry_authors WHERE author_slug = :author)");
  if (q.tag) filters.push("e.rowid IN (SELECT entry FROM entry_tags WHERE tag_slug = :tag)");
  const filtered = filters.map((condition) => ` AND ${condition}`).join("");
  // The matches in a rowid range, with the filters. Without filters FTS5 answers alone; with them,
  // CROSS JOIN keeps the full-text match as the outer loop (the planner would otherwise walk the
  // section's index and probe FTS5 once a row).
  const matches = (floor: string) =>
    filters.length
      ? `FROM entries_fts CROSS JOIN entries e ON e.rowid = entries_fts.rowid
         WHERE entries_fts MATCH :match AND entries_fts.rowid BETWEEN ${floor} AND :hi${filtered}`
      : `FROM entries_fts WHERE entries_fts MATCH :match AND entries_fts.rowid BETWEEN ${floor} AND :hi`;
  let page: string;
  if (q.sort === "newest") {
    page = `page AS (SELECT id, row_number() OVER (ORDER BY id DESC) AS position FROM (
        SELECT entries_fts.rowid AS id ${matches(":lo")} ORDER BY entries_fts.rowid DESC LIMIT :page_size OFFSET :offset))`;
  } else {
    const bm25 = `bm25(entries_fts, ${WEIGHTS.join(", ")})`;
    // The publication time is the rowid's high part: no look-up of `entries` to know a story's age.
    const age = `max(0, :now - entries_fts.rowid / ${ROWID_SLOTS})`;
    // bm25() is negative, better matches more so: boosting multiplies it, and the order is ascending.
    const score = `${bm25} * (1.0 + ${RECENCY_BOOST}.0 * :half_life / (:half_life + ${age}))`;
    page = `newest AS (SELECT entries_fts.rowid AS id ${matches(":lo")} ORDER BY entries_fts.rowid DESC LIMIT ${RANKING_WINDOW}),
      floor AS (SELECT COALESCE(MIN(id), :lo) AS id FROM newest),
      ranked AS (
        SELECT entries_fts.rowid AS id, 0 AS exact, ${score} AS score ${matches("(SELECT id FROM floor)")}
        UNION ALL
        SELECT e.rowid, 1, 0 FROM entries e
        WHERE e.title_key = :title_key AND e.rowid BETWEEN :lo AND :hi${filtered}
          AND e.rowid IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH :match)),
      best AS (SELECT id, MAX(exact) AS exact, MIN(score) AS score FROM ranked GROUP BY id),
      page AS (SELECT id, row_number() OVER (ORDER BY exact DESC, score, id DESC) AS position FROM best
        ORDER BY position LIMIT :page_size OFFSET :offset)`;
  }
  const text = `WITH ${page}
    SELECT e.slug, e.title, e.summary, e.section_slug, e.section_name, e.authors, e.published_at,
      (SELECT COUNT(*) ${matches(":lo")}) AS total,
      highlight(entries_fts, 0, :open, :close) AS title_marked,
      highlight(entries_fts, 1, :open, :close) AS summary_marked,
      snippet(entries_fts, 2, :open, :close, '…', ${SNIPPET_TOKENS}) AS body_snippet
    FROM page
    JOIN entries_fts ON entries_fts.rowid = page.id AND entries_fts MATCH :match
    JOIN entries e ON e.rowid = page.id
    ORDER BY page.position`;
  return sql(db, text, {
    match: q.match,
    lo: q.lo,
    hi: q.hi,
    section: q.section,
    author: q.author,
    tag: q.tag,
    title_key: q.titleKey,
    now: q.now,
    half_life: RECENCY_HALF_LIFE_MS,
    offset: q.offset,
    page_size: q.pageSize,
    open: q.open,
    close: q.close,
  });
}

/** The hits a page statement read. */
export const hitsOf = (result: D1Result | undefined): HitRow[] => checked<HitRow>(result?.results ?? [], HIT_FIELDS, "a search");

/** The names of the section, author and tag a search filters by; each null when the index has none. */
export interface FilterNames {
  section: string | null;
  author: string | null;
  tag: string | null;
}

const filterNames = statement<{ section: string | null; author: string | null; tag: string | null }>(
  `SELECT (SELECT section_name FROM entries WHERE section_slug = :section LIMIT 1) AS section,
     (SELECT name FROM entry_authors WHERE author_slug = :author LIMIT 1) AS author,
     (SELECT name FROM entry_tags WHERE tag_slug = :tag LIMIT 1) AS tag`,
);

/** A statement that reads the names of the section, author and tag a search filters by. */
export const filterNamesStatement = (
  db: D1Database,
  filters: { section?: string | undefined; author?: string | undefined; tag?: string | undefined },
): D1PreparedStatement =>
  filterNames(db, { section: filters.section ?? null, author: filters.author ?? null, tag: filters.tag ?? null });

/** The names that statement read. */
export const filterNamesOf = (result: D1Result | undefined): FilterNames | undefined =>
  checked<FilterNames>(
    result?.results ?? [],
    { section: isNullableText, author: isNullableText, tag: isNullableText },
    "a search's filters",
  )[0];

/** Runs the two statements a search needs in one batch (the names' may be absent). */
export async function searchBatch(
  db: D1Database,
  names: D1PreparedStatement | null,
  page: D1PreparedStatement,
): Promise<{ names: FilterNames | undefined; hits: HitRow[] }> {
  const [namesResult, pageResult] = await db.batch([names ?? sql(db, "SELECT 1"), page]);
  return { names: names ? filterNamesOf(namesResult) : undefined, hits: hitsOf(pageResult) };
}

/** Runs one statement and reads its hits. */
export async function readHits(page: D1PreparedStatement): Promise<HitRow[]> {
  return hitsOf(await page.all());
}

/** Runs a filter names statement alone. */
export async function readFilterNames(names: D1PreparedStatement): Promise<FilterNames | undefined> {
  return filterNamesOf(await names.all());
}

/** A term the index knows, and in how many entries. */
export interface VocabRow {
  term: string;
  doc: number;
}

const knownTerms = statement<{ terms: string }>(
  "SELECT v.term, v.doc FROM json_each(:terms) j JOIN entries_vocab v ON v.term = j.value",
);
const termsInRange = statement<{ from: string; to: string; shortest: number; longest: number; limit: number }>(
  `SELECT term, doc FROM entries_vocab
   WHERE term >= :from AND term < :to AND length(term) BETWEEN :shortest AND :longest LIMIT :limit`,
);

const vocabOf = (results: readonly unknown[]): VocabRow[] =>
  checked<VocabRow>(results, { term: isText, doc: isNumber }, "entries_vocab");

/** For each list of words, those the index knows (one batch). */
export async function knownWords(db: D1Database, lists: string[][]): Promise<VocabRow[][]> {
  if (lists.length === 0) return [];
  const results = await db.batch(lists.map((words) => knownTerms(db, { terms: JSON.stringify(words) })));
  return results.map((result) => vocabOf(result.results));
}

/** For each range, up to `limit` terms from `from` (inclusive) to `to` of a length in [shortest, longest] (one batch). */
export async function termsBetween(
  db: D1Database,
  ranges: Array<{ from: string; to: string; shortest: number; longest: number }>,
  limit: number,
): Promise<VocabRow[][]> {
  if (ranges.length === 0) return [];
  const results = await db.batch(ranges.map((range) => termsInRange(db, { ...range, limit })));
  return results.map((result) => vocabOf(result.results));
}
