import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LIMITS, utf8Bytes } from "../../src/core/limits";
import { renderBody } from "../../src/core/markdown";
import type { FieldProblem } from "../../src/core/schema";
import { parseArticleFile } from "../../src/core/source";

// The pieces Markdown and YAML are built from, so that random bodies hit real syntax, not only text.
const MARKDOWN_PIECES = [
  "*",
  "**",
  "_",
  "__",
  "~~",
  "`",
  "```",
  "[",
  "]",
  "(",
  ")",
  "![",
  "<",
  ">",
  "> ",
  "- ",
  "1. ",
  "#",
  "\\",
  "&",
  "&#x09;",
  "&amp;",
  "|",
  "|-|",
  "\n",
  "\n\n",
  "  ",
  "    ",
  "\t",
  "http://a.b",
  "www.a.b",
  "a@b.c",
  "[a]: /x",
  "<div>",
  "</div>",
  "<script>",
  '<a href="javascript:x">',
  "javascript:",
  "a",
  "word ",
  "é",
  "👋🏽",
  "\u0000",
];

const markdown = fc
  .array(fc.oneof(fc.constantFrom(...MARKDOWN_PIECES), fc.string({ maxLength: 8 })), { maxLength: 300 })
  .map((pieces) => pieces.join(""));

/** Bodies that repeat one adversarial piece thousands of times, as an attacker would. */
const repeated = fc
  .tuple(fc.constantFrom(...MARKDOWN_PIECES), fc.constantFrom(...MARKDOWN_PIECES), fc.integer({ min: 1, max: 40_000 }))
  .map(([a, b, times]) => (a + b).repeat(times).slice(0, LIMITS.bodyBytes + 10));

const YAML_LINES = [
  "title: A title",
  "published: 2025-03-28T09:00:00Z",
  "category: News",
  "authors: [Ann, Bob]",
  "tags: [a, b]",
  "summary: In short.",
  "draft: false",
  "image:\n  url: /a.png\n  alt: A",
  "a: &x [1, 2]",
  "b: *x",
  "tags: *x",
  "title: [[[deep]]]",
  "title: 7",
  "unknown: field",
  "- list",
  "published: 2025-02-30T09:00:00Z",
  `authors: [${"x, ".repeat(30)}]`,
  `title: ${"t".repeat(300)}`,
  ": broken",
  "'unclosed",
];

const frontmatter = fc.array(fc.oneof(fc.constantFrom(...YAML_LINES), fc.string({ maxLength: 20 })), { maxLength: 12 });

function expectNamedProblems(problems: FieldProblem[]): void {
  expect(problems.length).toBeGreaterThan(0);
  for (const { field, problem } of problems) {
    expect(typeof field).toBe("string");
    expect(problem.length).toBeGreaterThan(0);
  }
}

/** The save path: the file is read and validated, then its body is rendered. */
function pipeline(file: string): void {
  const parsed = parseArticleFile(file);
  if (!parsed.ok) {
    expectNamedProblems(parsed.problems);
    // Every refusal names a field, but a file that is not an object has no field but its frontmatter.
    for (const { field } of parsed.problems) expect(field).not.toBe("");
    return;
  }
  const rendered = renderBody(parsed.value.body);
  if (rendered.ok) {
    expect(utf8Bytes(rendered.html)).toBeLessThanOrEqual(LIMITS.htmlBytes);
    expect(rendered.readingMinutes).toBeGreaterThanOrEqual(1);
    expect(rendered.summary.length).toBeLessThanOrEqual(300);
  } else {
    expectNamedProblems(rendered.problems);
    for (const { field } of rendered.problems) expect(field).toBe("body");
  }
}

describe("the content pipeline, property-based", () => {
  it("never throws, keeps HTML under its limit and names the field of every refusal", () => {
    fc.assert(
      fc.property(frontmatter, markdown, (lines, body) => {
        pipeline(`---\n${lines.join("\n")}\n---\n${body}`);
      }),
      { numRuns: 300 },
    );
  });

  it("holds for the required fields and a random body", () => {
    fc.assert(
      fc.property(markdown, (body) => {
        pipeline(`---\ntitle: T\npublished: 2025-03-28T09:00:00Z\ncategory: C\n---\n${body}`);
      }),
      { numRuns: 300 },
    );
  });

  it("holds for long repetitions of adversarial pieces", () => {
    fc.assert(
      fc.property(repeated, (body) => {
        pipeline(`---\ntitle: T\npublished: 2025-03-28T09:00:00Z\ncategory: C\n---\n${body}`);
      }),
      { numRuns: 60 },
    );
  });

  it("never throws on arbitrary text where the file should be", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), (file) => {
        pipeline(file);
        pipeline(`---\n${file}`);
      }),
      { numRuns: 300 },
    );
  });
});
