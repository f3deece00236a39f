/**
 * @module cli/scrape
 * The core of `npm run import`: turns the text scraped from a news page into an article's fields and
 * Markdown body, and records every change it made so that an editor can review them before publishing.
 * Pure TypeScript without Node APIs, so it is unit-tested inside workerd like the rest of the content code.
 */
import type { FieldProblem } from "../../content/schema";
import { inferPublicationDate } from "./dates";
import { findNearDuplicates, type NearDuplicateMatch } from "./near-duplicates";
import { altFromCaption, escapeMarkdown } from "./text";

export { formatArticleFile } from "./article-file";
export { findDate, type InferredDate, inferPublicationDate } from "./dates";
export { findNearDuplicates, NEAR_DUPLICATE_THRESHOLD, type NearDuplicateMatch } from "./near-duplicates";
export { altFromCaption, escapeMarkdown, slugify } from "./text";

/** What the editor can tell the importer when the text does not say it. */
export interface ScrapeOptions {
  /** The category, when the text has no "Category" header; it also replaces one. */
  category?: string;
  /** The publication date-time (ISO 8601 with a zone), or a bare date for noon UTC; replaces inference. */
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
  category: string;
  authors: string[];
  image?: ImportedImage;
  body: string;
}

/** A line of the raw text that is not in the article, and why. Lines are counted from 1. */
export interface Removed {
  line: number;
  text: string;
  reason: string;
}

/** A paragraph of the article: its number in the body and its line in the raw text. */
export interface Position {
  paragraph: number;
  line: number;
}

export type ScrapeWarning =
  | { kind: "near-duplicate"; at: Position; earlier: Position[]; similarity: number; message: string }
  | { kind: "check"; field: string; message: string };

export interface Detected {
  title?: string;
  category?: { value: string; from: "header" | "option" };
  authors: string[];
  image?: ImportedImage;
  published?: { value: string; from: "inferred" | "option"; how: string };
  /** Characters rewritten throughout the text, with counts. */
  normalized: string[];
}

export interface ScrapeReport {
  removed: Removed[];
  warnings: ScrapeWarning[];
  detected: Detected;
}

export type ScrapeResult = ScrapeReport & ({ ok: true; article: ImportedArticle } | { ok: false; problems: FieldProblem[] });

const READING_TIME = /^\d+\s*(?:min|mins|minutes?)\.?\s+read$/i;
const CATEGORY_LABEL = /^categor(?:y|ies):?$/i;
const AUTHORS_LABEL = /^(?:authors?|by):?$/i;
const SEE_ALL = /^see all\s*[›»→>]?$/i;
// The scraped page credits its photo at the end of the caption: "... March 27, 2025. (Source: Getty Images)".
const CAPTION = /^(.+?)\s*\(\s*source:\s*([^()]+?)\s*\)$/i;
const NON_BREAKING_SPACES = /[\u00A0\u2007\u202F]/g;
const INVISIBLE = /[\u00AD\u200B\u2060\uFEFF]/g;

interface Line {
  line: number;
  text: string;
}

/**
 * Cleans one scraped article: finds its title, category, authors, image caption and credit, drops the
 * page's noise and exact repeats, flags near-repeats, and infers the publication date when it can.
 * Fails, with field problems and the report so far, when a required field can be neither found nor inferred.
 * @example
 * const result = cleanScrape("Category\nLatest news\n\nA title\n\n3 min read\nFirst paragraph.", { published: "2025-03-28" });
 * // result.ok && result.article: { title: "A title", category: "Latest news", published: "2025-03-28T12:00:00Z", ... }
 * // result.removed: [{ line: 6, text: "3 min read", reason: "reading time: the site computes its own" }]
 */
export function cleanScrape(raw: string, options: ScrapeOptions = {}): ScrapeResult {
  const { text, normalized } = normalizeCharacters(raw);
  const lines: Line[] = text.split("\n").map((t, i) => ({ line: i + 1, text: t.replace(/\s+/g, " ").trim() }));
  const removed: Removed[] = [];
  const warnings: ScrapeWarning[] = [];
  const authors: string[] = [];
  const paragraphs: Line[] = [];
  let title: string | undefined;
  let headerCategory: string | undefined;
  let caption: { text: string; credit: string } | undefined;

  for (let i = 0; i < lines.length; i++) {
    const { line, text: t } = lines[i] as Line;
    if (!t) continue;
    if (headerCategory === undefined && CATEGORY_LABEL.test(t)) {
      // The category is the line right under its label; a blank line means the label is empty.
      const next = lines[i + 1]?.text;
      if (next) {
        headerCategory = next;
        i++;
      } else removed.push({ line, text: t, reason: 'a "Category" label with no category under it' });
    } else if (READING_TIME.test(t)) {
      removed.push({ line, text: t, reason: "reading time: the site computes its own" });
    } else if (AUTHORS_LABEL.test(t)) {
      const before = authors.length;
      for (let names = namesIn(lines[i + 1]?.text, title); names; names = namesIn(lines[i + 1]?.text, title)) {
        authors.push(...names);
        i++;
      }
      if (authors.length === before) removed.push({ line, text: t, reason: 'an "Authors" label with no names under it' });
    } else if (SEE_ALL.test(t)) {
      removed.push({ line, text: t, reason: 'link text from the page ("See all")' });
    } else if (CAPTION.test(t) && !caption) {
      const [, captionText = "", credit = ""] = CAPTION.exec(t) ?? [];
      caption = { text: captionText, credit };
    } else if (title === undefined) {
      title = t;
    } else if (t.toLowerCase() === title.toLowerCase()) {
      removed.push({ line, text: t, reason: "repeats the title" });
    } else {
      if (CAPTION.test(t)) {
        warnings.push({
          kind: "check",
          field: "body",
          message: `line ${line} looks like a second image caption; kept as a paragraph`,
        });
      }
      paragraphs.push({ line, text: t });
    }
  }

  const kept = dropRepeatedParagraphs(paragraphs, removed);
  removed.sort((a, b) => a.line - b.line);
  for (const match of findNearDuplicates(kept.map((p) => p.text))) {
    const at = position(kept, match.index);
    const earlier = match.earlier.map((i) => position(kept, i));
    warnings.push({
      kind: "near-duplicate",
      at,
      earlier,
      similarity: match.similarity,
      message: nearDuplicateMessage(match, at, earlier),
    });
  }

  const detected: Detected = { authors, normalized };
  const problems: FieldProblem[] = [];
  if (title !== undefined) detected.title = title;
  else problems.push({ field: "title", problem: "was not found: the text is empty" });

  const category = options.category?.trim() || headerCategory;
  if (category) detected.category = { value: category, from: options.category?.trim() ? "option" : "header" };
  else problems.push({ field: "category", problem: 'was not found: the text has no "Category" header' });

  let image: ImportedImage | undefined;
  if (caption) {
    image = { alt: altFromCaption(caption.text), caption: caption.text, ...(caption.credit ? { credit: caption.credit } : {}) };
    detected.image = image;
    warnings.push({
      kind: "check",
      field: "image.alt",
      message: "taken from the caption: check that it describes what the photo shows",
    });
  }

  const published = publicationDate(options.published, caption?.text, kept, warnings);
  if ("value" in published) detected.published = published;
  else problems.push({ field: "published", problem: `could not be inferred: ${published.reason}` });

  if (kept.length === 0) problems.push({ field: "body", problem: "is empty: no paragraphs are left after cleaning" });

  const report = { removed, warnings, detected };
  if (problems.length > 0 || title === undefined || !category || !("value" in published)) {
    return { ok: false, problems, ...report };
  }
  const article: ImportedArticle = {
    title,
    published: published.value,
    category,
    authors,
    ...(image ? { image } : {}),
    body: kept.map((p) => escapeMarkdown(p.text)).join("\n\n"),
  };
  return { ok: true, article, ...report };
}

function publicationDate(
  given: string | undefined,
  caption: string | undefined,
  paragraphs: readonly Line[],
  warnings: ScrapeWarning[],
): NonNullable<Detected["published"]> | { reason: string } {
  const NOON = "the time of day is unknown, so noon UTC";
  if (given?.trim()) {
    const value = given.trim();
    return /^\d{4}-\d{2}-\d{2}$/.test(value)
      ? { value: `${value}T12:00:00Z`, from: "option", how: `given as a date only; ${NOON}` }
      : { value, from: "option", how: "given" };
  }
  const inferred = inferPublicationDate(
    caption,
    paragraphs.map((p) => p.text),
  );
  if (!inferred.ok) return { reason: inferred.reason };
  if (!inferred.weekday) {
    warnings.push({ kind: "check", field: "published", message: "only the photo's date is known: check the day" });
  }
  return { value: `${inferred.date}T12:00:00Z`, from: "inferred", how: `${inferred.how}; ${NOON}` };
}

// --- Repeated paragraphs -------------------------------------------------------------------------

function dropRepeatedParagraphs(paragraphs: readonly Line[], removed: Removed[]): Line[] {
  const kept: Line[] = [];
  const firstIndex = new Map<string, number>();
  for (const paragraph of paragraphs) {
    const earlier = firstIndex.get(paragraph.text);
    if (earlier === undefined) {
      firstIndex.set(paragraph.text, kept.length);
      kept.push(paragraph);
    } else {
      const first = position(kept, earlier);
      removed.push({
        ...paragraph,
        reason: `repeats paragraph ${first.paragraph} (line ${first.line}) word for word`,
      });
    }
  }
  return kept;
}

function nearDuplicateMessage(match: NearDuplicateMatch, at: Position, earlier: Position[]): string {
  const percent = `${Math.round(match.similarity * 100)}%`;
  const them = earlier.map((p) => `paragraph ${p.paragraph} (line ${p.line})`).join(" and ");
  const subject = `paragraph ${at.paragraph} (line ${at.line})`;
  const what =
    match.relation === "contains"
      ? `${subject} contains ${them} almost word for word: ${percent} of its three-word phrases are in ${subject}`
      : match.relation === "combines"
        ? `${subject} is mostly ${them} run together: ${percent} of its three-word phrases are in them`
        : `${subject} nearly repeats ${them}: ${percent} of its three-word phrases are there`;
  return `${what}. Kept: remove or rewrite it`;
}

// --- Small helpers -------------------------------------------------------------------------------

function normalizeCharacters(raw: string): { text: string; normalized: string[] } {
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

/** Names on the line under an "Authors" label ("Jane Doe, John Smith and Li Wei"), or undefined if it is not one. */
function namesIn(line: string | undefined, title: string | undefined): string[] | undefined {
  if (!line || line.length > 100 || /\d|[.!?:;]$/.test(line)) return undefined;
  if (title && line.toLowerCase() === title.toLowerCase()) return undefined;
  if ([CAPTION, CATEGORY_LABEL, AUTHORS_LABEL, SEE_ALL].some((pattern) => pattern.test(line))) return undefined;
  const names = line
    .split(/\s*,\s*|\s+and\s+|\s*&\s*/)
    .map((name) => name.trim())
    .filter(Boolean);
  const plausible = names.every((name) => /^\p{Lu}/u.test(name) && name.split(" ").length <= 5);
  return names.length > 0 && plausible ? names : undefined;
}

function position(paragraphs: readonly Line[], index: number): Position {
  return { paragraph: index + 1, line: paragraphs[index]?.line ?? 0 };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
