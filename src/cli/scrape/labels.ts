/**
 * @module cli/scrape/labels
 * Labels printed on a line of their own with their value under them: "Category" then "Latest news",
 * "Authors" then "Jane Doe, Li Wei". Unlike the line rules, these read the next lines too.
 */
import type { Line } from "./types";

const CATEGORY_LABEL = /^categor(?:y|ies):?$/i;
const AUTHORS_LABEL = /^(?:authors?|by):?$/i;

export type LabelReading =
  | { kind: "category"; value?: string; lines: number }
  | { kind: "authors"; authors: string[]; lines: number };

/**
 * Reads a label at `lines[index]` and the values under it; `lines` says how many lines it used in all.
 * @example readLabel([{ line: 1, text: "Category" }, { line: 2, text: "World" }], 0) // { kind: "category", value: "World", lines: 2 }
 */
export function readLabel(lines: readonly Line[], index: number): LabelReading | undefined {
  const here = lines[index];
  if (!here) return undefined;
  if (CATEGORY_LABEL.test(here.text)) {
    // The category is the line right under its label; a blank line between means the label is empty.
    const next = lines[index + 1];
    return next && next.line === here.line + 1
      ? { kind: "category", value: next.text, lines: 2 }
      : { kind: "category", lines: 1 };
  }
  if (AUTHORS_LABEL.test(here.text)) {
    const authors: string[] = [];
    let used = 1;
    for (let names = namesIn(lines, index + used); names; names = namesIn(lines, index + used)) {
      authors.push(...names);
      used++;
    }
    return { kind: "authors", authors, lines: used };
  }
  return undefined;
}

/** Names on a line under an "Authors" label ("Jane Doe, John Smith and Li Wei"), or undefined if it is not one. */
function namesIn(lines: readonly Line[], index: number): string[] | undefined {
  const line = lines[index]?.text;
  if (!line || line.length > 100 || /\d|[.!?:;]$/.test(line)) return undefined;
  if (CATEGORY_LABEL.test(line) || AUTHORS_LABEL.test(line)) return undefined;
  // A line printed twice on the page is a headline, not a list of names.
  if (lines.some((other, i) => i !== index && other.text.toLowerCase() === line.toLowerCase())) return undefined;
  const names = line
    .split(/\s*,\s*|\s+and\s+|\s*&\s*/)
    .map((name) => name.trim())
    .filter(Boolean);
  const plausible = names.every((name) => /^\p{Lu}/u.test(name) && name.split(" ").length <= 5);
  return names.length > 0 && plausible ? names : undefined;
}
