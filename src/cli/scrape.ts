/**
 * @module cli/scrape
 * The core of `npm run import`: turns the text scraped from a news page into an article's fields and
 * Markdown body, and records every change it made so that an editor can review them before publishing.
 * Pure TypeScript without Node APIs, so it is unit-tested inside workerd like the rest of the content code.
 */
import { dump } from "js-yaml";
import { type FieldProblem, MAX_SLUG_LENGTH } from "../content/schema";

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

/**
 * Writes an imported article as an article file: YAML frontmatter (dumped by js-yaml, so every value
 * is quoted as YAML needs), then the Markdown body. `comments` become `#` lines at the top of the frontmatter.
 * @example formatArticleFile(article, ["published: inferred"]) // "---\n# published: inferred\ntitle: ...\n---\n\nFirst paragraph.\n"
 */
export function formatArticleFile(article: ImportedArticle, comments: readonly string[] = []): string {
  const { body, ...fields } = article;
  // A comment ends at the end of its line, so one with a line break in it would leak into the YAML.
  const header = comments.map((comment) => `# ${comment.replace(/\s+/g, " ").trim()}\n`).join("");
  return `---\n${header}${dump(fields, { lineWidth: -1 })}---\n\n${body}\n`;
}

/**
 * A slug from a title: accents transliterated (NFKD), lower-case ASCII words joined by hyphens, cut on a
 * word boundary to the schema's maximum length. Empty when the title has no Latin letters or digits.
 * @example slugify("Séjourné: Straße to Peace!") // "sejourne-strasse-to-peace"
 */
export function slugify(title: string): string {
  const ascii = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    // Letters that NFKD does not decompose into a base letter and a mark.
    .replace(/[ßæœøđðþłı]/g, (letter) => LETTERS[letter] ?? letter)
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (ascii.length <= MAX_SLUG_LENGTH) return ascii;
  const cut = ascii.slice(0, MAX_SLUG_LENGTH + 1);
  const lastBreak = cut.lastIndexOf("-");
  return (lastBreak > 0 ? cut.slice(0, lastBreak) : ascii.slice(0, MAX_SLUG_LENGTH)).replace(/-+$/, "");
}

const LETTERS: Record<string, string> = { ß: "ss", æ: "ae", œ: "oe", ø: "o", đ: "d", ð: "d", þ: "th", ł: "l", ı: "i" };

/**
 * Alt text from a caption: its first sentence, without the date the photo was taken.
 * @example altFromCaption("Wang Yi in Beijing on March 27, 2025. More text.") // "Wang Yi in Beijing"
 */
export function altFromCaption(caption: string): string {
  // A sentence ends at . ! or ? before a capital, except after an initial or a title: "U.S.", "J.", "Mr."
  const end = /(?<!\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Sen|Rep|Gov|Lt|Col|Prof|No))[.!?](?=\s+["“‘(]?\p{Lu})/u.exec(caption);
  const sentence = end ? caption.slice(0, end.index + 1) : caption;
  const withoutDate = sentence
    .replace(
      new RegExp(
        `,?\\s*(?:\\b(?:on|in)\\s+)?(?:${WEEKDAY_NAMES.join("|")})?,?\\s*(?:${MONTH_DAY_YEAR}|${DAY_MONTH_YEAR})\\s*[.!?]?$`,
        "u",
      ),
      "",
    )
    .replace(/[\s.,;:]+$/, "")
    .trim();
  const alt = withoutDate || sentence.replace(/[\s.]+$/, "");
  if (alt.length <= 300) return alt;
  return alt.slice(0, 301).replace(/\s+\S*$/, "");
}

/**
 * Escapes what Markdown would read as formatting in plain text, so that each scraped paragraph
 * renders as exactly that text: emphasis, code, links, HTML and entities, and block markers at the start.
 * @example escapeMarkdown("1. *Not* a list") // "1\\. \\*Not\\* a list"
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/[\\`*_[\]~]/g, "\\$&")
      .replace(/<(?=[A-Za-z/!?])/g, "\\<")
      .replace(/&(?=#?\w+;)/g, "\\&")
      // A line that starts like a heading, quote, list item or rule would stop being a paragraph.
      .replace(/^(#{1,6}|>|[-+])(?=\s|$)/, "\\$1")
      .replace(/^(-{3,}|={3,})$/, "\\$1")
      .replace(/^(\d{1,9})([.)])(?=\s|$)/, "$1\\$2")
  );
}

// --- Dates ---------------------------------------------------------------------------------------

const MONTH =
  "(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?";
const MONTH_DAY_YEAR = `\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`;
const DAY_MONTH_YEAR = `\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH},?\\s+(\\d{4})\\b`;
const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
// A weekday that names the day of the news, not one relative to it ("last Friday") or a habit ("every Friday").
const WEEKDAY = new RegExp(
  `(?<!\\b(?:[Nn]ext|[Ll]ast|[Tt]his|[Ee]very|[Cc]oming|[Ff]ollowing|[Pp]revious|[Pp]ast)\\s+)\\b(${WEEKDAY_NAMES.join("|")})\\b`,
  "g",
);
const DAY_MS = 86_400_000;

/** The first full date ("March 27, 2025" or "27 March 2025") in a text, as a UTC midnight. */
export function findDate(text: string): { date: Date; text: string } | undefined {
  const found = [new RegExp(MONTH_DAY_YEAR, "g"), new RegExp(DAY_MONTH_YEAR, "g")].flatMap((pattern) =>
    [...text.matchAll(pattern)].map((m) => {
      const [, a = "", b = "", year = ""] = m;
      const [month, day] = /^\d/.test(a) ? [b, a] : [a, b];
      return { index: m.index, text: m[0], date: utcDate(Number(year), month, Number(day)) };
    }),
  );
  const first = found.filter((f) => f.date !== undefined).sort((x, y) => x.index - y.index)[0];
  return first?.date ? { date: first.date, text: first.text } : undefined;
}

function utcDate(year: number, monthName: string, day: number): Date | undefined {
  const month = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].indexOf(
    monthName.slice(0, 3).toLowerCase(),
  );
  const date = new Date(Date.UTC(year, month, day));
  return month >= 0 && date.getUTCDate() === day ? date : undefined;
}

export type InferredDate = { ok: true; date: string; how: string; weekday: boolean } | { ok: false; reason: string };

/**
 * Infers the day an article was published from the date in its photo caption and the first weekday its
 * text names: news is told on the day ("confirmed on Friday"), and the photo is from that day or shortly before.
 * @example
 * inferPublicationDate("Wang Yi on March 27, 2025.", ["Both countries confirmed on Friday."])
 * // { ok: true, date: "2025-03-28", how: 'the first Friday on or after 2025-03-27 ...', weekday: true }
 */
export function inferPublicationDate(caption: string | undefined, paragraphs: readonly string[]): InferredDate {
  const anchor = caption ? findDate(caption) : undefined;
  if (!anchor) return { ok: false, reason: caption ? "the caption has no date" : "the text has no image caption with a date" };
  const anchorDay = isoDay(anchor.date);
  const anchorWeekday = WEEKDAY_NAMES[anchor.date.getUTCDay()];
  for (const [index, paragraph] of paragraphs.entries()) {
    const match = WEEKDAY.exec(paragraph);
    WEEKDAY.lastIndex = 0;
    if (!match) continue;
    const weekday = WEEKDAY_NAMES.indexOf(match[1] ?? "");
    const daysLater = (weekday - anchor.date.getUTCDay() + 7) % 7;
    const quote = [...paragraph.slice(0, match.index).split(" ").slice(-3, -1), match[1]].join(" ").trim();
    return {
      ok: true,
      date: isoDay(new Date(anchor.date.getTime() + daysLater * DAY_MS)),
      how: `the first ${match[1]} on or after ${anchorDay} (a ${anchorWeekday}, the caption's "${anchor.text}"), because paragraph ${index + 1} says "${quote}"`,
      weekday: true,
    };
  }
  return { ok: true, date: anchorDay, how: `the caption's date, "${anchor.text}" (the text names no weekday)`, weekday: false };
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

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
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

/** Word n-grams ("shingles") are compared, so that a reworded word only changes the few phrases around it. */
const SHINGLE_WORDS = 3;
const MIN_SHINGLES = 6;
/** The share of a paragraph's phrases that must appear earlier for it to count as a near-duplicate. */
export const NEAR_DUPLICATE_THRESHOLD = 0.75;
// A second earlier paragraph must add at least this much cover to count as a source of a combination.
const MIN_SECOND_SOURCE_SHARE = 0.15;

export interface NearDuplicateMatch {
  /** Index of the later paragraph. */
  index: number;
  /** Indexes of the earlier paragraph or paragraphs it repeats. */
  earlier: number[];
  /** How the later paragraph relates to the earlier ones. */
  relation: "repeats" | "combines" | "contains";
  /** The share (0–1) of the repeating paragraph's three-word phrases found in the other(s). */
  similarity: number;
}

/**
 * Finds paragraphs that nearly repeat earlier ones, by word-shingle containment: the share of a
 * paragraph's three-word phrases that also appear earlier. It catches a paragraph that repeats one with
 * small changes, one that is mostly two earlier ones run together, and one that contains an earlier one whole.
 * Exact repeats should be removed first; they would be reported here as `repeats` with similarity 1.
 * @example
 * findNearDuplicates([a, b, `${a} ${b}`]) // [{ index: 2, earlier: [0, 1], relation: "combines", similarity: 0.9 }]
 */
export function findNearDuplicates(
  paragraphs: readonly string[],
  threshold: number = NEAR_DUPLICATE_THRESHOLD,
): NearDuplicateMatch[] {
  const shingleSets = paragraphs.map(shingles);
  const matches: NearDuplicateMatch[] = [];
  for (const [index, own] of shingleSets.entries()) {
    if (own.size < MIN_SHINGLES || index === 0) continue;
    const earlier = shingleSets.slice(0, index);
    const [first, firstShare] = bestSource(own, earlier, []);
    if (first < 0) continue;
    if (firstShare >= threshold) {
      matches.push({ index, earlier: [first], relation: "repeats", similarity: round(firstShare) });
      continue;
    }
    const [second, bothShare] = bestSource(own, earlier, [first]);
    if (second >= 0 && bothShare >= threshold && bothShare - firstShare >= MIN_SECOND_SOURCE_SHARE) {
      const sources = [first, second].sort((a, b) => a - b);
      matches.push({ index, earlier: sources, relation: "combines", similarity: round(bothShare) });
      continue;
    }
    const contained = earlier
      .map((set, i) => [i, set.size >= MIN_SHINGLES ? coverage(set, [own]) : 0] as const)
      .sort((a, b) => b[1] - a[1])[0];
    if (contained && contained[1] >= threshold) {
      matches.push({ index, earlier: [contained[0]], relation: "contains", similarity: round(contained[1]) });
    }
  }
  return matches;
}

/** The earlier paragraph that, added to `chosen`, covers most of `own`; and the share covered then. */
function bestSource(own: Set<string>, earlier: readonly Set<string>[], chosen: readonly number[]): [number, number] {
  let best: [number, number] = [-1, 0];
  for (const [i, set] of earlier.entries()) {
    if (chosen.includes(i)) continue;
    const share = coverage(own, [...chosen.map((c) => earlier[c] as Set<string>), set]);
    if (share > best[1]) best = [i, share];
  }
  return best;
}

/** The share of `target`'s shingles that appear in any of `sources`. */
function coverage(target: Set<string>, sources: readonly Set<string>[]): number {
  if (target.size === 0) return 0;
  let found = 0;
  for (const shingle of target) if (sources.some((source) => source.has(shingle))) found++;
  return found / target.size;
}

function shingles(text: string): Set<string> {
  const words =
    text
      .toLowerCase()
      .replace(/[’‘]/g, "'")
      .match(/[\p{L}\p{N}]+(?:'\p{L}+)*/gu) ?? [];
  const set = new Set<string>();
  if (words.length > 0 && words.length < SHINGLE_WORDS) set.add(words.join(" "));
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) set.add(words.slice(i, i + SHINGLE_WORDS).join(" "));
  return set;
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

function round(share: number): number {
  return Math.round(share * 100) / 100;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
