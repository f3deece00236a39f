/**
 * A property of the importer: page furniture interleaved anywhere in a clean article, and a page's
 * tail after it, never change the imported body.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cleanScrape, type ScrapeResult } from "../../src/cli/scrape/index";

const TITLE = "Village Choir Wins Regional Singing Contest";
const PARAGRAPHS = [
  "The village choir of Little Hendon won the regional singing contest in its first year of entering, beating eleven larger choirs.",
  "The choir, which rehearses in the church hall, sang two folk songs and a piece written for it by a retired music teacher.",
  '"We sang as if nobody was listening," said its conductor, Harold Pike, who has led the 28 singers since the spring.',
  "The prize of 500 pounds will go towards new music stands and a trip to the national final in London.",
  "Voting closed at 9 p.m. on Saturday. The results were read out by the mayor.",
];
const OPTIONS = { published: "2024-05-02T08:00:00Z", category: "Local" };

// Furniture that goes wherever it stands: chrome, prompts, promotions, labels, sections and breadcrumbs.
const FURNITURE = [
  "City",
  "Epaper",
  "Open in App",
  "Subscribe",
  "Sign in",
  "3 min read",
  "Source",
  "Advertisement",
  "Share on Facebook",
  "Copy link",
  "Leave a Reply",
  "Your email address will not be published. Required fields are marked *",
  "Download the Broadsheet app for the latest updates",
  "ALSO READ: Brass band celebrates its centenary",
  "HomeNational",
  "Home › World › Europe",
  "National",
  "Like this:",
  "Loading...",
];
// A page's tail: a trailer, then whatever the site lists under it.
const TAILS = [
  ["Related Stories", "Brass band celebrates its centenary", "Church hall to get a new roof"],
  ["You May Also Like", "Open in App"],
  ["Tags: Choir, Music, Little Hendon"],
  ["Read more"],
  ["3 Comments", "What a lovely result for the village!"],
  ["Latest", "Road closed for repairs"],
];

function body(result: ScrapeResult): string {
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.article.body;
}

const clean = [TITLE, ...PARAGRAPHS];
const cleanBody = body(cleanScrape(clean.join("\n\n"), OPTIONS));

describe("interleaved boilerplate", () => {
  it("the clean article keeps every paragraph", () => {
    expect(cleanBody.split("\n\n")).toHaveLength(PARAGRAPHS.length);
  });

  it("never changes the imported body, wherever it stands", () => {
    const insertion = fc.record({ at: fc.nat({ max: clean.length }), line: fc.constantFrom(...FURNITURE) });
    fc.assert(
      fc.property(fc.array(insertion, { maxLength: 12 }), fc.option(fc.constantFrom(...TAILS)), (insertions, tail) => {
        const lines: string[][] = clean.map((line) => [line]);
        lines.push([]);
        for (const { at, line } of insertions) lines[at]?.unshift(line);
        const page = [...lines.flat(), ...(tail ?? [])];
        expect(body(cleanScrape(page.join("\n\n"), OPTIONS))).toBe(cleanBody);
        // Single line breaks, as some scrapes have, read the same.
        expect(body(cleanScrape(page.join("\n"), OPTIONS))).toBe(cleanBody);
      }),
      { numRuns: 200 },
    );
  });
});
