/**
 * @module search/query
 * A reader's search, from the URL's parameters to a safe FTS5 MATCH expression. Pure.
 *
 * Nothing a reader types reaches FTS5's query syntax: the query is cut into words (runs of letters
 * and numbers), and every term is written as an FTS5 string (`"..."`), which FTS5 only ever
 * tokenizes. So `AND`, `NEAR`, `title:`, `*`, `^`, parentheses and stray quotes are just text. Of the
 * syntax, readers get what a search box promises: words are all required, `"double quotes"` make a
 * phrase, and a leading `-` leaves a word out.
 *
 * Filters that cannot be a slug or a date are dropped here; ones that name nothing in the index
 * are dropped by search/search.ts. Neither is an error.
 */
import { SLUG_PATTERN } from "../core/schema";
import { spaceCjk, words } from "./text";

/** Longest query, in characters, and most words, that a search accepts (more is a 400). */
export const MAX_QUERY_CHARS = 200;
export const MAX_QUERY_WORDS = 32;
/** Results on a page. */
export const SEARCH_PAGE_SIZE = 20;
/** The deepest page: past 1,000 results a reader refines the query, and OFFSET grows dear. */
export const MAX_SEARCH_PAGE = 50;
const MAX_SLUG_CHARS = 100;
const DAY_MS = 86_400_000;

/** One thing to look for: a word, or a phrase of words in order. */
export interface QueryTerm {
  /** Folded words (case and accents removed); a phrase has several. */
  words: string[];
  /** Written in double quotes by the reader. */
  quoted: boolean;
  /** Written with a leading `-`: results must not contain it. */
  exclude: boolean;
}

export type SearchSort = "relevance" | "newest";

export interface SearchFilters {
  section?: string;
  author?: string;
  tag?: string;
  /** From the start of this day (UTC), as `YYYY-MM-DD`. */
  from?: string;
  /** To the end of this day (UTC), as `YYYY-MM-DD`. */
  to?: string;
}

export interface SearchRequest {
  /** The query as the search box shows it again: cleaned of control characters, trimmed. */
  q: string;
  terms: QueryTerm[];
  filters: SearchFilters;
  sort: SearchSort;
  page: number;
}

export type ParsedSearch = { ok: true; request: SearchRequest } | { ok: false; q: string; problem: string };

/** How a query with no words, or none at all, parses: the empty search page. */
export const EMPTY_SEARCH: SearchRequest = { q: "", terms: [], filters: {}, sort: "relevance", page: 1 };

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROLS = /[\u0000-\u001F\u007F-\u009F\uE000-\uF8FF\u200B]/g;
const QUOTES = /["“”„«»]/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Reads a search from the URL's parameters. Unknown or malformed filters are left out; only a query
 * that is too long is refused.
 * @example parseSearch(new URLSearchParams('q=budget "prime minister" -sport&sort=newest'))
 * // { ok: true, request: { q: 'budget "prime minister" -sport', terms: [budget, "prime minister", -sport], sort: "newest", ... } }
 */
export function parseSearch(params: URLSearchParams): ParsedSearch {
  const q = cleanQuery(params.get("q") ?? "");
  const length = [...q].length;
  if (length > MAX_QUERY_CHARS) {
    return { ok: false, q, problem: `The search is ${length} characters long; the most it can be is ${MAX_QUERY_CHARS}.` };
  }
  const count = q === "" ? 0 : q.split(" ").length;
  if (count > MAX_QUERY_WORDS) {
    return { ok: false, q, problem: `The search has ${count} words; the most it can have is ${MAX_QUERY_WORDS}.` };
  }
  const filters: SearchFilters = {};
  for (const name of ["section", "author", "tag"] as const) {
    const value = params.get(name);
    if (value && value.length <= MAX_SLUG_CHARS && SLUG_PATTERN.test(value)) filters[name] = value;
  }
  let from = dayOf(params.get("from"));
  let to = dayOf(params.get("to"));
  if (from && to && from > to) [from, to] = [to, from];
  if (from) filters.from = from;
  if (to) filters.to = to;
  const page = Number(params.get("page"));
  return {
    ok: true,
    request: {
      q,
      terms: termsOf(q),
      filters,
      sort: params.get("sort") === "newest" ? "newest" : "relevance",
      page: Number.isInteger(page) && page >= 1 && page <= MAX_SEARCH_PAGE ? page : 1,
    },
  };
}

/** The query as typed, made safe to keep and show: well-formed, NFKC, no control characters, single spaces. */
export function cleanQuery(raw: string): string {
  return raw.toWellFormed().normalize("NFKC").replace(CONTROLS, " ").replace(/\s+/g, " ").trim();
}

/** Splits a cleaned query into terms: quoted phrases, `-`excluded words, and words. */
export function termsOf(q: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  const add = (text: string, quoted: boolean, exclude: boolean) => {
    const found = words(text);
    const key = `${exclude ? "-" : ""}${found.join(" ")}`;
    if (found.length === 0 || seen.has(key)) return;
    seen.add(key);
    terms.push({ words: found, quoted, exclude });
  };
  // Between quotes (the odd parts) is a phrase; a quote left open runs to the end.
  const parts = q.split(QUOTES);
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      add(part, true, /(?:^|\s)-$/.test(parts[i - 1] ?? ""));
      return;
    }
    for (const token of part.split(" ")) {
      const exclude = token.length > 1 && token.startsWith("-");
      add(exclude ? token.slice(1) : token, false, exclude);
    }
  });
  return terms;
}

/**
 * One term as an FTS5 string: its words, CJK characters set apart, in double quotes (any `"`
 * doubled, though words never hold one). FTS5 reads a string as a phrase of the tokens in it.
 */
export function ftsString(term: QueryTerm): string {
  return `"${spaceCjk(term.words.join(" ")).replaceAll('"', '""')}"`;
}

/**
 * The FTS5 MATCH expression for a search's terms, or null when nothing is to be found (no words, or
 * only excluded ones).
 * @example matchExpression(termsOf('tax "prime minister" -sport')) // '("tax" "prime minister") NOT ("sport")'
 */
export function matchExpression(terms: readonly QueryTerm[]): string | null {
  const wanted = terms.filter((term) => !term.exclude).map(ftsString);
  if (wanted.length === 0) return null;
  const unwanted = terms.filter((term) => term.exclude).map(ftsString);
  const all = wanted.join(" ");
  return unwanted.length ? `(${all}) NOT (${unwanted.join(" OR ")})` : all;
}

/**
 * A search's parameters in one order, without defaults: the cache key, and the links to other
 * pages of the same search.
 */
export function searchParamsOf(request: SearchRequest, page = request.page): URLSearchParams {
  const params = new URLSearchParams();
  if (request.q) params.set("q", request.q);
  for (const name of ["section", "author", "tag", "from", "to"] as const) {
    const value = request.filters[name];
    if (value) params.set(name, value);
  }
  if (request.sort !== "relevance") params.set("sort", request.sort);
  if (page > 1) params.set("page", String(page));
  params.sort();
  return params;
}

/** A filter's day as milliseconds: its start, or (`end`) its last millisecond. */
export function dayBounds(day: string): { start: number; end: number } {
  const start = Date.parse(`${day}T00:00:00Z`);
  return { start, end: start + DAY_MS - 1 };
}

/** A `YYYY-MM-DD` that names a real day, or undefined. */
function dayOf(value: string | null): string | undefined {
  const match = value ? DATE.exec(value) : null;
  if (!match || !value) return undefined;
  const time = Date.parse(`${value}T00:00:00Z`);
  // Date.parse rolls 2025-02-31 over into March: only a day that reads back the same is real.
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value ? value : undefined;
}
