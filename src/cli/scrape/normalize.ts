/**
 * @module cli/scrape/normalize
 * Makes scraped text uniform before any rule reads it: LF line endings, ordinary spaces, no invisible
 * characters, NFC; then splits it into trimmed, numbered lines.
 */
import type { Line } from "./types";

const NON_BREAKING_SPACES = /[\u00A0\u2007\u202F]/g;
const INVISIBLE = /[\u00AD\u200B\u2060\uFEFF]/g;

/**
 * The text with its characters made uniform, and what was rewritten, with counts, for the report.
 * @example normalizeCharacters("a\u00A0b\r\n") // { text: "a b\n", normalized: ["1 CRLF line ending → LF", "1 non-breaking space → ordinary spaces"] }
 */
export function normalizeCharacters(raw: string): { text: string; normalized: string[] } {
  const normalized: string[] = [];
  const count = (pattern: RegExp) => raw.match(pattern)?.length ?? 0;
  const lineEndings = count(/\r\n?/g);
  const spaces = count(NON_BREAKING_SPACES);
  const invisible = count(INVISIBLE);
  if (lineEndings) normalized.push(`${plural(lineEndings, "CRLF line ending")} → LF`);
  if (spaces) normalized.push(`${plural(spaces, "non-breaking space")} → ordinary spaces`);
  if (invisible) normalized.push(`${plural(invisible, "invisible character")} (soft hyphens, zero-width spaces) removed`);
  const text = raw.replace(/\r\n?/g, "\n").replace(NON_BREAKING_SPACES, " ").replace(INVISIBLE, "").normalize("NFC");
  return { text, normalized };
}

/**
 * The non-empty lines of a text, each with runs of white space made one space, numbered from 1.
 * @example toLines("Title\n\n  Body  text ") // [{ line: 1, text: "Title" }, { line: 3, text: "Body text" }]
 */
export function toLines(text: string): Line[] {
  return text
    .split("\n")
    .map((t, i) => ({ line: i + 1, text: t.replace(/\s+/g, " ").trim() }))
    .filter((l) => l.text !== "");
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
