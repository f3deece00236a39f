/**
 * @module reader/search
 * Readers' search: the page at /search, the same results as JSON at /search.json, and the OpenSearch
 * description at /opensearch.xml. Results read the search database (binding SEARCH), never the
 * editorial one.
 *
 * Cost is bounded three ways: a result page is cached at the edge for SEARCH_TTL_SECONDS under the
 * `search` tag (which the pipeline purges when the index changes); a miss is rate-limited per client
 * (SEARCH_LIMITER, keyed by CF-Connecting-IP); and the query's size is capped (search/query.ts).
 * Any query gives a page: results, none, a 400 for an over-long one, or a 429.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { notModified, strongEtag } from "../cache/conditional";
import { NO_STORE, publicCacheHeaders } from "../cache/policy";
import { absoluteUrl } from "../core/config";
import { getNavigation } from "../readmodel/store";
import type { NavSection } from "../render/layout";
import { openSearchDescription, renderSearchPage } from "../render/search";
import { EMPTY_SEARCH, parseSearch, SEARCH_PAGE_SIZE, type SearchRequest, searchParamsOf } from "../search/query";
import { type SearchResults, search } from "../search/search";
import { htmlOf, plainOf } from "../search/snippet";
import {
  articlePath,
  authorPath,
  OPENSEARCH_PATH,
  SEARCH_JSON_PATH,
  SEARCH_PATH,
  sectionPath,
  TAGS,
} from "../targets/document-name";
import type { ReaderAppEnv } from "./app-env";
import { readerSecureHeaders } from "./public";
import { readerSetup } from "./setup";

/** Seconds the edge keeps a result page; publishing purges it sooner. */
export const SEARCH_TTL_SECONDS = 60;
/** What a client over the rate limit is told to wait: the limiter's period. */
export const RETRY_AFTER_SECONDS = 60;
const HTML = "text/html; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";

type Format = "html" | "json";

/** The URL of a search's page `page`: its parameters in one order, so equal searches share a cache entry. */
function searchPath(request: SearchRequest, page = request.page, path = SEARCH_PATH): string {
  const query = searchParamsOf(request, page).toString();
  return query ? `${path}?${query}` : path;
}

/** What the page needs besides the search and its results: paths to other pages of it. */
const pagePaths = (request: SearchRequest) => ({
  pageSize: SEARCH_PAGE_SIZE,
  pagePath: (page: number) => searchPath(request, page),
  queryPath: (q: string) => searchPath({ ...request, q, page: 1 }),
});

export const searchRoutes = new Hono<ReaderAppEnv>();
// Middleware on these paths only: this app is mounted at "/", in front of the public routes.
for (const path of [SEARCH_PATH, SEARCH_JSON_PATH, OPENSEARCH_PATH]) {
  searchRoutes.use(path, readerSecureHeaders(), readerSetup({ readCacheTtl: SEARCH_TTL_SECONDS }));
}
searchRoutes
  .get(SEARCH_PATH, (c) => searchResponse(c, "html"))
  .get(SEARCH_JSON_PATH, (c) => searchResponse(c, "json"))
  .get(OPENSEARCH_PATH, (c) =>
    serve(c, c.req.raw, async () => ({
      body: openSearchDescription(c.var.site),
      contentType: "application/opensearchdescription+xml; charset=utf-8",
      status: 200,
    })),
  );

interface Rendered {
  body: string;
  contentType: string;
  status: 200 | 400 | 429 | 503;
}

async function searchResponse(c: Context<ReaderAppEnv>, format: Format): Promise<Response> {
  const parsed = parseSearch(new URL(c.req.url).searchParams);
  if (!parsed.ok) {
    // Refused before any cost: no cache entry, no count against the limit.
    const request = { ...EMPTY_SEARCH, q: parsed.q };
    const body =
      format === "json"
        ? JSON.stringify({ error: parsed.problem, details: [{ field: "q", problem: parsed.problem }] })
        : await renderSearchPage(c.var.site, {
            search: request,
            ...pagePaths(request),
            problem: parsed.problem,
            nav: await navigation(c),
          });
    return c.body(body, 400, { "Content-Type": format === "json" ? JSON_TYPE : HTML, "Cache-Control": NO_STORE });
  }
  const { request } = parsed;
  // Keyed by the search's canonical URL, so the same search in another order or with stray
  // parameters shares one entry.
  const key = new Request(absoluteUrl(c.var.site, searchPath(request, request.page, c.req.path)), c.req.raw);
  return serve(c, key, () => renderSearch(c, request, format));
}

async function renderSearch(c: Context<ReaderAppEnv>, request: SearchRequest, format: Format): Promise<Rendered> {
  let results: SearchResults | undefined;
  if (request.terms.length) {
    // Only a search that reaches D1 counts against the limit: cache hits never get here.
    const limited = await overLimit(c);
    if (limited) return limited(format);
    try {
      results = await search(c.env.SEARCH, request, c.var.clock.now());
    } catch (error) {
      console.error(`search for ${JSON.stringify(request.q)} failed:`, error);
      return unavailable(format);
    }
  }
  if (format === "json") return { body: JSON.stringify(searchJson(c, request, results)), contentType: JSON_TYPE, status: 200 };
  return {
    body: await renderSearchPage(c.var.site, {
      search: request,
      ...pagePaths(request),
      ...(results ? { results } : {}),
      nav: await navigation(c),
    }),
    contentType: HTML,
    status: 200,
  };
}

/** The client's count against SEARCH_LIMITER: a 429 to answer with when it is over, else null. */
async function overLimit(c: Context<ReaderAppEnv>): Promise<((format: Format) => Rendered) | null> {
  const key = c.req.header("CF-Connecting-IP") ?? "unknown";
  try {
    const { success } = await c.env.SEARCH_LIMITER.limit({ key });
    if (success) return null;
  } catch (error) {
    // The limiter protects D1's bill; when it fails, searches go on rather than fail.
    console.error("search rate limiter failed:", error);
    return null;
  }
  const problem = `Too many searches from your address: wait ${RETRY_AFTER_SECONDS} seconds and try again.`;
  return (format) => refusal(c, format, 429, problem);
}

function unavailable(format: Format): Rendered {
  const problem = "Search is unavailable just now; try again in a minute.";
  return format === "json"
    ? { body: JSON.stringify({ error: problem, details: [] }), contentType: JSON_TYPE, status: 503 }
    : { body: String(html`<!doctype html><title>Search unavailable</title><p>${problem}</p>`), contentType: HTML, status: 503 };
}

function refusal(c: Context<ReaderAppEnv>, format: Format, status: 429, problem: string): Rendered {
  if (format === "json") return { body: JSON.stringify({ error: problem, details: [] }), contentType: JSON_TYPE, status };
  // A plain page: rendering the full one would read KV for the navigation, the cost being limited.
  const body = html`<!doctype html><html lang="${c.var.site.language}"><title>Too many searches</title><h1>Too many searches</h1><p>${problem}</p></html>`;
  return { body: String(body), contentType: HTML, status };
}

/** The site's sections, from the navigation document the pipeline wrote from D1 (one KV read). */
async function navigation(c: Context<ReaderAppEnv>): Promise<NavSection[]> {
  return getNavigation(c.var.store);
}

/** The JSON answer: what the page shows, with absolute URLs, and each snippet as text and as HTML. */
function searchJson(c: Context<ReaderAppEnv>, request: SearchRequest, results: SearchResults | undefined) {
  const site = c.var.site;
  const url = (page: number) => absoluteUrl(site, searchPath(request, page, SEARCH_JSON_PATH));
  const total = results?.total ?? 0;
  const hasMore = request.page * SEARCH_PAGE_SIZE < total;
  return {
    query: request.q,
    page: request.page,
    per_page: SEARCH_PAGE_SIZE,
    total,
    sort: request.sort,
    filters: results?.applied ?? {},
    suggestion: results?.suggestion ?? null,
    next: hasMore ? url(request.page + 1) : null,
    previous: request.page > 1 ? url(request.page - 1) : null,
    results: (results?.hits ?? []).map((hit) => ({
      url: absoluteUrl(site, articlePath(hit.slug)),
      slug: hit.slug,
      title: plainOf(hit.title),
      title_html: htmlOf(hit.title),
      snippet: plainOf(hit.snippet),
      snippet_html: htmlOf(hit.snippet),
      published: new Date(hit.publishedAt).toISOString(),
      section: { ...hit.section, url: absoluteUrl(site, sectionPath(hit.section.slug)) },
      authors: hit.authors.map((author) => ({ ...author, url: absoluteUrl(site, authorPath(author.slug)) })),
    })),
  };
}

/** Renders through the edge cache under the `search` tag, then answers a conditional request. */
async function serve(c: Context<ReaderAppEnv>, key: Request, render: () => Promise<Rendered>): Promise<Response> {
  const response = await c.var.cache.serve(key, async () => {
    const rendered = await render();
    const now = c.var.clock.now();
    const cacheable = rendered.status === 200;
    const headers = new Headers({
      "Content-Type": rendered.contentType,
      ...(cacheable ? publicCacheHeaders({ now, expiresAt: now + SEARCH_TTL_SECONDS * 1000 }) : { "Cache-Control": NO_STORE }),
      "Cache-Tag": TAGS.search,
      ETag: await strongEtag(rendered.body),
      // Result pages are for readers; search engines index the articles themselves.
      "X-Robots-Tag": "noindex",
    });
    if (rendered.status === 429 || rendered.status === 503) headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
    return new Response(rendered.body, { status: rendered.status, headers });
  });
  return notModified(c.req.raw, response) ?? response;
}
