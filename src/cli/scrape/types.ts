/**
 * @module cli/scrape/types
 * The shapes the importer passes between its steps and hands to the CLI: options, the imported
 * article, and the report of every decision. Kept apart so that the steps import types from here,
 * never from each other or from the barrel.
 */
import type { FieldProblem } from "../../core/schema";

/** The category an article gets when neither the page nor the editor names one. */
export const PLACEHOLDER_CATEGORY = "Uncategorised";

/** What the editor can tell the importer when the text does not say it. */
export interface ScrapeOptions {
  /** The category to use when the page has no section line, breadcrumb or "Category" header. */
  category?: string;
  /** Where `category` came from, for the report: the command line (default) or an environment setting. */
  categoryFrom?: "option" | "environment";
  /** The publication date-time (ISO 8601 with a zone), or a bare date for noon UTC; replaces any found. */
  published?: string;
}

export interface ImportedImage {
  alt: string;
  caption: string;
  credit?: string;
}

/** The fields and body an import produces: a subset of what the article schema accepts. */
export interface ImportedArticle {
  title: string;
  published: string;
  updated?: string;
  category: string;
  authors: string[];
  image?: ImportedImage;
  body: string;
}

/** One trimmed, non-empty line of the raw text; lines are counted from 1. */
export interface Line {
  line: number;
  text: string;
}

/** A line of the raw text that is not in the article, and why. */
export interface Removed extends Line {
  reason: string;
}

/** A line of the raw text that was read as a field rather than as a paragraph. */
export interface Taken extends Line {
  as: "title" | "byline" | "credit" | "date" | "caption" | "category" | "authors";
}

/** A paragraph of the article: its number in the body and its line in the raw text. */
export interface Position {
  paragraph: number;
  line: number;
}

export type ScrapeWarning =
  | { kind: "near-duplicate"; at: Position; earlier: Position[]; similarity: number; message: string }
  | { kind: "check"; field: string; message: string };

export type CategorySource = "header" | "section" | "breadcrumb" | "option" | "environment" | "placeholder";
export type DateSource = "byline" | "date line" | "dateline" | "inferred" | "option";

export interface Detected {
  title?: string;
  /** Why that line won: its score and what counted. */
  titleWhy?: string;
  byline?: string;
  category?: { value: string; from: CategorySource };
  authors: string[];
  /** Agencies and contributors the page credits ("With inputs from PTI"); the schema has no field for them. */
  credits: string[];
  image?: ImportedImage;
  published?: { value: string; from: DateSource; how: string };
  updated?: { value: string; from: DateSource; how: string };
  /** The place (and date, agency) a wire story opens with, "ISLAMABAD:"; it stays in the text. */
  dateline?: string;
  /** Characters rewritten throughout the text, with counts. */
  normalized: string[];
}

export interface ScrapeReport {
  taken: Taken[];
  removed: Removed[];
  warnings: ScrapeWarning[];
  detected: Detected;
}

export type ScrapeResult = ScrapeReport & ({ ok: true; article: ImportedArticle } | { ok: false; problems: FieldProblem[] });
