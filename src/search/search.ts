/**
 * @module search/search
 * Reads the search index: one page of results for a parsed search, with the matched words marked,
 * the names of the filters that apply, and a spelling suggestion when nothing was found.
 *
 * Relevance is FTS5's BM25 (title weighted above summary, byline and body), scaled by a recency
 * boost that halves over RECENCY_HALF_LIFE_MS, so last week's story beats a five-year-old one that
 * matches as well; an article whose whole title is the query comes first. The common search costs
 * one D1 round trip: the filters' names and the page are read in one batch.
 */
import { type Named, ROWID_SLOTS, rowidRange } from "./entries";
import { dayBounds, matchExpression, SEARCH_PAGE_SIZE, type SearchFilters, type SearchRequest } from "./query";
import { hasMark, type Segment, segmentsOf } from "./snippet";
import { suggestSpelling } from "./suggest";
import { MARK_CLOSE, MARK_OPEN, titleKey } from "./text";

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

export interface SearchHit {
  slug: string;
  /** The title, with matched words marked. */
  title: Segment[];
  /** A passage of the body around the matches, else the summary (marked when it matches). */
  snippet: Segment[];
  section: Named;
  authors: Named[];
  publishedAt: number;
}

/** The filters that were applied, with the names readers know them by. */
export interface AppliedFilters {
  section?: Named;
  author?: Named;
  tag?: Named;
  from?: string;
  to?: string;
}

export interface SearchResults {
  hits: SearchHit[];
  /** Results in all, on every page. */
  total: number;
  /** The filters the search used: ones naming nothing in the index are left out. */
  applied: AppliedFilters;
  /** A query with misspelt words replaced, when nothing was found and one was near. */
  suggestion: string | null;
}

interface HitRow {
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

/** A SQL statement's text and values, built together so a placeholder always names its own value. */
class Sql {
  readonly values: unknown[] = [];
  /** The placeholder for `value`, which is bound in order. */
  bind(value: unknown): string {
    this.values.push(value);
    return `?${this.values.length}`;
  }
}

/** Reads one page of results for `request`, as of `now` (nothing published after it is found). */
export async function search(db: D1Database, request: SearchRequest, now: number): Promise<SearchResults> {
  const match = matchExpression(request.terms);
  const names = filterNamesStatement(db, request.filters);
  if (match === null) return { hits: [], total: 0, applied: await appliedFilters(names, request.filters), suggestion: null };
  const [namesResult, pageResult] = await db.batch([names ?? db.prepare("SELECT 1"), pageStatement(db, match, request, now)]);
  const applied = appliedFrom(names ? (namesResult?.results[0] as FilterNames | undefined) : undefined, request.filters);
  let rows = (pageResult?.results ?? []) as HitRow[];
  // A filter that names nothing in the index is ignored: read the page again without it.
  if (Object.keys(applied).length !== Object.keys(request.filters).length) {
    const known: SearchFilters = {
      ...(applied.section ? { section: applied.section.slug } : {}),
      ...(applied.author ? { author: applied.author.slug } : {}),
      ...(applied.tag ? { tag: applied.tag.slug } : {}),
      ...(applied.from ? { from: applied.from } : {}),
      ...(applied.to ? { to: applied.to } : {}),
    };
    rows = (await pageStatement(db, match, { ...request, filters: known }, now).all<HitRow>()).results;
  }
  const total = rows[0]?.total ?? 0;
  const suggestion = total === 0 && request.page === 1 ? await suggestSpelling(db, request.terms) : null;
  return { hits: rows.map(hitOf), total, applied, suggestion };
}

/**
 * One page of hits with the total, in one statement. Publication time is a rowid range (see
 * search/entries.ts), so FTS5 alone keeps out what is not published yet and walks matches newest
 * first. Relevance ranks (bm25 and the boost) only the newest RANKING_WINDOW matches, plus any older
 * exact-title match: the cost stays bounded however common the words, and a story that old would
 * need a far better match than a newer one to be on the first pages anyway. Snippets are made for
 * the page's rows alone.
 */
function pageStatement(db: D1Database, match: string, request: SearchRequest, now: number): D1PreparedStatement {
  const sql = new Sql();
  const m = sql.bind(match);
  const { section, author, tag, from, to } = request.filters;
  const lo = sql.bind(from ? rowidRange(dayBounds(from).start, 0).lo : Number.MIN_SAFE_INTEGER);
  const hi = sql.bind(rowidRange(0, Math.min(now, to ? dayBounds(to).end : now)).hi);
  const filters: string[] = [];
  if (section) filters.push(`e.section_slug = ${sql.bind(section)}`);
  if (author) filters.push(`e.rowid IN (SELECT entry FROM entry_authors WHERE author_slug = ${sql.bind(author)})`);
  if (tag) filters.push(`e.rowid IN (SELECT entry FROM entry_tags WHERE tag_slug = ${sql.bind(tag)})`);
  const filtered = filters.map((condition) => ` AND ${condition}`).join("");
  // The matches in a rowid range, with the filters. Without filters FTS5 answers alone; with them,
  // CROSS JOIN keeps the full-text match as the outer loop (the planner would otherwise walk the
  // section's index and probe FTS5 once a row).
  const matches = (floor: string) =>
    filters.length
      ? `FROM entries_fts CROSS JOIN entries e ON e.rowid = entries_fts.rowid
         WHERE entries_fts MATCH ${m} AND entries_fts.rowid BETWEEN ${floor} AND ${hi}${filtered}`
      : `FROM entries_fts WHERE entries_fts MATCH ${m} AND entries_fts.rowid BETWEEN ${floor} AND ${hi}`;
  const offset = (request.page - 1) * SEARCH_PAGE_SIZE;
  let page: string;
  if (request.sort === "newest") {
    page = `page AS (SELECT id, row_number() OVER (ORDER BY id DESC) AS position FROM (
        SELECT entries_fts.rowid AS id ${matches(lo)} ORDER BY entries_fts.rowid DESC LIMIT ${SEARCH_PAGE_SIZE} OFFSET ${offset}))`;
  } else {
    const key = sql.bind(titleKey(request.q));
    const bm25 = `bm25(entries_fts, ${WEIGHTS.join(", ")})`;
    const halfLife = sql.bind(RECENCY_HALF_LIFE_MS);
    // The publication time is the rowid's high part: no look-up of `entries` to know a story's age.
    const age = `max(0, ${sql.bind(now)} - entries_fts.rowid / ${ROWID_SLOTS})`;
    // bm25() is negative, better matches more so: boosting multiplies it, and the order is ascending.
    const score = `${bm25} * (1.0 + ${RECENCY_BOOST}.0 * ${halfLife} / (${halfLife} + ${age}))`;
    page = `newest AS (SELECT entries_fts.rowid AS id ${matches(lo)} ORDER BY entries_fts.rowid DESC LIMIT ${RANKING_WINDOW}),
      floor AS (SELECT COALESCE(MIN(id), ${lo}) AS id FROM newest),
      ranked AS (
        SELECT entries_fts.rowid AS id, 0 AS exact, ${score} AS score ${matches("(SELECT id FROM floor)")}
        UNION ALL
        SELECT e.rowid, 1, 0 FROM entries e
        WHERE e.title_key = ${key} AND e.rowid BETWEEN ${lo} AND ${hi}${filtered}
          AND e.rowid IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ${m})),
      best AS (SELECT id, MAX(exact) AS exact, MIN(score) AS score FROM ranked GROUP BY id),
      page AS (SELECT id, row_number() OVER (ORDER BY exact DESC, score, id DESC) AS position FROM best
        ORDER BY position LIMIT ${SEARCH_PAGE_SIZE} OFFSET ${offset})`;
  }
  const open = sql.bind(MARK_OPEN);
  const close = sql.bind(MARK_CLOSE);
  const text = `WITH ${page}
    SELECT e.slug, e.title, e.summary, e.section_slug, e.section_name, e.authors, e.published_at,
      (SELECT COUNT(*) ${matches(lo)}) AS total,
      highlight(entries_fts, 0, ${open}, ${close}) AS title_marked,
      highlight(entries_fts, 1, ${open}, ${close}) AS summary_marked,
      snippet(entries_fts, 2, ${open}, ${close}, '…', ${SNIPPET_TOKENS}) AS body_snippet
    FROM page
    JOIN entries_fts ON entries_fts.rowid = page.id AND entries_fts MATCH ${m}
    JOIN entries e ON e.rowid = page.id
    ORDER BY page.position`;
  return db.prepare(text).bind(...sql.values);
}

interface FilterNames {
  section: string | null;
  author: string | null;
  tag: string | null;
}

/** Reads the names of the section, author and tag a search filters by; null when it names none. */
function filterNamesStatement(db: D1Database, filters: SearchFilters): D1PreparedStatement | null {
  if (!filters.section && !filters.author && !filters.tag) return null;
  return db
    .prepare(
      `SELECT (SELECT section_name FROM entries WHERE section_slug = ?1 LIMIT 1) AS section,
        (SELECT name FROM entry_authors WHERE author_slug = ?2 LIMIT 1) AS author,
        (SELECT name FROM entry_tags WHERE tag_slug = ?3 LIMIT 1) AS tag`,
    )
    .bind(filters.section ?? null, filters.author ?? null, filters.tag ?? null);
}

async function appliedFilters(statement: D1PreparedStatement | null, filters: SearchFilters): Promise<AppliedFilters> {
  return appliedFrom(statement ? ((await statement.first<FilterNames>()) ?? undefined) : undefined, filters);
}

function appliedFrom(names: FilterNames | undefined, filters: SearchFilters): AppliedFilters {
  const applied: AppliedFilters = {};
  for (const kind of ["section", "author", "tag"] as const) {
    const slug = filters[kind];
    const name = names?.[kind];
    if (slug && name != null) applied[kind] = { slug, name };
  }
  if (filters.from) applied.from = filters.from;
  if (filters.to) applied.to = filters.to;
  return applied;
}

function hitOf(row: HitRow): SearchHit {
  const title = segmentsOf(row.title_marked ?? row.title);
  const body = segmentsOf(row.body_snippet ?? "");
  const summary = segmentsOf(row.summary_marked ?? row.summary);
  // The passage that shows why it was found: the body's, unless only the summary matched (or neither).
  const snippet = hasMark(body) ? body : hasMark(summary) || body.length === 0 ? summary : segmentsOf(row.summary);
  return {
    slug: row.slug,
    title: hasMark(title) ? title : [{ text: row.title, mark: false }],
    snippet,
    section: { slug: row.section_slug, name: row.section_name },
    authors: parseAuthors(row.authors),
    publishedAt: row.published_at,
  };
}

function parseAuthors(json: string): Named[] {
  try {
    const authors = JSON.parse(json) as unknown;
    return Array.isArray(authors)
      ? authors.filter((a): a is Named => typeof a?.slug === "string" && typeof a?.name === "string")
      : [];
  } catch {
    return [];
  }
}
