/**
 * @module cli/scrape/apply-verdicts
 * Applies each line's verdict in page order, one small handler per kind of verdict. Order matters
 * only for the trailer: "Related Stories" ends the story once the story has begun, but above the
 * headline it is a menu item like any other.
 */
import type { DateSeen } from "./publication-date";
import type { Verdict } from "./rules/verdict";
import type { CategorySource, Detected, Line, Removed, ScrapeWarning, Taken } from "./types";

/** A verdict for a line no rule claimed (the story, or the headline), and for a label and the lines under it. */
export type PageVerdict = Verdict | { kind: "story" } | { kind: "label"; as: Taken["as"]; category?: string; authors?: string[] };

export type Classified = Line & { verdict: PageVerdict };

/** What the walk down the page has gathered so far. */
export interface Page {
  titleLine: Line | undefined;
  taken: Taken[];
  removed: Removed[];
  warnings: ScrapeWarning[];
  detected: Detected;
  paragraphs: Line[];
  seenDates: DateSeen[];
  headerCategory?: string;
  pageCategory?: { value: string; from: CategorySource };
  caption?: { text: string; credit: string };
  /** The line that ended the story, once one has. */
  trailer?: Line;
}

type Handler<K extends PageVerdict["kind"]> = (page: Page, line: Line, verdict: Extract<PageVerdict, { kind: K }>) => void;

const take = (page: Page, { line, text }: Line, as: Taken["as"]) => page.taken.push({ line, text, as });
const drop = (page: Page, { line, text }: Line, reason: string) => page.removed.push({ line, text, reason });
const addAll = (list: string[], more: readonly string[]) => {
  for (const item of more) if (!list.includes(item)) list.push(item);
};

/** Ends the story at a trailer line, if the story has begun; says whether it did. */
function endsStory(page: Page, line: Line, reason: string): boolean {
  if (page.paragraphs.length === 0) return false;
  page.trailer = line;
  drop(page, line, `${reason}: it and every line after it go`);
  return true;
}

export function sameCaption(a: string, b: string): boolean {
  const plain = (s: string) => s.toLowerCase().replace(/[\s.]+$/, "");
  return plain(a) === plain(b);
}

const APPLY: { [K in PageVerdict["kind"]]: Handler<K> } = {
  story: (page, line) => {
    const title = page.titleLine;
    if (line.line === title?.line) take(page, line, "title");
    else if (title && line.text.toLowerCase() === title.text.toLowerCase()) drop(page, line, "repeats the title");
    else if (title && line.line < title.line) drop(page, line, "above the headline: part of the page's header");
    else page.paragraphs.push(line);
  },
  label: (page, line, verdict) => {
    if (verdict.category !== undefined) page.headerCategory ??= verdict.category;
    if (verdict.authors) addAll(page.detected.authors, verdict.authors);
    take(page, line, verdict.as);
  },
  drop: (page, line, verdict) => drop(page, line, verdict.reason),
  trailer: (page, line, verdict) => {
    if (!endsStory(page, line, verdict.reason)) drop(page, line, `${verdict.reason}, above the story: site chrome`);
  },
  section: (page, line, verdict) => {
    if (verdict.trailer && endsStory(page, line, `the page's trailer ("${line.text}")`)) return;
    if (page.pageCategory) drop(page, line, `${verdict.reason}; the category is already "${page.pageCategory.value}"`);
    else {
      page.pageCategory = { value: verdict.value, from: verdict.from };
      take(page, line, "category");
    }
  },
  byline: (page, line, { byline }) => {
    page.detected.byline ??= line.text;
    addAll(page.detected.authors, byline.authors);
    addAll(page.detected.credits, byline.credits);
    if (byline.date) page.seenDates.push({ ...byline.date, from: "byline", line: line.line });
    take(page, line, "byline");
  },
  credit: (page, line, verdict) => {
    addAll(page.detected.credits, verdict.credits);
    take(page, line, "credit");
  },
  date: (page, line, { dated }) => {
    page.seenDates.push({ ...dated, from: "date line", line: line.line });
    take(page, line, "date");
  },
  caption: (page, line, verdict) => {
    if (!page.caption) {
      page.caption = { text: verdict.caption, credit: verdict.credit };
      take(page, line, "caption");
    } else if (sameCaption(verdict.caption, page.caption.text)) {
      drop(page, line, "repeats the caption");
    } else {
      const message = `line ${line.line} looks like a second image caption; kept as a paragraph`;
      page.warnings.push({ kind: "check", field: "body", message });
      page.paragraphs.push(line);
    }
  },
};

/**
 * Walks the page once, applying each line's verdict; every line ends up taken, dropped or in the story.
 * @example applyVerdicts(page, [{ line: 1, text: "Open in App", verdict: { kind: "drop", reason: "site or app chrome" } }])
 * // page.removed: [{ line: 1, text: "Open in App", reason: "site or app chrome" }]
 */
export function applyVerdicts(page: Page, lines: readonly Classified[]): void {
  for (const { verdict, ...line } of lines) {
    if (page.trailer) {
      drop(page, line, `after the page's trailer at line ${page.trailer.line} ("${page.trailer.text}")`);
      continue;
    }
    // TypeScript cannot pair a union's member with its handler by itself: the table's type does that.
    (APPLY[verdict.kind] as Handler<PageVerdict["kind"]>)(page, line, verdict as never);
  }
}
