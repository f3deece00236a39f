/**
 * @module cli/scrape/rules/date-line
 * The rule for a line that only gives the date: "September 8, 2017", "Fri September 08, 2017",
 * "2017-09-08", "Updated: 14 March 2024 18:05 GMT", "Veröffentlicht am 14. März 2024, 09:30 Uhr".
 */
import { datedLine } from "./byline";
import type { LineRule, Verdict } from "./verdict";

// Words that may sit around a date on a date line, in the languages the date reader knows.
const LABEL_WORDS =
  /\b(?:posted|published|updated?|last|first|on|at|am|um|uhr|le|à|el|de|a|las|date|dated|time|veröffentlicht|aktualisiert|stand|publié|mis|jour|publicado|actualizado|ist|gmt|utc)\b/giu;
/** What may be left of a date line once its date and label words are gone: "by admin", never a sentence. */
const MAX_LEFTOVER_LETTERS = 10;
const MAX_DATE_LINE = 100;

function dateLine(text: string): Verdict | undefined {
  if (text.length > MAX_DATE_LINE) return undefined;
  const dated = datedLine(text);
  if (!dated) return undefined;
  const leftover = text
    .replace(dated.date.text, " ")
    .replace(LABEL_WORDS, " ")
    .replace(/[^\p{L}]+/gu, "");
  return leftover.length <= MAX_LEFTOVER_LETTERS ? { kind: "date", dated } : undefined;
}

export const DATE_LINE_RULES: readonly LineRule[] = [{ name: "date line", match: dateLine }];
