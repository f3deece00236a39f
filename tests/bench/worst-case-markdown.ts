/**
 * @module bench/worst-case-markdown
 * Markdown bodies built to be as slow or as large to render as possible, each at the body size
 * limit, and a typical article of the same size to compare them with. The unit tests render each
 * one inside workerd; `npm run bench` can time them (see docs/limits.md for the figures).
 */
import { LIMITS } from "../../src/core/limits";

export interface WorstCase {
  name: string;
  body: string;
}

const SIZE = LIMITS.bodyBytes;
const MARKUP = LIMITS.inlineMarkup;

/** `unit` repeated to fill `bytes` (all these units are ASCII, so characters are bytes). */
function fill(unit: string, bytes: number = SIZE): string {
  return unit.repeat(Math.floor(bytes / unit.length));
}

/** `open` nested `depth` times around `inner`, then closed. */
function nest(open: string, close: string, depth: number, inner = "x"): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/**
 * Paragraphs that each hold just under the inline-markup limit of `stops`, padded with `filler` so
 * that every stop has the longest possible text ahead of it: the most a paragraph may cost.
 */
function saturated(stops: string, filler: string, paragraphBytes: number = SIZE): string {
  const head = stops.repeat(Math.max(1, Math.floor((MARKUP - 1) / Math.max(1, markupIn(stops)))));
  const paragraph = head + fill(filler, paragraphBytes - head.length - 2);
  return fill(`${paragraph}\n\n`).slice(0, SIZE);
}

function markupIn(text: string): number {
  return (text.match(/[\\<![`*_~@]|https?|ftp:\/\/|www\./gi) ?? []).length;
}

/** A list nested `depth` levels deep, then a blank line. */
function nestedList(depth: number, marker = "- ", indent = "  "): string {
  const lines = Array.from({ length: depth }, (_, i) => `${indent.repeat(i)}${marker}item ${i}`);
  return `${lines.join("\n")}\n\n`;
}

/** The bodies, all at the size limit (or just under it, where a unit does not divide it). */
export const WORST_CASES: WorstCase[] = [
  // Delimiter runs: each opener once searched the rest of the paragraph for its closer.
  { name: "_a repeated", body: fill("_a") },
  { name: "*a repeated", body: fill("*a") },
  { name: "a_ repeated", body: fill("a_") },
  { name: "__a repeated", body: fill("__a") },
  { name: "**a repeated", body: fill("**a") },
  { name: "~~a repeated", body: fill("~~a") },
  { name: "! repeated", body: fill("!") },
  { name: "[ repeated", body: fill("[") },
  { name: "![ repeated", body: fill("![") },
  { name: "` repeated", body: fill("`") },
  { name: "`a repeated", body: fill("`a") },
  { name: "< repeated", body: fill("<") },
  { name: "<a  repeated", body: fill("<a ") },
  { name: "\\ repeated", body: fill("\\") },
  { name: "&# repeated", body: fill("&#") },
  { name: "&amp; repeated", body: fill("&amp;") },
  { name: "http repeated", body: fill("http") },
  { name: "www. repeated", body: fill("www.") },
  { name: "a@a. repeated", body: fill("a@a.") },
  { name: "nested emphasis", body: nest("*a ", " b*", Math.floor(SIZE / 8)) },
  { name: "nested strong", body: nest("**a ", " a**", Math.floor(SIZE / 10)) },
  { name: "nested brackets", body: nest("[", "]", Math.floor(SIZE / 2) - 1) },
  { name: "nested links", body: nest("[a](", ")", Math.floor((SIZE - 1) / 5)) },
  { name: "nested parentheses in a link", body: `[a](${nest("(", ")", Math.floor(SIZE / 2) - 4)})` },
  // Just under the inline-markup limit in every paragraph, with the longest text after the stops.
  { name: "saturated: ! then letters", body: saturated("!", "a") },
  { name: "saturated: _a then letters", body: saturated("_a", "a") },
  { name: "saturated: *a then words", body: saturated("*a", "a ") },
  { name: "saturated: ** openers then words", body: saturated("**a ", "b ") },
  { name: "saturated: [ then letters", body: saturated("[", "a") },
  { name: "saturated: ![ then letters", body: saturated("![", "a") },
  { name: "saturated: < then attributes", body: saturated("<a ", "b=c ") },
  { name: "saturated: http then letters", body: saturated("http", "a") },
  { name: "saturated: ` then letters", body: saturated("`", "a") },
  { name: "saturated: ~ then letters", body: saturated("~", "a") },
  { name: "saturated: \\ then letters", body: saturated("\\", "a") },
  { name: "saturated, 2 KB paragraphs: _a", body: saturated("_a", "a", 2_000) },
  { name: "saturated, 2 KB paragraphs: *a", body: saturated("*a", "a ", 2_000) },
  // Block structure: every level of a quote or list lexes its contents again.
  { name: "> repeated", body: fill("> ") },
  { name: "- repeated", body: fill("- ") },
  { name: "1. repeated", body: fill("1. ") },
  { name: "> - repeated", body: fill("> - ") },
  { name: "- > repeated", body: fill("- > ") },
  { name: "many block quotes", body: fill("> a\n\n") },
  { name: "many list items", body: fill("- a\n") },
  { name: "many task list items", body: fill("- [ ] a\n") },
  { name: "many nested lists", body: fill("- - - - - a\n\n") },
  { name: "many paragraphs", body: fill("a\n\n") },
  { name: "nested list, 2-space indent", body: nestedList(440).slice(0, SIZE) },
  { name: "nested lists at the depth limit", body: fill(nestedList(LIMITS.nestingDepth)) },
  { name: "nested quotes at the depth limit", body: fill(`${"> ".repeat(LIMITS.nestingDepth)}quoted text\n\n`) },
  { name: "lists in quotes at the depth limit", body: fill(`${"> - ".repeat(LIMITS.nestingDepth / 2)}item\n\n`) },
  // Output that grows faster than the input.
  {
    name: "one long reference used everywhere",
    body: `[a]: /${"x".repeat(2_000)} "${"t".repeat(2_000)}"\n\n${fill("[a] ", SIZE - 4_020)}`,
  },
  { name: "reference definitions and uses", body: referenceDefinitionsAndUses() },
  { name: "wide header, one-cell rows", body: `|${"h|".repeat(100)}\n|${"-|".repeat(100)}\n${fill("x\n", SIZE - 404)}` },
  {
    name: "wide header, one-cell rows in many tables",
    body: fill(`|${"h|".repeat(100)}\n|${"-|".repeat(100)}\n${"x\n".repeat(100)}\n`),
  },
  { name: "table, many rows", body: `|a|b|\n|-|-|\n${fill("|x|y|\n", SIZE - 12)}` },
  { name: "quotes to escape", body: fill('"') },
  { name: "ampersands to escape", body: fill("& ") },
  { name: "hard breaks", body: fill("a  \n") },
  // Blocks: many small ones, and long ones.
  { name: "headings", body: fill("# a\n") },
  { name: "setext headings", body: fill("a\n=\n") },
  { name: "fences", body: fill("```\n") },
  { name: "unclosed fence", body: `\`\`\`\n${fill("a\n", SIZE - 4)}` },
  { name: "html blocks", body: fill("<div>\n\n") },
  { name: "html comments", body: fill("<!--") },
  { name: "thematic breaks", body: fill("***\n") },
  { name: "indented code", body: fill("    a\n") },
  { name: "blank lines", body: `a${fill("\n", SIZE - 1)}` },
  { name: "spaces", body: `a${fill(" ", SIZE - 1)}` },
  { name: "one long word", body: fill("a") },
];

function referenceDefinitionsAndUses(): string {
  const count = Math.floor(SIZE / 30);
  const definitions = Array.from({ length: count }, (_, i) => `[r${i}]: /u${i}`).join("\n");
  const uses = Array.from({ length: count }, (_, i) => `[r${i}]`).join(" ");
  return `${definitions}\n\n${uses}`.slice(0, SIZE);
}

const WORDS = (
  "the government said on tuesday that it would review the plan after months of talks with " +
  "regional leaders who had asked for more time and money to rebuild roads bridges and schools"
).split(" ");

/**
 * An ordinary article of about `bytes` bytes: headings, paragraphs with some emphasis and links, a
 * list, a quote and a code block, in the proportions of the articles in `articles/`.
 * @example typicalArticle(100_000).length // ≈ 100_000
 */
export function typicalArticle(bytes: number = SIZE): string {
  const parts: string[] = [];
  let size = 0;
  for (let section = 0; size < bytes; section++) {
    const word = (i: number) => WORDS[(section * 7 + i) % WORDS.length] ?? "word";
    const sentence = (n: number) => Array.from({ length: 12 }, (_, i) => word(n * 12 + i)).join(" ");
    const block = [
      `## Section ${section}: ${sentence(0).slice(0, 40)}`,
      `${sentence(1)}, with *emphasis* and **strength**. ${sentence(2)} [a link](https://example.com/${section}).`,
      `${sentence(3)}; \`code\` and ${sentence(4)}.`,
      `- ${sentence(5)}\n- ${sentence(6)}\n- ${sentence(7)}`,
      `> ${sentence(8)}.`,
      `\`\`\`ts\nconst section = ${section};\n\`\`\``,
    ].join("\n\n");
    parts.push(block);
    size += block.length + 2;
  }
  return parts.join("\n\n").slice(0, bytes);
}
