/**
 * @module cli/scrape/publication-date
 * Chooses when an article was published (and last updated) from what the page printed, in order of
 * trust: the editor's --published, a byline's or date line's date, the dateline's day, and last the
 * day inferred from a dated caption and a weekday in the text.
 */

import type { Dateline } from "./dateline";
import { type FoundDate, inferPublicationDate, NOON_UTC, toDateTime } from "./dates";
import type { DatedLine } from "./rules/verdict";
import type { DateSource, Detected, ScrapeWarning } from "./types";

/** A date the page printed, where it was printed. */
export interface DateSeen extends DatedLine {
  from: "byline" | "date line";
  line: number;
}

export interface DateEvidence {
  /** The editor's --published: an ISO date-time, or a bare date for noon UTC. */
  given?: string | undefined;
  seen: readonly DateSeen[];
  dateline?: Dateline | undefined;
  caption?: string | undefined;
  paragraphs: readonly string[];
}

type Chosen = NonNullable<Detected["published"]>;

/**
 * The publication date (and an update date, when the page prints both), or why none could be found.
 * Warnings go to `warnings`: a time without a zone, or a day known only from a photo.
 * @example choosePublished({ seen: [{ kind: "updated", from: "byline", line: 3, date }], paragraphs: [] }, [])
 * // { published: { value: "2020-01-15T14:55:00+05:30", from: "byline", how: 'line 3 prints "January 15, 2020 14:55 IST" …' } }
 */
export function choosePublished(
  evidence: DateEvidence,
  warnings: ScrapeWarning[],
): { published: Chosen; updated?: Chosen } | { reason: string } {
  const given = evidence.given?.trim();
  if (given) {
    return /^\d{4}-\d{2}-\d{2}$/.test(given)
      ? { published: { value: `${given}T12:00:00Z`, from: "option", how: `given as a date only; ${NOON_UTC}` } }
      : { published: { value: given, from: "option", how: "given" } };
  }
  const published = evidence.seen.find((s) => s.kind === "published");
  const updated = evidence.seen.find((s) => s.kind === "updated");
  if (published) {
    const first = fromSeen(published, warnings);
    const later = updated ? fromSeen(updated, warnings) : undefined;
    return later && Date.parse(later.value) > Date.parse(first.value)
      ? { published: first, updated: later }
      : { published: first };
  }
  if (updated) {
    const only = fromSeen(updated, warnings);
    return { published: { ...only, how: `${only.how}; the page gives only when it was updated, so that is taken as published` } };
  }
  const datelineDate = evidence.dateline?.date;
  if (datelineDate) return { published: chosen(datelineDate, "dateline", `the dateline "${evidence.dateline?.text}"`, warnings) };

  const inferred = inferPublicationDate(evidence.caption, evidence.paragraphs);
  if (!inferred.ok) return { reason: `the page prints no date, and ${inferred.reason}` };
  if (!inferred.weekday) {
    warnings.push({ kind: "check", field: "published", message: "only the photo's date is known: check the day" });
  }
  return { published: { value: `${inferred.date}T12:00:00Z`, from: "inferred", how: `${inferred.how}; ${NOON_UTC}` } };
}

function fromSeen(seen: DateSeen, warnings: ScrapeWarning[]): Chosen {
  return chosen(seen.date, seen.from, `line ${seen.line}, ${seen.from === "byline" ? "the byline" : "a date line"}`, warnings);
}

function chosen(date: FoundDate, from: DateSource, where: string, warnings: ScrapeWarning[]): Chosen {
  const { value, how, zoneless } = toDateTime(date);
  if (zoneless) {
    warnings.push({ kind: "check", field: "published", message: `${where} gives a time but no time zone; it was read as UTC` });
  }
  return { value, from, how: `${where}: ${how}` };
}
