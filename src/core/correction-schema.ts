/**
 * @module core/correction-schema
 * Corrections and clarifications as editors send them (`{"kind": …, "text": …}`) and as an
 * article's stored record carries them, as valibot schemas. Apart from core/corrections.ts, which the
 * reader imports, so that validation code stays out of the reader's bundle.
 */
import * as v from "valibot";
import { CORRECTION_KINDS } from "./corrections";
import { LIMITS } from "./limits";

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
