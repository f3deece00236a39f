/**
 * The importer over the corpus in tests/fixtures/import/: one invented story per news layout, each
 * with its raw scrape and the article file it must give. The seed (tests/fixtures/seed-000.txt) is one of them.
 */
import { describe, expect, it } from "vitest";
import { cleanScrape, fileComments, formatArticleFile, type ScrapeOptions, type ScrapeResult } from "../../src/cli/scrape/index";
import { parseArticleFile } from "../../src/core/source";
import seed from "../fixtures/seed-000.txt?raw";

const FOLDER = "../fixtures/import/";
const raws = import.meta.glob<string>("../fixtures/import/*.txt", { query: "?raw", import: "default", eager: true });
const expecteds = import.meta.glob<string>("../fixtures/import/*.expected.md", { query: "?raw", import: "default", eager: true });
const optionFiles = import.meta.glob<string>("../fixtures/import/*.options.json", {
  query: "?raw",
  import: "default",
  eager: true,
});

interface Layout {
  name: string;
  raw: string;
  expected: string;
  options: ScrapeOptions;
}

function layout(name: string, raw: string): Layout {
  const expected = expecteds[`${FOLDER}${name}.expected.md`];
  if (expected === undefined) throw new Error(`${name} has no ${name}.expected.md`);
  const options = optionFiles[`${FOLDER}${name}.options.json`];
  return { name, raw, expected, options: options ? (JSON.parse(options) as ScrapeOptions) : {} };
}

const CORPUS: Layout[] = [
  layout("seed-000", seed),
  ...Object.entries(raws).map(([path, raw]) => layout(path.slice(FOLDER.length, -".txt".length), raw)),
];

function imported(result: ScrapeResult) {
  if (!result.ok) throw new Error(`expected an article, got ${JSON.stringify(result.problems)}`);
  return result.article;
}

/** The body of an article file, as plain text: Markdown escapes undone. */
function bodyText(file: string): string {
  return file.replace(/^---\n[\s\S]*?\n---\n/, "").replace(/\\(.)/g, "$1");
}

/** Sentences: a full stop, question or exclamation mark, then a capital; short fragments like "17:40 GMT" too. */
function sentences(body: string): string[] {
  return body
    .split(/\n{2,}/)
    .flatMap((p) => p.split(/(?<=[.!?]["”]?)\s+(?=["“]?\p{Lu})/u))
    .map((s) => s.trim())
    .filter(Boolean);
}

describe("the import corpus", () => {
  it("has at least 12 layouts, the seed among them", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(12);
    expect(CORPUS.map((c) => c.name)).toContain("seed-000");
  });

  describe.each(CORPUS)("$name", ({ raw, expected, options }) => {
    const result = cleanScrape(raw, options);
    const article = imported(result);
    const file = formatArticleFile(article, fileComments(result.detected));
    const story = sentences(bodyText(expected));

    it("gives the expected article file exactly, and it passes the article schema", () => {
      expect(file).toBe(expected);
      const parsed = parseArticleFile(file);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    });

    it("loses nothing of the story: every sentence of the expected body is in the scrape and in the import", () => {
      const rawText = raw.replace(/\s+/g, " ");
      const body = bodyText(file).replace(/\s+/g, " ");
      for (const sentence of story) {
        expect(rawText).toContain(sentence);
        expect(body).toContain(sentence);
      }
    });

    it("drops no line that holds a sentence of the story, except word-for-word repeats", () => {
      const dropped = result.removed.filter((r) => !r.reason.startsWith("repeats paragraph"));
      for (const line of dropped) {
        for (const sentence of story) expect(line.text.includes(sentence), `line ${line.line} "${line.text}"`).toBe(false);
      }
    });

    it("accounts for every line: taken as a field, dropped with a reason, or in the body", () => {
      const lines = raw.split(/\r?\n/).filter((l) => l.trim() !== "").length;
      const inBody = bodyText(file)
        .split(/\n{2,}/)
        .filter(Boolean).length;
      expect(result.taken.length + result.removed.length + inBody).toBe(lines);
      for (const r of result.removed) expect(r.reason).not.toBe("");
    });
  });
});
