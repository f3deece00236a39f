/**
 * Reading a saved article page: Readability over linkedom, on Node (the CLI's runtime), and the same
 * cleaning as a plain-text scrape after it.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { fileComments, formatArticleFile } from "../../src/cli/scrape/article-file";
import { cleanScrape } from "../../src/cli/scrape/clean-scrape";
import { htmlToText } from "../../src/cli/scrape/html";

const CORPUS = resolve(import.meta.dirname, "../fixtures/import");

describe("htmlToText", () => {
  it("keeps the story and drops the navigation, ads' links, related stories and comments", async () => {
    const page = htmlToText(await readFile(join(CORPUS, "html-twin.html"), "utf8"));
    if (!page) throw new Error("no article found");
    expect(page.text).toContain("The first scheduled ferry in ten years docked at North Holm");
    expect(page.text).toContain("Islanders wave as the first ferry in a decade docks at North Holm. (Source: Harbour Authority)");
    for (const chrome of [
      "Sign in",
      "Bridge to the mainland approved",
      "About time!",
      "Leave a Reply",
      "© The Coastal Courier",
    ]) {
      expect(page.text).not.toContain(chrome);
    }
    expect(page.found).toContain("published time 2024-03-14T09:30:00+01:00");
  });

  it("gives the same article as the page's plain-text twin", async () => {
    const page = htmlToText(await readFile(join(CORPUS, "html-twin.html"), "utf8"));
    const twin = await readFile(join(CORPUS, "html-twin.txt"), "utf8");
    const fromHtml = cleanScrape(page?.text ?? "");
    const fromText = cleanScrape(twin);
    if (!fromHtml.ok || !fromText.ok) throw new Error("expected both to import");
    expect(fromHtml.article).toEqual(fromText.article);
    expect(formatArticleFile(fromHtml.article, fileComments(fromHtml.detected))).toBe(
      await readFile(join(CORPUS, "html-twin.expected.md"), "utf8"),
    );
  });

  it("finds the body paragraphs of a page without any metadata", () => {
    const html = `<html><body><nav><a>Home</a><a>Sign in</a></nav><article><h1>A Plain Page Without Metadata</h1>
      ${"<p>This is a paragraph of the story with enough words in it for Readability to count it as text.</p>".repeat(4)}
      </article></body></html>`;
    const page = htmlToText(html);
    expect(page?.text.split("\n\n").filter((l) => l.startsWith("This is a paragraph"))).toHaveLength(4);
  });
});
