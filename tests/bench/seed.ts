/**
 * @module bench/seed
 * Fills KV with articles the way publishing does: records built by `buildArticle` and written by
 * the app's own `saveArticle`, so the keys, values and metadata are the app's layout by construction.
 */
import { readdir, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { buildArticle } from "../../src/content/article";
import type { ArticleInput, StoredArticle } from "../../src/content/schema";
import { parseArticleJson } from "../../src/content/source";
import { articleKey, createStore, saveArticle } from "../../src/content/store";
import { ROOT } from "./config";

// The body is the site's own article text, enough of it for a realistic 600–900 word article.
const MIN_WORDS = 600;
const WRITE_CONCURRENCY = 50;
const HOUR = 3_600_000;

export interface Template {
  input: ArticleInput;
  words: number;
}

export interface SeedResult {
  count: number;
  /** The newest article: the one whose page is measured. */
  newest: StoredArticle;
  buildSeconds: number;
  writeSeconds: number;
  recordBytes: number;
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

/**
 * Builds and stores `count` articles, one hour apart and all in the past, newest first. Writes run
 * `WRITE_CONCURRENCY` articles at a time (each is two puts, as in `saveArticle`).
 */
export async function seedArticles(
  kv: KVNamespace,
  template: Template,
  count: number,
  progress: (line: string) => void,
): Promise<SeedResult> {
  const now = Date.now();
  const buildStarted = performance.now();
  const articles: StoredArticle[] = [];
  for (let i = 0; i < count; i++) {
    const input: ArticleInput = {
      ...template.input,
      title: `${template.input.title} (${i + 1})`,
      published: new Date(now - (i + 1) * HOUR).toISOString(),
    };
    articles.push((await buildArticle(slugFor(i), input, now)).article);
  }
  const buildSeconds = (performance.now() - buildStarted) / 1000;

  const store = createStore(kv);
  const writeStarted = performance.now();
  let next = 0;
  let done = 0;
  let reported = 0;
  const worker = async () => {
    while (next < articles.length) {
      const article = articles[next++];
      if (!article) break;
      await saveArticle(store, article, null);
      done++;
      if (count >= 1000 && done - reported >= count / 10) {
        reported = done;
        progress(`  seeded ${done}/${count} articles (${((performance.now() - writeStarted) / 1000).toFixed(1)} s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, count) }, worker));
  const writeSeconds = (performance.now() - writeStarted) / 1000;

  const newest = articles[0];
  if (!newest) throw new Error("seeded no articles");
  // Check one record made the trip intact.
  const stored = await kv.get(articleKey(newest.slug));
  if (stored !== JSON.stringify(newest)) throw new Error(`KV does not hold ${articleKey(newest.slug)} as written`);
  return { count, newest, buildSeconds, writeSeconds, recordBytes: Buffer.byteLength(JSON.stringify(newest)) };
}
