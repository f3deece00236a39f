/**
 * @module cli/scrape/rules/verdict
 * What a line rule can say about one line of a scrape. The rules (./table.ts) only look at the line;
 * what the verdict means for the article, given the lines around it, is decided by ../clean-scrape.ts.
 */
import type { FoundDate } from "../dates";

export interface Byline {
  authors: string[];
  /** Agencies credited beside the names ("Priya Raman / PTI"). */
  credits: string[];
  /** The date the byline prints, and whether it is the first publication or an update. */
  date?: DatedLine;
}

export interface DatedLine {
  date: FoundDate;
  kind: "published" | "updated";
}

export type Verdict =
  /** Page furniture: this line goes, with the reason. */
  | { kind: "drop"; reason: string }
  /** The start of the page's tail: once the story has begun, this line and every one after it go. */
  | { kind: "trailer"; reason: string }
  /** A section name or breadcrumb: the category, when the page has no "Category" header. */
  | { kind: "section"; value: string; from: "section" | "breadcrumb"; reason: string; trailer?: boolean }
  | { kind: "byline"; byline: Byline }
  /** A credit line, "( With inputs from PTI )": not body text. */
  | { kind: "credit"; credits: string[] }
  | { kind: "date"; dated: DatedLine }
  | { kind: "caption"; caption: string; credit: string };

/** One small rule: a name for the report and tests, and a test of one line that gives a verdict or nothing. */
export interface LineRule {
  name: string;
  match: (text: string) => Verdict | undefined;
}

/** A rule that drops every line one pattern matches, for one reason. */
export function dropRule(name: string, pattern: RegExp, reason: string): LineRule {
  return { name, match: (text) => (pattern.test(text) ? { kind: "drop", reason } : undefined) };
}
