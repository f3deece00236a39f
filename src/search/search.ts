/**
 * @module search/search
 * Reads the search index: one page of results for a parsed search, with the matched words marked,
 * the names of the filters that apply, and a spelling suggestion when nothing was found.
 *
 * Relevance is FTS5's BM25 (title weighted above summary, byline and body), scaled by a recency
 * boost that halves over RECENCY_HALF_LIFE_MS, so last week's story beats a five-year-old one that
 * matches as well; an article whose whole title is the query comes first. The common search costs
 * one D1 round trip: the filters' names and the page are read in one batch. The statements are
 * data/search.ts's.
 */

export { RANKING_WINDOW, RECENCY_HALF_LIFE_MS } from "../data/search";

import {
  type FilterNames,
  filterNamesStatement,
  type HitRow,
  type PageQuery,
  pageStatement,
  readFilterNames,
  readHits,
  rowidRange,
  searchBatch,
} from "../data/search";
import type { Named } from "./entries";
import { dayBounds, matchExpression, SEARCH_PAGE_SIZE, type SearchFilters, type SearchRequest } from "./query";
import { hasMark, type Segment, segmentsOf } from "./snippet";
import { suggestSpelling } from "./suggest";
import { MARK_CLOSE, MARK_OPEN, titleKey } from "./text";

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

/** Reads one page of results for `request`, as of `now` (nothing published after it is found). */
export async function search(db: D1Database, request: SearchRequest, now: number): Promise<SearchResults> {
  const match = matchExpression(request.terms);
  const names = hasNamedFilters(request.filters) ? filterNamesStatement(db, request.filters) : null;
  if (match === null)
    return {
      hits: [],
      total: 0,
      applied: appliedFrom(names ? await readFilterNames(names) : undefined, request.filters),
      suggestion: null,
    };
  const first = await searchBatch(db, names, pageStatement(db, pageQuery(match, request, now)));
  const applied = appliedFrom(first.names, request.filters);
  let rows = first.hits;
  // A filter that names nothing in the index is ignored: read the page again without it.
  if (Object.keys(applied).length !== Object.keys(request.filters).length) {
    const known: SearchFilters = {
      ...(applied.section ? { section: applied.section.slug } : {}),
      ...(applied.author ? { author: applied.author.slug } : {}),
      ...(applied.tag ? { tag: applied.tag.slug } : {}),
      ...(applied.from ? { from: applied.from } : {}),
      ...(applied.to ? { to: applied.to } : {}),
    };
    rows = await readHits(pageStatement(db, pageQuery(match, { ...request, filters: known }, now)));
  }
  const total = rows[0]?.total ?? 0;
  const suggestion = total === 0 && request.page === 1 ? await suggestSpelling(db, request.terms) : null;
  return { hits: rows.map(hitOf), total, applied, suggestion };
}

/** What one page of `request` asks of the index (data/search.ts `pageStatement` says how it is read). */
function pageQuery(match: string, request: SearchRequest, now: number): PageQuery {
  const { section, author, tag, from, to } = request.filters;
  return {
    match,
    lo: from ? rowidRange(dayBounds(from).start, 0).lo : Number.MIN_SAFE_INTEGER,
    hi: rowidRange(0, Math.min(now, to ? dayBounds(to).end : now)).hi,
    section,
    author,
    tag,
    sort: request.sort === "newest" ? "newest" : "relevance",
    titleKey: titleKey(request.q),
    now,
    offset: (request.page - 1) * SEARCH_PAGE_SIZE,
    pageSize: SEARCH_PAGE_SIZE,
    open: MARK_OPEN,
    close: MARK_CLOSE,
  };
}

const hasNamedFilters = (filters: SearchFilters): boolean => Boolean(filters.section || filters.author || filters.tag);

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
