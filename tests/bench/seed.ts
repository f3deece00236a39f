/**
 * @module bench/seed
 * Fills D1 and the KV read model. The small dataset and the timed publish go the way editors do:
 * articles PUT through the editors' API, whose outbox the Worker applies itself, so every key and
 * row is the app's own layout by construction. The large dataset is INSERTed into D1 with SQL, from
 * rows the app's own `buildArticle` makes, and the Worker builds the read model from it.
 */
import { readdir, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { absoluteUrl, articlePath, type Site } from "../../src/core/config";
import type { ArticleInput } from "../../src/core/schema";
import { parseArticleJson } from "../../src/core/source";
import { taxonomySlug } from "../../src/core/taxonomy";
import { buildArticle } from "../../src/editorial/article";
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

/** Applies every migration in src/db/migrations, in name order, to a fresh D1 database. */
export async function applyMigrations(db: D1Database): Promise<void> {
  const directory = resolve(ROOT, "src/db/migrations");
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

/** The article input for index `i`: one hour apart, all in the past, index 0 the newest. */
export function articleInput(template: Template, i: number, now: number): ArticleInput {
  return {
    ...template.input,
    title: `${template.input.title} (${i + 1})`,
    published: new Date(now - (i + 1) * HOUR).toISOString(),
  };
}

export interface PublishResult {
  count: number;
  /** Seconds for all the PUTs to be answered. */
  putSeconds: number;
  /** Seconds from the first PUT until the home page and the JSON feed list the newest article. */
  totalSeconds: number;
}

/**
 * Publishes `count` articles through the editors' API, as `npm run publish` does (one PUT each,
 * `If-None-Match: *`), oldest first so the last PUT is the newest article; then waits until the home
 * page and the JSON feed (read past the cache) list that newest article.
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
  await waitForListings(app, slugFor(0));
  return { count, putSeconds, totalSeconds: elapsed() };
}

/** Polls the home page and the JSON feed, past the cache, until both list `slug`. */
export async function waitForListings(app: URL, slug: string, timeoutSeconds = 120): Promise<void> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  let polls = 0;
  while (performance.now() < deadline) {
    const pages = await Promise.all(
      ["/", "/feed.json"].map(async (path) => {
        const response = await fetch(new URL(path, app), { headers: { Authorization: "Bearer x" } });
        return response.ok ? response.text() : "";
      }),
    );
    if (pages.every((page) => page.includes(slug))) return;
    // The outbox is applied in waitUntil after each PUT; if that was missed, the cron catches up.
    if (++polls % 20 === 0) await runCronNow(app);
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
  throw new Error(`the home page and feed did not list ${slug} within ${timeoutSeconds} s`);
}

/** Runs the cron's work once, through the editors' API, as the scheduled handler does. */
export async function runCronNow(app: URL): Promise<void> {
  const response = await fetch(new URL("/api/cron", app), { method: "POST", headers: EDITOR_HEADERS });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`POST /api/cron answered ${response.status}`);
}

export interface SqlSeedResult {
  count: number;
  /** Seconds to build every row in Node with buildArticle. */
  buildSeconds: number;
  /** Seconds of INSERT batches into D1. */
  insertSeconds: number;
  /** Seconds for POST /api/cron to build the listings and the measured pages. */
  cronSeconds: number;
}

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

/**
 * Seeds `count` articles straight into D1 with SQL, far faster than the API's ~50 PUTs a second:
 * each row is built in Node by the app's own `buildArticle` (the same record, list entry and feed
 * items a PUT stores) and INSERTed in batches, mirroring the `articles` columns of the migration.
 * Only what the read paths need is written: no revisions, taxonomy links or `index:` keys (so
 * `/page/2` onwards is empty). Then the `home` and `sitemap` listings and the pages of `pageSlugs`
 * are queued in the outbox and POST /api/cron has the Worker build them, as it would after a publish.
 */
export async function seedArticlesWithSql(
  app: URL,
  db: D1Database,
  site: Site,
  template: Template,
  count: number,
  pageSlugs: string[],
  progress: (line: string) => void,
): Promise<SqlSeedResult> {
  const now = Date.now();
  const editor = "bench";
  let buildSeconds = 0;
  let insertSeconds = 0;
  const insertSql = insertArticles(VALUE_COLUMNS);
  for (let first = 0; first < count; first += INSERT_BATCH) {
    const buildStarted = performance.now();
    const rows: unknown[][] = [];
    for (let i = first; i < Math.min(count, first + INSERT_BATCH); i++) {
      const slug = slugFor(i);
      const input = articleInput(template, i, now);
      const feedId = absoluteUrl(site, articlePath(slug));
      const built = await buildArticle(slug, input, { site, now, feedId });
      if (!built.ok) throw new Error(`${slug} does not build: ${JSON.stringify(built.problems)}`);
      const { article, entry, feedItems } = built.value;
      const publishedAt = Date.parse(article.published);
      rows.push([
        crypto.randomUUID(),
        slug,
        feedId,
        article.version,
        crypto.randomUUID(),
        article.title,
        taxonomySlug(article.category),
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
    for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(at, at + ROWS_PER_STATEMENT);
      statements.push(db.prepare(insertSql).bind(JSON.stringify(chunk)));
    }
    const insertStarted = performance.now();
    buildSeconds += (insertStarted - buildStarted) / 1000;
    await db.batch(statements);
    insertSeconds += (performance.now() - insertStarted) / 1000;
    const done = Math.min(count, first + INSERT_BATCH);
    if (count >= 1000 && done % (count / 10) < INSERT_BATCH) {
      progress(`  inserted ${done}/${count} rows (build ${buildSeconds.toFixed(1)} s, insert ${insertSeconds.toFixed(1)} s)`);
    }
  }
  await db.batch([
    // The rows name no section, so the navigation is empty; record it as built, or the first rebuild
    // would queue all 10,000 pages again to give them a navigation that did not change.
    db.prepare("INSERT INTO meta (key, value) VALUES ('nav_built', '[]') ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
    db.prepare("INSERT INTO listings (name, generation) VALUES ('home', 1), ('sitemap', 1)"),
    db.prepare(
      "INSERT INTO outbox (kind, target, due_at, created_at) VALUES ('listing', 'home', 0, 0), ('listing', 'sitemap', 0, 0)",
    ),
    ...pageSlugs.map((slug) =>
      db.prepare("INSERT INTO outbox (kind, target, due_at, created_at) VALUES ('article', ?, 0, 0)").bind(slug),
    ),
  ]);
  const cronStarted = performance.now();
  await runCronNow(app);
  const cronSeconds = (performance.now() - cronStarted) / 1000;
  const left = await db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE kind != 'purge' AND priority = 0").first<{ n: number }>();
  if (left?.n) throw new Error(`POST /api/cron left ${left.n} outbox rows unapplied`);
  await waitForListings(app, slugFor(0));
  return { count, buildSeconds, insertSeconds, cronSeconds };
}
