/**
 * @module cli/scrape/dateline
 * The dateline a wire story opens with: "ISLAMABAD:", "LISBON, Oct 14 (NNA) —". It stays in the text;
 * the importer only reads it, for the report and, when it gives a day, for the date.
 */
import * as chrono from "chrono-node";
import type { FoundDate } from "./dates";

// A place in capitals, an optional date, an optional agency in brackets, then a colon or a dash.
const DATELINE = /^(\p{Lu}{2}[\p{Lu} .'-]*?)(?:,\s*([^():—–-]{3,30}?))?\s*(?:\(([^)]{2,40})\))?\s*[:—–-]\s+\S/u;

export interface Dateline {
  text: string;
  place: string;
  agency?: string;
  /** The date the dateline gives, when it gives one with a year, or a year comes from elsewhere. */
  date?: FoundDate;
  /** The date words, when they were read as no date or had no year to complete them. */
  unread?: string;
}

/**
 * Reads the dateline at the start of a paragraph; `year` completes a date printed without one.
 * @example readDateline("LISBON, Oct 14 (NNA) — Portugal's…", 2023)
 * // { text: "LISBON, Oct 14 (NNA) —", place: "LISBON", agency: "NNA", date: { year: 2023, month: 10, day: 14, ... } }
 */
export function readDateline(paragraph: string, year?: number): Dateline | undefined {
  const match = DATELINE.exec(paragraph);
  if (!match) return undefined;
  const [whole, place = "", when, agency] = match;
  const dateline: Dateline = { text: whole.slice(0, -1).trim(), place: place.trim(), ...(agency ? { agency } : {}) };
  if (!when) return dateline;
  const [parsed] = chrono.en.strict.parse(when, year ? new Date(Date.UTC(year, 6, 1)) : undefined);
  const start = parsed?.start;
  if (!parsed || !start?.isCertain("month") || !start.isCertain("day") || (!start.isCertain("year") && !year)) {
    return { ...dateline, unread: when };
  }
  dateline.date = {
    text: parsed.text,
    index: 0,
    language: "English",
    year: start.isCertain("year") ? (start.get("year") ?? 0) : (year ?? 0),
    month: start.get("month") ?? 0,
    day: start.get("day") ?? 0,
  };
  return dateline;
}
