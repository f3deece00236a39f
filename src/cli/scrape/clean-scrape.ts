/**
 * @module cli/scrape/clean-scrape
 * The core of `npm run import`: turns the text scraped from a news page into an article's fields and
 * Markdown body, and records every decision (each line taken as a field, each line dropped and why)
 * so that an editor can review them before publishing. Pure TypeScript without Node APIs, so it is
 * unit-tested inside workerd like the rest of the content code.
 *
 * The steps: labels (./labels.ts) and the line rules (./rules/table.ts) give each line a verdict; the
 * headline is chosen by score among the lines nothing claimed (./title.ts); one walk down the page
 * applies the verdicts (./apply-verdicts.ts); then repeats go, and the category and date are chosen.
 */
import type { FieldProblem } from "../../core/schema";
import { applyVerdicts, type Classified, type Page, sameCaption } from "./apply-verdicts";
import { type Dateline, readDateline } from "./dateline";
import { findDate } from "./dates";
import { readLabel } from "./labels";
import { findNearDuplicates, type NearDuplicateMatch } from "./near-duplicates";
import { normalizeCharacters, toLines } from "./normalize";
import { choosePublished, type DateSeen } from "./publication-date";
import { crumbsBeforeTitle } from "./rules/section";
import { classifyLine } from "./rules/table";
import { altFromCaption, escapeMarkdown } from "./text";
import { chooseTitle } from "./title";
import {
  type CategorySource,
  type ImportedArticle,
  type ImportedImage,
  type Line,
  PLACEHOLDER_CATEGORY,
  type Position,
  type Removed,
  type ScrapeOptions,
  type ScrapeResult,
  type ScrapeWarning,
} from "./types";

/**
 * Cleans one scraped article. Fails, with field problems and the report so far, only when the title,
 * the date or the body can be neither found nor inferred; a missing category is a warning.
 * @example
 * const result = cleanScrape("World\n\nA headline for the story\n\n3 min read\nFirst paragraph.", { published: "2025-03-28" });
 * // result.ok && result.article: { title: "A headline for the story", category: "World", published: "2025-03-28T12:00:00Z", ... }
 * // result.removed: [{ line: 5, text: "3 min read", reason: "reading time: the site computes its own" }]
 */
export function cleanScrape(raw: string, options: ScrapeOptions = {}): ScrapeResult {
  const { text, normalized } = normalizeCharacters(raw);
  const classified = classify(splitCrumbsFromTitles(toLines(text), normalized));
  const unclaimed = classified.filter((c) => c.verdict.kind === "story");
  const choice = chooseTitle(unclaimed);
  const titleLine = choice ? unclaimed[choice.index] : undefined;
  const page: Page = {
    titleLine,
    taken: [],
    removed: [],
    warnings: [],
    detected: { authors: [], credits: [], normalized },
    paragraphs: [],
    seenDates: [],
  };
  applyVerdicts(page, classified);
  const { caption, detected, removed, warnings } = page;

  // A caption printed twice, once plain and once with its credit, is one caption.
  const story = caption ? withoutCaptionTwin(page.paragraphs, caption.text, removed) : page.paragraphs;
  const kept = dropRepeatedParagraphs(story, removed);
  removed.sort((a, b) => a.line - b.line);
  page.taken.sort((a, b) => a.line - b.line);
  warnings.push(...nearDuplicateWarnings(kept));

  const problems: FieldProblem[] = [];
  if (titleLine && choice) {
    detected.title = titleLine.text;
    detected.titleWhy = `line ${titleLine.line}, scored ${choice.score} (${choice.why})`;
  } else problems.push({ field: "title", problem: "was not found: no line near the top reads like a headline" });

  const category = chooseCategory(page, options);
  detected.category = category;

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

  const dateline = readFirstDateline(kept, page.seenDates, caption?.text);
  if (dateline) detected.dateline = dateline.text;
  if (dateline?.unread) {
    warnings.push({
      kind: "check",
      field: "published",
      message: `the dateline's date "${dateline.unread}" has no year to place it`,
    });
  }
  const dates = choosePublished(
    { given: options.published, seen: page.seenDates, dateline, caption: caption?.text, paragraphs: kept.map((p) => p.text) },
    warnings,
  );
  if ("published" in dates) {
    detected.published = dates.published;
    if (dates.updated) detected.updated = dates.updated;
  } else problems.push({ field: "published", problem: `could not be inferred: ${dates.reason}` });

  if (kept.length === 0) problems.push({ field: "body", problem: "is empty: no paragraphs are left after cleaning" });

  const report = { taken: page.taken, removed, warnings, detected };
  if (problems.length > 0 || !titleLine || !("published" in dates)) return { ok: false, problems, ...report };
  const article: ImportedArticle = {
    title: titleLine.text,
    published: dates.published.value,
    ...(dates.updated ? { updated: dates.updated.value } : {}),
    category: category.value,
    authors: detected.authors,
    ...(image ? { image } : {}),
    body: kept.map((p) => escapeMarkdown(p.text)).join("\n\n"),
  };
  return { ok: true, article, ...report };
}

/**
 * A headline run together with its breadcrumb ("HomeNationalChinese Foreign Minister…") becomes two
 * lines of the same number: the breadcrumb, with separators, and the headline.
 */
function splitCrumbsFromTitles(lines: Line[], normalized: string[]): Line[] {
  return lines.flatMap((line) => {
    const split = line.line <= 20 ? crumbsBeforeTitle(line.text) : undefined;
    if (!split) return [line];
    normalized.push(`line ${line.line}: the breadcrumb "${split.crumbs.join("")}" split from the headline`);
    return [
      { line: line.line, text: (/^home$/i.test(split.crumbs[0] ?? "") ? split.crumbs : ["Home", ...split.crumbs]).join(" › ") },
      { line: line.line, text: split.title },
    ];
  });
}

/** Gives every line its verdict: a label and the lines under it, or the first line rule that matches. */
function classify(lines: readonly Line[]): Classified[] {
  const classified: Classified[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as Line;
    const label = readLabel(lines, i);
    if (!label) {
      classified.push({ ...line, verdict: classifyLine(line.text)?.verdict ?? { kind: "story" } });
      continue;
    }
    if (label.kind === "category") {
      classified.push({
        ...line,
        verdict:
          label.value === undefined
            ? { kind: "drop", reason: 'a "Category" label with no category under it' }
            : { kind: "label", as: "category", category: label.value },
      });
    } else {
      classified.push({
        ...line,
        verdict:
          label.authors.length === 0
            ? { kind: "drop", reason: 'an "Authors" label with no names under it' }
            : { kind: "label", as: "authors", authors: label.authors },
      });
    }
    // The lines a label used are taken with it.
    for (let used = 1; used < label.lines; used++) {
      classified.push({ ...(lines[i + used] as Line), verdict: { kind: "label", as: label.kind } });
    }
    i += label.lines - 1;
  }
  return classified;
}

/** The "Category" header, else the page's section or breadcrumb, else the default given, else a placeholder. */
function chooseCategory(page: Page, options: ScrapeOptions): { value: string; from: CategorySource } {
  if (page.headerCategory) return { value: page.headerCategory, from: "header" };
  if (page.pageCategory) return page.pageCategory;
  const given = options.category?.trim();
  if (given) return { value: given, from: options.categoryFrom ?? "option" };
  page.warnings.push({
    kind: "check",
    field: "category",
    message: `the page names no section and no default was given, so "${PLACEHOLDER_CATEGORY}": set it, or pass --category`,
  });
  return { value: PLACEHOLDER_CATEGORY, from: "placeholder" };
}

function withoutCaptionTwin(paragraphs: readonly Line[], caption: string, removed: Removed[]): Line[] {
  return paragraphs.filter((p) => {
    if (!sameCaption(p.text, caption)) return true;
    removed.push({ ...p, reason: "the caption again, printed without its credit" });
    return false;
  });
}

/** The dateline of the first paragraph; a date printed without a year takes the year of the page's other dates. */
function readFirstDateline(kept: readonly Line[], seen: readonly DateSeen[], caption: string | undefined): Dateline | undefined {
  const first = kept[0];
  if (!first) return undefined;
  const year = seen[0]?.date.year ?? (caption ? findDate(caption)?.date.getUTCFullYear() : undefined);
  return readDateline(first.text, year);
}

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
      removed.push({ ...paragraph, reason: `repeats paragraph ${first.paragraph} (line ${first.line}) word for word` });
    }
  }
  return kept;
}

function nearDuplicateWarnings(kept: readonly Line[]): ScrapeWarning[] {
  return findNearDuplicates(kept.map((p) => p.text)).map((match) => {
    const at = position(kept, match.index);
    const earlier = match.earlier.map((i) => position(kept, i));
    return {
      kind: "near-duplicate",
      at,
      earlier,
      similarity: match.similarity,
      message: nearDuplicateMessage(match, at, earlier),
    };
  });
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

function position(paragraphs: readonly Line[], index: number): Position {
  return { paragraph: index + 1, line: paragraphs[index]?.line ?? 0 };
}
