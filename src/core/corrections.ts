/**
 * @module core/corrections
 * Corrections and clarifications, as editors send them and as an article's stored record carries
 * them: the kinds, and the label every medium shows before the text ("Correction, 2 December 2026:
 * …"), dated in the site's time zone and language. The schemas are in core/correction-schema.ts.
 */
import type { Site } from "./config";
import { displayDate } from "./dates";
import { type InterfaceText, textOf } from "./interface-text-en";

/** What a note can be: a correction puts right an error of fact; a clarification adds context. */
export const CORRECTION_KINDS = ["correction", "clarification"] as const;
export type CorrectionKind = (typeof CORRECTION_KINDS)[number];

/** "Correction" or "Clarification", in the interface's language (English unless `text` says otherwise). */
export const correctionLabel = (kind: CorrectionKind, text?: InterfaceText): string =>
  textOf({ ...(text ? { text } : {}) })[kind];

/**
 * The words before a note's text: its kind and its date in the site's zone and language.
 * @example noteLabel(site, { kind: "correction", published: "2026-12-02T09:00:00Z" }) // "Correction, 2 December 2026"
 */
export function noteLabel(site: Site, note: { kind: CorrectionKind; published: string }): string {
  return `${correctionLabel(note.kind, site.text)}, ${displayDate(note.published, site.language, site.timeZone)}`;
}

/** The fragment that links to one note on its article's page. */
export const noteAnchor = (id: string): string => `correction-${id}`;
