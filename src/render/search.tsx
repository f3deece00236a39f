/**
 * @module render/search
 * The search page (the form, a page of results, the pager), the page that refuses an over-long
 * search, and the OpenSearch description. Matched words arrive as runs of marked text:
 * hono/jsx escapes their text, and only the `<mark>` around a match is markup.
 */
import { absoluteUrl, type Site } from "../core/config";
import { displayDate } from "../core/dates";
import { type XmlFragment, xml } from "../core/escape";
import { articlePath, authorPath, OPENSEARCH_PATH, SEARCH_JSON_PATH, SEARCH_PATH, sectionPath } from "../targets/document-name";
import { Layout, type NavSection, toDocument } from "./layout";

export { OPENSEARCH_PATH, SEARCH_JSON_PATH, SEARCH_PATH } from "../targets/document-name";

/** Text with its matched words marked, in runs (search/snippet.ts makes them). */
export interface MarkedText {
  text: string;
  mark: boolean;
}

interface Named {
  slug: string;
  name: string;
}

/** The search as the form shows it again. */
export interface SearchFormView {
  q: string;
  filters: { section?: string; from?: string; to?: string };
  sort: "relevance" | "newest";
  page: number;
}

/** One page of results, as search/search.ts reads them. */
export interface SearchResultsView {
  hits: Array<{
    slug: string;
    title: MarkedText[];
    snippet: MarkedText[];
    section: Named;
    authors: Named[];
    publishedAt: number;
  }>;
  total: number;
  /** The filters that were applied, by name; author and tag ride along in the form, hidden. */
  applied: { section?: Named; author?: Named; tag?: Named; from?: string; to?: string };
  suggestion: string | null;
}

export interface SearchPageModel {
  search: SearchFormView;
  /** Undefined for the empty page: no words to look for yet. */
  results?: SearchResultsView;
  /** Why the search was refused (too long), shown instead of results. */
  problem?: string;
  nav: NavSection[];
  pageSize: number;
  /** The URL of this search's page `page`, and of the same search for other words. */
  pagePath: (page: number) => string;
  queryPath: (q: string) => string;
}

/** A search page: the form always, with results, a refusal, or neither. */
export function renderSearchPage(site: Site, model: SearchPageModel): Promise<string> {
  const { search: request, results, problem } = model;
  const heading = problem ? "Search not possible" : request.q ? `Search results for “${request.q}”` : "Search";
  return toDocument(
    <Layout
      site={site}
      nav={model.nav}
      meta={{
        title: request.q ? `${request.q} · Search` : "Search",
        description: `Search the articles of ${site.title}.`,
        path: SEARCH_PATH,
        type: "website",
        // Result pages are for readers: search engines index the articles themselves.
        noindex: true,
      }}
    >
      <h1>{heading}</h1>
      <SearchForm request={request} nav={model.nav} applied={results?.applied ?? {}} />
      {problem ? (
        <p role="alert">{problem} Shorten it and search again.</p>
      ) : results ? (
        <Results site={site} model={model} results={results} />
      ) : null}
    </Layout>,
  );
}

function SearchForm(props: { request: SearchFormView; nav: NavSection[]; applied: SearchResultsView["applied"] }) {
  const { request, applied } = props;
  const section = request.filters.section;
  return (
    <search aria-label="Search the articles">
      <form class="search-page" action={SEARCH_PATH} method="get">
        <label class="query">
          Search for
          <input type="search" name="q" value={request.q} />
        </label>
        <label>
          Section
          <select name="section">
            <option value="">All sections</option>
            {props.nav.map((item) => (
              <option value={item.slug} selected={item.slug === section}>
                {item.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" value={request.filters.from ?? ""} />
        </label>
        <label>
          To
          <input type="date" name="to" value={request.filters.to ?? ""} />
        </label>
        <label>
          Sort by
          <select name="sort">
            <option value="relevance" selected={request.sort === "relevance"}>
              Relevance
            </option>
            <option value="newest" selected={request.sort === "newest"}>
              Newest first
            </option>
          </select>
        </label>
        {applied.author ? <input type="hidden" name="author" value={applied.author.slug} /> : null}
        {applied.tag ? <input type="hidden" name="tag" value={applied.tag.slug} /> : null}
        <button type="submit">Search</button>
      </form>
    </search>
  );
}

function Results(props: { site: Site; model: SearchPageModel; results: SearchResultsView }) {
  const { site, model, results } = props;
  const request = model.search;
  const { applied } = results;
  const first = (request.page - 1) * model.pageSize + 1;
  const last = first + results.hits.length - 1;
  const narrowed = [
    applied.section ? `in ${applied.section.name}` : "",
    applied.author ? `by ${applied.author.name}` : "",
    applied.tag ? `tagged ${applied.tag.name}` : "",
    applied.from ? `from ${applied.from}` : "",
    applied.to ? `to ${applied.to}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  if (results.hits.length === 0) {
    return (
      <>
        <p>
          {request.page > 1 ? "There are no more results" : `No articles match “${request.q}”`}
          {narrowed ? ` ${narrowed}` : ""}.
        </p>
        {results.suggestion ? (
          <p>
            Did you mean <a href={model.queryPath(results.suggestion)}>{results.suggestion}</a>?
          </p>
        ) : null}
        <p>Try fewer or different words, or remove a filter.</p>
      </>
    );
  }
  const count = results.total === 1 ? "1 result" : `${results.total.toLocaleString("en")} results`;
  return (
    <>
      <p class="search-summary">
        {results.total > results.hits.length ? `${first}–${last} of ${count}` : count}
        {narrowed ? ` ${narrowed}` : ""}
      </p>
      <ol class="articles">
        {results.hits.map((hit) => (
          <li>
            <Hit site={site} hit={hit} />
          </li>
        ))}
      </ol>
      {request.page > 1 || last < results.total ? (
        <nav class="pager" aria-label="Result pages">
          {request.page > 1 ? (
            <a href={model.pagePath(request.page - 1)} rel="prev">
              ← Previous results
            </a>
          ) : (
            <span />
          )}
          {last < results.total ? (
            <a href={model.pagePath(request.page + 1)} rel="next">
              More results →
            </a>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}

function Hit(props: { site: Site; hit: SearchResultsView["hits"][number] }) {
  const { site, hit } = props;
  const iso = new Date(hit.publishedAt).toISOString();
  return (
    <article>
      <p class="kicker">
        <a href={sectionPath(hit.section.slug)}>{hit.section.name}</a>
      </p>
      <h2>
        <a href={articlePath(hit.slug)}>
          <Marked segments={hit.title} />
        </a>
      </h2>
      <p class="meta">
        <span>
          <time datetime={iso}>{displayDate(iso, site.language)}</time>
        </span>
        {hit.authors.length ? (
          <span>
            {hit.authors.map((author, i) => (
              <>
                {i > 0 ? ", " : ""}
                <a href={authorPath(author.slug)}>{author.name}</a>
              </>
            ))}
          </span>
        ) : null}
      </p>
      <p>
        <Marked segments={hit.snippet} />
      </p>
    </article>
  );
}

/** Text with its matches in `<mark>`; hono/jsx escapes every segment's text. */
function Marked(props: { segments: MarkedText[] }) {
  return <>{props.segments.map((segment) => (segment.mark ? <mark>{segment.text}</mark> : segment.text))}</>;
}

/**
 * The OpenSearch 1.1 description that lets browsers add the site's search
 * (https://github.com/dewitt/opensearch/blob/master/opensearch-1-1-draft-6.md).
 */
export function openSearchDescription(site: Site): string {
  // OpenSearch 1.1: ShortName is at most 16 characters.
  const shortName = [...site.title].slice(0, 16).join("");
  const template = (path: string) => `${absoluteUrl(site, path)}?q={searchTerms}`;
  const document: XmlFragment = xml`<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>${shortName}</ShortName>
  <Description>${`Search the articles of ${site.title}`}</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Image width="16" height="16" type="image/svg+xml">${absoluteUrl(site, "/favicon.svg")}</Image>
  <Url type="text/html" method="get" template="${template(SEARCH_PATH)}"/>
  <Url type="application/json" method="get" template="${template(SEARCH_JSON_PATH)}"/>
  <Url type="application/opensearchdescription+xml" rel="self" template="${absoluteUrl(site, OPENSEARCH_PATH)}"/>
</OpenSearchDescription>
`;
  return document.value;
}
