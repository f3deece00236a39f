/**
 * @module cli/scrape/rules/byline
 * Rules for the lines that say who wrote the story and who helped: "By NAME | Updated: DATE",
 * "NAME / AGENCY", a desk byline ("Web Desk"), and credit lines ("( With inputs from PTI )").
 */
import { findFullDate } from "../dates";
import type { Byline, DatedLine, LineRule, Verdict } from "./verdict";

const WEEKDAYS_AND_MONTHS =
  /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december)$/i;
// A name is one to five capitalised words; particles ("de", "van", "bin") may sit between them.
const NAME = /^\p{Lu}[\p{L}'’.-]*(?:\s+(?:(?:de|da|del|der|van|von|bin|al|le|la|du|dos)\s+)?\p{Lu}[\p{L}'’.-]*){0,4}$/u;
// An agency is a short all-capital name ("PTI", "AFP") or a name ending in a press word.
const AGENCY = /^(?:\p{Lu}{2,8}|[\p{L} &.-]{2,40}\b(?:Agency|Press|News|Service|Wire))$/u;
const ROLE = /\b(?:correspondent|reporter|writer|editor|staff|bureau|contributor)s?\b/i;
const DESK = /^(?:[\p{L}]+ )?desk$/iu;
const BY = /^(?:by|written by|words by|von|par|por)\s+(.+)$/i;
const SEPARATOR = /\s*(?:\||\s[–—-]\s|\s·\s|•)\s*/;
const UPDATED = /\b(?:updated?|last updated|aktualisiert|mis à jour|actualizado)\b/i;
const CREDIT =
  /^\(?\s*(?:with inputs? from|inputs? from|reporting by|additional reporting by|compiled by)\s+([^()]+?)\s*\)?\.?$/i;
const CONTRIBUTION = /^(?:additional )?(?:reporting|editing|writing|inputs?|compiled)\s+(?:by|from)\s+/i;
const SOURCE_CREDIT = /^source\s*:\s*([^.!?]{2,60})$/i;

function isName(text: string): boolean {
  return NAME.test(text) && !text.split(/\s+/).some((word) => WEEKDAYS_AND_MONTHS.test(word));
}

/** Names joined by commas, "and" or "&", or undefined when any part is not a name. */
function names(text: string): string[] | undefined {
  const parts = text
    .split(/\s*,\s*|\s+(?:and|und|et|y)\s+|\s*&\s*/)
    .map((part) => part.trim())
    .filter(Boolean);
  return parts.length > 0 && parts.every(isName) ? parts : undefined;
}

/** A date printed in a byline or on a line of its own, and whether it is an update. */
export function datedLine(text: string): DatedLine | undefined {
  const date = findFullDate(text);
  return date ? { date, kind: UPDATED.test(text) ? "updated" : "published" } : undefined;
}

/**
 * Reads "By NAME[, NAME and NAME][, AGENCY|ROLE] [| DATE…]" into authors, credits and a date.
 * @example parseBy("By Priya Raman | Updated: January 15, 2020 14:55 IST")
 * // { authors: ["Priya Raman"], credits: [], date: { kind: "updated", date: { year: 2020, ... } } }
 */
export function parseBy(text: string): Byline | undefined {
  const [, rest] = BY.exec(text) ?? [];
  if (!rest || text.length > 200) return undefined;
  const [who = "", ...after] = rest.split(SEPARATOR);
  const parts = who.split(/\s*,\s*/);
  const credits: string[] = [];
  // The last comma-separated part may name an agency or a role rather than a person.
  const last = parts.at(-1) ?? "";
  if (parts.length > 1 && (AGENCY.test(last) || ROLE.test(last))) {
    parts.pop();
    if (!ROLE.test(last)) credits.push(last);
  }
  const authors = names(parts.join(", "));
  if (!authors) return undefined;
  const dated = after.length > 0 ? datedLine(after.join(" ")) : undefined;
  return { authors, credits, ...(dated ? { date: dated } : {}) };
}

function by(text: string): Verdict | undefined {
  const byline = parseBy(text);
  return byline ? { kind: "byline", byline } : undefined;
}

/** "Priya Raman / PTI": a name, a slash, an agency. */
function nameSlashAgency(text: string): Verdict | undefined {
  const [name, agency, ...more] = text.split(/\s+\/\s+/);
  if (!name || !agency || more.length > 0 || !isName(name) || !AGENCY.test(agency)) return undefined;
  return { kind: "byline", byline: { authors: [name], credits: [agency] } };
}

function desk(text: string): Verdict | undefined {
  return DESK.test(text) && text.length <= 30 ? { kind: "byline", byline: { authors: [text], credits: [] } } : undefined;
}

function credit(text: string): Verdict | undefined {
  const [, who] = CREDIT.exec(text) ?? SOURCE_CREDIT.exec(text) ?? [];
  if (!who || who.length > 120) return undefined;
  // "Reporting by A; Editing by B": each part names its contributor after its own "by".
  const credits = who
    .split(/\s*[,;]\s*|\s+and\s+/)
    .map((c) => c.replace(CONTRIBUTION, "").trim())
    .filter(Boolean);
  // Credits name agencies and people; "with inputs from farmers, the plan changed" is a sentence.
  if (!credits.every((c) => /^\p{Lu}/u.test(c) && c.split(/\s+/).length <= 5)) return undefined;
  return { kind: "credit", credits };
}

export const BYLINE_RULES: readonly LineRule[] = [
  { name: "by", match: by },
  { name: "name / agency", match: nameSlashAgency },
  { name: "desk", match: desk },
  { name: "credit", match: credit },
];
