/**
 * @module cli/scrape/rules/table
 * The table of line rules, in the order they are tried: the first rule with a verdict decides.
 * Furniture comes first, so that "Subscribe" is never read as a name; bylines before date lines, so
 * that "By X | Updated: …" keeps its author; captions last, since only they may be long.
 */
import { BOILERPLATE_RULES, TRAILER_RULES } from "./boilerplate";
import { BYLINE_RULES } from "./byline";
import { CAPTION_RULES } from "./caption";
import { DATE_LINE_RULES } from "./date-line";
import { SECTION_RULES } from "./section";
import type { LineRule, Verdict } from "./verdict";

export const LINE_RULES: readonly LineRule[] = [
  ...BOILERPLATE_RULES,
  ...SECTION_RULES,
  ...TRAILER_RULES,
  ...BYLINE_RULES,
  ...DATE_LINE_RULES,
  ...CAPTION_RULES,
];

/**
 * The first rule's verdict on a trimmed line, with the rule's name; undefined for a line of the story.
 * @example classifyLine("Open in App") // { rule: "chrome", verdict: { kind: "drop", reason: "site or app chrome: …" } }
 */
export function classifyLine(
  text: string,
  rules: readonly LineRule[] = LINE_RULES,
): { rule: string; verdict: Verdict } | undefined {
  for (const rule of rules) {
    const verdict = rule.match(text);
    if (verdict) return { rule: rule.name, verdict };
  }
  return undefined;
}
