/**
 * @module core/corrections
 * Corrections and clarifications, as editors send them and as an article's stored record carries
 * them: the input schema, the stored shape, and the label every medium shows before the text
 * ("Correction, 2 December 2026: …"), dated in the site's time zone and language.
 */
import * as v from "valibot";
import type { Site } from "./config";
import { displayDate } from "./dates";
import { LIMITS } from "./limits";

/** What a note can be: a correction puts right an error of fact; a clarification adds context. */
export const CORRECTION_KINDS = ["correction", "clarification"] as const;
export type CorrectionKind = (typeof CORRECTION_KINDS)[number];

// XML 1.0 §2.2's forbidden characters (tab, LF and CR are allowed: Markdown's soft line breaks).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/;

/** A correction or clarification as editors send it: `{"kind": …, "text": …}`. */
export const correctionInputSchema = v.strictObject(
  {
    kind: v.picklist(CORRECTION_KINDS, `must be one of: ${CORRECTION_KINDS.join(", ")}`),
    text: v.pipe(
      v.string("must be text: plain, or one paragraph of Markdown"),
      // Counted before trimming too, so a megabyte of spaces costs one comparison.
      v.maxLength(LIMITS.correctionLength * 2, `must be at most ${LIMITS.correctionLength} characters`),
      v.trim(),
      v.nonEmpty("must not be empty"),
      v.maxLength(LIMITS.correctionLength, `must be at most ${LIMITS.correctionLength} characters`),
      v.check((value) => !CONTROL.test(value), "must not contain control characters"),
      v.check((value) => value.isWellFormed(), "must be well-formed Unicode (it has a lone surrogate)"),
    ),
  },
  (issue) => (issue.expected === "never" ? "is not a known field" : 'must be a set of fields: {"kind": …, "text": …}'),
);

export type CorrectionInput = v.InferOutput<typeof correctionInputSchema>;

/** A correction as the article's record carries it: rendered once, when it was written. */
export const storedCorrectionSchema = v.object({
  id: v.string(),
  kind: v.picklist(CORRECTION_KINDS),
  /** Sanitized inline HTML. */
  html: v.string(),
  /** The same as plain text, for structured data and feed summaries. */
  text: v.string(),
  /** When it was first published (ISO 8601): the date on the note. */
  published: v.string(),
  /** When its text last changed, if it did. */
  modified: v.optional(v.string()),
});

export type StoredCorrection = v.InferOutput<typeof storedCorrectionSchema>;

const LABELS: Record<CorrectionKind, string> = { correction: "Correction", clarification: "Clarification" };

/** "Correction" or "Clarification". */
export const correctionLabel = (kind: CorrectionKind): string => LABELS[kind];

/**
 * The words before a note's text: its kind and its date in the site's zone and language.
 * @example noteLabel(site, { kind: "correction", published: "2026-12-02T09:00:00Z" }) // "Correction, 2 December 2026"
 */
export function noteLabel(site: Site, note: Pick<StoredCorrection, "kind" | "published">): string {
  return `${correctionLabel(note.kind)}, ${displayDate(note.published, site.language, site.timeZone)}`;
}

/** The fragment that links to one note on its article's page. */
export const noteAnchor = (id: string): string => `correction-${id}`;
