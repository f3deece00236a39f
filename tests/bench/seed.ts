/**
 * @module bench/seed
 * Fills D1, and through the Workers the KV read model. The small dataset and the timed saves go the
 * way editors do: articles PUT through the editors' API (the reader hands /api to the newsroom),
 * whose outbox the newsroom sends to the queue, so every key and row is the app's own layout by
 * construction. The large dataset is INSERTed into D1 with SQL, from rows the app's own
 * `buildArticle` makes, with the taxonomy and the listings a publish would have left; the pipeline
 * then builds the read model from it (bench/pipeline.ts).
 */
import { readdir, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { absoluteUrl, type Site } from "../../src/core/config";
import type { ArticleInput } from "../../src/core/schema";
import { parseArticleJson } from "../../src/core/source";
import { taxonomySlug } from "../../src/core/taxonomy";
import { buildArticle } from "../../src/editorial/article";
import { LISTING_SITEMAPS } from "../../src/feeds/sitemap";
import { loadNav } from "../../src/pipeline/listing-builders";
import {
  archiveTarget,
  formatTarget,
  listingTarget,
  NEWS_SITEMAP,
  SITEMAP_INDEX,
  sitemapMonth,
  sitemapMonthTarget,
} from "../../src/targets/build-target";
import { articlePath } from "../../src/targets/document-name";
import { listingsFor } from "../../src/targets/listings";
import { ROOT } from "./config";
import { EDITOR_TOKEN } from "./runtime";

// The body is the site's own article text, enough of it for a realistic 600–900 word article.
const MIN_WORDS = 600;
const PUT_CONCURRENCY = 8;
const POLL_MS = 100;
const HOUR = 3_600_000;
const EDITOR_HEADERS = { Authorization: `Bearer ${EDITOR_TOKEN}` };

export interface Template {
  input: ArticleInput;
  words: number;
}

/**
 * One article input: fixed fields, and a body made of the Markdown bodies in `articles/` (in name
 * order) until it reaches MIN_WORDS. Only the bodies are reused, so an article file whose
 * frontmatter is being edited cannot break the benchmark.
 */
export async function articleTemplate(): Promise<Template> {
  const directory = resolve(ROOT, "articles");
  const bodies: string[] = [];
  let words = 0;
  for (const file of (await readdir(directory)).filter((name) => name.endsWith(".md")).sort()) {
    const body = markdownBody(await readFile(resolve(directory, file), "utf8"));
    bodies.push(body);
    words += countWords(body);
    if (words >= MIN_WORDS) break;
  }
  const parsed = parseArticleJson({
    title: "A benchmark article about publishing at the edge",
    published: "2026-01-01T09:00:00Z",
    category: "Benchmark",
    authors: ["The Broadsheet team"],
    tags: ["benchmark", "publishing"],
    body: bodies.join("\n\n"),
  });
  if (!parsed.ok) throw new Error(`the benchmark article does not validate: ${JSON.stringify(parsed.problems)}`);
  return { input: parsed.value, words: countWords(parsed.value.body) };
}

/** The Markdown after the frontmatter block (a first line of ---, then up to the next --- line). */
function markdownBody(source: string): string {
  const lines = source.split("\n");
  if (lines[0]?.trim() !== "---") return source;
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === "---");
  return end === -1
    ? source
    : lines
        .slice(end + 1)
        .join("\n")
        .trim();
}

const countWords = (text: string): number => text.split(/\s+/).filter(Boolean).length;

export function slugFor(index: number): string {
  return `bench-article-${String(index + 1).padStart(5, "0")}`;
}

/** The migrations of the editorial database and of the search index. */
export const EDITORIAL_MIGRATIONS = "src/db/migrations";
export const SEARCH_MIGRATIONS = "src/search/migrations";

/** Applies both Workers' D1 migrations, as `npm start` does, to fresh databases. */
export async function applyAllMigrations(runtime: { db: D1Database; search: D1Database }): Promise<void> {
  await applyMigrations(runtime.db);
  await applyMigrations(runtime.search, SEARCH_MIGRATIONS);
}

/** Applies every migration in `folder` (default: the editorial database's), in name order, to a fresh D1 database. */
export async function applyMigrations(db: D1Database, folder = EDITORIAL_MIGRATIONS): Promise<void> {
  const directory = resolve(ROOT, folder);
  for (const file of (await readdir(directory)).filter((name) => name.endsWith(".sql")).sort()) {
    const sql = await readFile(resolve(directory, file), "utf8");
    const statements = sql
      .split("\n")
      .filter((line) => !line.trim().startsWith("--"))
      .join("\n")
      .split(/;\s*$/m)
      .map((statement) => statement.trim())
      .filter(Boolean);
    for (const statement of statements) await db.prepare(statement).run();
  }
}

/** The article input for index `i`: one hour apart, all in the past, index 0 the newest; in `category`, or the template's. */
export function articleInput(template: Template, i: number, now: number, category?: string): ArticleInput {
  return {
    ...template.input,
    title: `${template.input.title} (${i + 1})`,
    published: new Date(now - (i + 1) * HOUR).toISOString(),
    ...(category === undefined ? {} : { category }),
  };
}

export interface PublishResult {
  count: number;
  /** Seconds for all the PUTs to be answered. */
  putSeconds: number;
  /** Seconds from the first PUT until the home page and its feeds list the newest article; null if not within LISTINGS_TIMEOUT_SECONDS. */
  totalSeconds: number | null;
}

/**
 * Publishes `count` articles through the editors' API, as `npm run publish` does (one PUT each,
 * `If-None-Match: *`), oldest first so the last PUT is the newest article; then waits until the home
 * page and its feeds (read past the cache) list that newest article.
 */
export async function publishArticles(
  app: URL,
  template: Template,
  count: number,
  progress: (line: string) => void,
  concurrency = PUT_CONCURRENCY,
): Promise<PublishResult> {
  const now = Date.now();
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let next = count - 1;
  let done = 0;
  let reported = 0;
  const worker = async () => {
    while (next >= 0) {
      const i = next--;
      const response = await fetch(new URL(`/api/articles/${slugFor(i)}`, app), {
        method: "PUT",
        headers: { ...EDITOR_HEADERS, "If-None-Match": "*", "Content-Type": "application/json" },
        body: JSON.stringify(articleInput(template, i, now)),
      });
      const text = await response.text();
      if (response.status !== 201) throw new Error(`PUT ${slugFor(i)} answered ${response.status}: ${text.slice(0, 300)}`);
      done++;
      if (count >= 1000 && done - reported >= count / 10) {
        reported = done;
        progress(`  published ${done}/${count} articles (${elapsed().toFixed(1)} s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const putSeconds = elapsed();
  const listed = await waitForListings(app, slugFor(0), LISTINGS_TIMEOUT_SECONDS);
  return { count, putSeconds, totalSeconds: listed ? elapsed() : null };
}

/** The home page and its three feeds: what "the listings show it" means for a new article. */
export const HOME_LISTINGS = ["/", "/feed.json", "/rss.xml", "/atom.xml"] as const;
/** How long the benchmark waits for the pipeline before it reports that it did not get there. */
export const LISTINGS_TIMEOUT_SECONDS = 300;

/**
 * Polls the home page and its feeds, past the cache, until all list `slug`; no cron is run, so
 * only the queue can get them there. Resolves false if they did not within `timeoutSeconds`.
 */
export async function waitForListings(app: URL, slug: string, timeoutSeconds: number): Promise<boolean> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  while (performance.now() < deadline) {
    const pages = await Promise.all(
      HOME_LISTINGS.map(async (path) => {
        const response = await fetch(new URL(path, app), { headers: { Authorization: "Bearer x" } });
        return response.ok ? response.text() : "";
      }),
    );
    if (pages.every((page) => page.includes(slug))) return true;
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
  return false;
}

export interface SqlSeedResult {
  count: number;
  /** Seconds to build every row in Node with buildArticle. */
  buildSeconds: number;
  /** Seconds of INSERT batches into D1. */
  insertSeconds: number;
  /** Listings (D1's `listings`) a publish of these articles would have left. */
  listings: number;
}

/** The large dataset's sections, in their navigation order: the navigation change reorders them. */
export const LARGE_SECTIONS = ["Benchmark", "World", "Business"] as const;

// Rows per D1 batch (one transaction), and rows per INSERT statement in it. Binding values through
// Miniflare's proxy costs a round trip per statement and D1 allows 100 bound values a statement, so
// each statement binds one JSON array of rows and reads them back with json_each.
const INSERT_BATCH = 500;
const ROWS_PER_STATEMENT = 25;
const VALUE_COLUMNS = [
  "id",
  "slug",
  "feed_id",
  "version",
  "write_id",
  "title",
  "section_slug",
  "published_at",
  "modified_at",
  "input",
  "record",
  "entry",
  "rss_item",
  "atom_item",
  "json_item",
  "created_at",
  "created_by",
  "changed_at",
  "changed_by",
] as const;
/** The INSERT for `columns`, each row a JSON array of their values in that order. */
const insertArticles = (columns: readonly string[]): string =>
  `INSERT INTO articles (${columns.join(", ")}, revision, draft, index_keys)
   SELECT ${columns.map((_, i) => `value ->> ${i}`).join(", ")}, 1, 0, '[]' FROM json_each(?)`;
/** An article's tags or authors, each row a JSON array [article id, slug, position]. */
const insertLinks = (table: "article_tags" | "article_authors", column: "tag_slug" | "author_slug"): string =>
  `INSERT INTO ${table} (article_id, ${column}, position) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)`;

/**
 * Seeds `count` articles straight into D1 with SQL, far faster than the API's PUTs: each row is
 * built in Node by the app's own `buildArticle` (the same record, list entry and feed items a PUT
 * stores) and INSERTed in batches, mirroring the migrations' columns. Article `i` is in section
 * LARGE_SECTIONS[i % 3], with the template's tags and author, linked as a PUT links them. The
 * listings are those a publish of each article names (src/editorial/publishing.ts `workFor`): the
 * home page, its section, tags and authors and their archives, the sitemap index, its month, the
 * listing sitemaps and the news sitemap. `navigation_built` records the navigation these rows give, so the
 * first build does not start a second rebuild for it. Nothing is built here: see bench/pipeline.ts.
 * Not written: revisions (the read paths never read them).
 */
export async function seedArticlesWithSql(
  db: D1Database,
  site: Site,
  template: Template,
  count: number,
  progress: (line: string) => void,
): Promise<SqlSeedResult> {
  const now = Date.now();
  const editor = "bench";
  let buildSeconds = 0;
  let insertSeconds = 0;
  const listings = new Set<string>();
  const names = { tags: new Map<string, string>(), authors: new Map<string, string>() };
  const insertSql = insertArticles(VALUE_COLUMNS);
  for (let first = 0; first < count; first += INSERT_BATCH) {
    const buildStarted = performance.now();
    const rows: unknown[][] = [];
    const tagLinks: unknown[][] = [];
    const authorLinks: unknown[][] = [];
    for (let i = first; i < Math.min(count, first + INSERT_BATCH); i++) {
      const slug = slugFor(i);
      const input = articleInput(template, i, now, LARGE_SECTIONS[i % LARGE_SECTIONS.length]);
      const feedId = absoluteUrl(site, articlePath(slug));
      const built = await buildArticle(slug, input, { site, now, feedId });
      if (!built.ok) throw new Error(`${slug} does not build: ${JSON.stringify(built.problems)}`);
      const { article, entry, feedItems } = built.value;
      const publishedAt = Date.parse(article.published);
      const id = crypto.randomUUID();
      // The slugs the app gave the names (StoredArticle.links), as a PUT files it.
      const filing = article.links ?? {
        section: taxonomySlug(article.category),
        tags: (input.tags ?? []).map(taxonomySlug),
        authors: (input.authors ?? []).map(taxonomySlug),
      };
      filing.tags.forEach((slug, position) => {
        names.tags.set(slug, article.tags[position] ?? slug);
        tagLinks.push([id, slug, position]);
      });
      filing.authors.forEach((slug, position) => {
        names.authors.set(slug, article.authors[position] ?? slug);
        authorLinks.push([id, slug, position]);
      });
      for (const listing of listingsFor(filing)) {
        listings.add(formatTarget(listingTarget(listing)));
        listings.add(formatTarget(archiveTarget(listing)));
      }
      listings.add(formatTarget(SITEMAP_INDEX));
      listings.add(formatTarget(sitemapMonthTarget(sitemapMonth(publishedAt))));
      for (const of of LISTING_SITEMAPS) listings.add(formatTarget({ kind: "sitemap-pages", of }));
      listings.add(formatTarget(NEWS_SITEMAP));
      rows.push([
        id,
        slug,
        feedId,
        article.version,
        crypto.randomUUID(),
        article.title,
        filing.section,
        publishedAt,
        Date.parse(article.updated ?? article.published),
        JSON.stringify(input),
        JSON.stringify(article),
        JSON.stringify(entry),
        feedItems.rss,
        feedItems.atom,
        feedItems.json,
        now,
        editor,
        now,
        editor,
      ]);
    }
    const statements: D1PreparedStatement[] = [];
    const chunked = (sql: string, values: unknown[][]) => {
      for (let at = 0; at < values.length; at += ROWS_PER_STATEMENT) {
        statements.push(db.prepare(sql).bind(JSON.stringify(values.slice(at, at + ROWS_PER_STATEMENT))));
      }
    };
    chunked(insertSql, rows);
    chunked(insertLinks("article_tags", "tag_slug"), tagLinks);
    chunked(insertLinks("article_authors", "author_slug"), authorLinks);
    const insertStarted = performance.now();
    buildSeconds += (insertStarted - buildStarted) / 1000;
    await db.batch(statements);
    insertSeconds += (performance.now() - insertStarted) / 1000;
    const done = Math.min(count, first + INSERT_BATCH);
    if (count >= 1000 && done % (count / 10) < INSERT_BATCH) {
      progress(`  inserted ${done}/${count} rows (build ${buildSeconds.toFixed(1)} s, insert ${insertSeconds.toFixed(1)} s)`);
    }
  }
  const taxonomy = (table: "tags" | "authors", map: Map<string, string>) =>
    [...map].map(([slug, name]) => db.prepare(`INSERT INTO ${table} (slug, name) VALUES (?, ?)`).bind(slug, name));
  await db.batch([
    ...LARGE_SECTIONS.map((name, position) =>
      db.prepare("INSERT INTO sections (slug, name, position) VALUES (?, ?, ?)").bind(taxonomySlug(name), name, position + 1),
    ),
    ...taxonomy("tags", names.tags),
    ...taxonomy("authors", names.authors),
    ...[...listings].map((name) => db.prepare("INSERT INTO listings (name, generation) VALUES (?, 1)").bind(name)),
  ]);
  // The navigation as the home page's builder reads it, recorded as built (pipeline/listing-builders.ts).
  const nav = JSON.stringify(await loadNav(db, Date.now()));
  await db
    .prepare(
      "INSERT INTO meta (key, value) VALUES ('navigation_built', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(nav)
    .run();
  return { count, buildSeconds, insertSeconds, listings: listings.size };
}
