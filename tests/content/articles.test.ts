/**
 * The validation suite: every file in articles/ must be publishable as it stands. Vite bundles the
 * files into the test at build time, so no file system is needed inside workerd.
 */
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import type { Site } from "../../src/core/config";
import { escapeHtml } from "../../src/core/escape";
import type { ArticleInput } from "../../src/core/schema";
import { validateSlug } from "../../src/core/schema";
import { parseArticleFile } from "../../src/core/source";
import { type BuildContext, type BuiltArticle, buildArticle } from "../../src/editorial/article";
import { buildAtom } from "../../src/feeds/atom";
import { buildJsonFeed } from "../../src/feeds/json-feed";
import { absolutizeLinks, channelFor } from "../../src/feeds/model";
import { buildRss } from "../../src/feeds/rss";
import { renderArticle } from "../../src/render/article";

const SOURCES = import.meta.glob<string>("../../articles/*.md", { query: "?raw", import: "default", eager: true });

const ARTICLES = Object.entries(SOURCES)
  .map(([path, source]) => ({ file: path.split("/").at(-1) ?? path, source }))
  .sort((a, b) => a.file.localeCompare(b.file));

const SITE: Site = {
  title: "Broadsheet",
  description: "Articles rendered at the edge.",
  url: "https://news.example",
  language: "en",
};

const SEED_FILE = "chinese-foreign-minister-will-visit-russia-to-discuss-ukraine-peace-push.md";

// A fixed clock, so that scheduled articles are judged the same on every run.
const NOW = Date.parse("2026-01-01T00:00:00Z");

function slugOf(file: string): string {
  return file.replace(/\.md$/, "");
}

/** What a save passes to `buildArticle`: the site, the fixed clock, and the id feeds give the article. */
function contextFor(slug: string): BuildContext {
  return { site: SITE, now: NOW, feedId: `${SITE.url}/articles/${slug}` };
}

/** The article as a save would build it; an article over a limit fails the test that needs it built. */
async function built(file: string, source: string): Promise<BuiltArticle> {
  const slug = slugOf(file);
  const result = await buildArticle(slug, inputOf(source), contextFor(slug));
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.problems)}`);
  return result.value;
}

function inputOf(source: string): ArticleInput {
  const result = parseArticleFile(source);
  if (!result.ok) throw new Error(`invalid article: ${JSON.stringify(result.problems)}`);
  return result.value;
}

/** The body's paragraphs and other blocks, as separated by blank lines, with spacing collapsed. */
function blocksOf(markdown: string): string[] {
  return markdown
    .split(/\n[ \t]*\n/)
    .map((block) => block.replace(/\s+/g, " ").trim())
    .filter((block) => block !== "");
}

describe("the articles folder", () => {
  it("is not empty, so this suite cannot pass without checking anything", () => {
    expect(ARTICLES.length).toBeGreaterThan(0);
    expect(ARTICLES.every((article) => article.source.length > 0)).toBe(true);
  });

  it("holds the seed article", () => {
    expect(ARTICLES.map((article) => article.file)).toContain(SEED_FILE);
  });

  it("holds only Markdown files", () => {
    for (const { file } of ARTICLES) expect(file).toMatch(/\.md$/);
  });
});

describe.each(ARTICLES)("articles/$file", ({ file, source }) => {
  it("has a valid slug as its file name", () => {
    expect(validateSlug(slugOf(file))).toEqual({ ok: true, value: slugOf(file) });
  });

  it("passes the schema", () => {
    const result = parseArticleFile(source);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it("is within every limit on what a body may hold", async () => {
    const result = await buildArticle(slugOf(file), inputOf(source), contextFor(slugOf(file)));
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it("renders to non-empty, sanitized HTML with a summary", async () => {
    const { article, warnings } = await built(file, source);
    expect(article.html.trim()).not.toBe("");
    expect(article.html).not.toMatch(/<script/i);
    expect(article.html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(article.html).not.toMatch(/javascript:/i);
    expect(article.summary.trim()).not.toBe("");
    expect(article.readingMinutes).toBeGreaterThanOrEqual(1);
    expect(warnings).not.toContain("body: nothing is left after sanitizing");
  });

  it("renders as a full page with its title", async () => {
    const { article } = await built(file, source);
    const page = await renderArticle(SITE, article);
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page).toContain(`<h1>${escapeHtml(article.title)}</h1>`);
    expect(page).toContain(`<link rel="canonical" href="https://news.example/articles/${slugOf(file)}"/>`);
    expect(page).toContain(article.html);
  });

  it("renders feed items that a real parser reads, with the article's id, title and HTML", async () => {
    const slug = slugOf(file);
    const { article, feedItems } = await built(file, source);
    const updated = Date.parse(article.updated ?? article.published);
    const rss = parseRssFeed(buildRss(channelFor(SITE, { format: "rss", updated }), [feedItems.rss]));
    expect(rss.items?.map((item) => [item.title, item.link])).toEqual([[article.title, `${SITE.url}/articles/${slug}`]]);
    // Feed readers need absolute links: the site's own paths are made absolute, nothing else changes.
    expect(rss.items?.[0]?.content?.encoded).toBe(absolutizeLinks(SITE, article.html).trim());
    const json = parseJsonFeed(buildJsonFeed(channelFor(SITE, { format: "json" }), [feedItems.json]));
    expect(json.items?.map((item) => [item.id, item.title])).toEqual([[`${SITE.url}/articles/${slug}`, article.title]]);
    const atom = parseAtomFeed(buildAtom(channelFor(SITE, { format: "atom", updated }), [feedItems.atom], updated));
    expect(atom.entries?.map((entry) => [entry.id, entry.title?.value])).toEqual([
      [`${SITE.url}/articles/${slug}`, article.title],
    ]);
  });

  it("repeats no paragraph word for word", () => {
    const blocks = blocksOf(inputOf(source).body).filter((block) => !/^(#|[-*_]{3,}$)/.test(block));
    const repeated = blocks.filter((block, i) => blocks.indexOf(block) !== i);
    expect(repeated).toEqual([]);
  });
});

describe(`the seed article, ${SEED_FILE}`, () => {
  const source = SOURCES[`../../articles/${SEED_FILE}`] ?? "";
  const input = () => inputOf(source);

  it("is in the Latest news category", () => {
    expect(input().category).toBe("Latest news");
  });

  it("was published on 28 March 2025", () => {
    expect(new Date(input().published).toISOString().slice(0, 10)).toBe("2025-03-28");
  });

  it("has the headline as its title", () => {
    expect(input().title).toBe("Chinese Foreign Minister Will Visit Russia to Discuss Ukraine Peace Push");
  });

  it("has none of the scraped page's noise lines in its body", () => {
    const lines = input()
      .body.split("\n")
      .map((line) => line.trim());
    expect(lines.filter((line) => /^\d+\s*min read$/i.test(line))).toEqual([]);
    expect(lines.filter((line) => /^see all/i.test(line))).toEqual([]);
    expect(lines.filter((line) => /^(authors?|category)$/i.test(line))).toEqual([]);
    expect(input().body).not.toMatch(/\bmin read\b/i);
    expect(input().body).not.toMatch(/See all/);
  });

  it("does not repeat its title, category or image caption as body text", () => {
    const { title, category, image, body } = input();
    const blocks = blocksOf(body);
    expect(blocks).not.toContain(title);
    expect(blocks).not.toContain(category);
    expect(image?.caption).toBeTruthy();
    expect(body).not.toContain(image?.caption ?? "");
  });

  it("repeats no paragraph, nor even a sentence, word for word", () => {
    // The scraped page repeated one paragraph and merged two others into a near copy.
    const blocks = blocksOf(input().body);
    expect(blocks.length).toBeGreaterThan(5);
    expect(new Set(blocks).size).toBe(blocks.length);
    const sentences = blocks.flatMap((block) => block.split(/(?<=[.!?][”"]?)\s+/));
    const repeated = sentences.filter((sentence, i) => sentences.indexOf(sentence) !== i);
    expect(repeated).toEqual([]);
  });
});
