/**
 * @module cli/scrape/dates
 * Dates in scraped text: reading a date line or a byline's date with chrono-node (time zones such as
 * IST kept as offsets), writing it as the schema's ISO 8601 date-time, and inferring the day of
 * publication from a dated caption and a weekday when the page prints no date at all.
 */
import * as chrono from "chrono-node";

const MONTH =
  "(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?";
// The date patterns are exported because alt text (./text.ts) strips the same dates from a caption.
export const MONTH_DAY_YEAR = `\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`;
export const DAY_MONTH_YEAR = `\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH},?\\s+(\\d{4})\\b`;
export const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
// A weekday that names the day of the news, not one relative to it ("last Friday") or a habit ("every Friday").
const WEEKDAY = new RegExp(
  `(?<!\\b(?:[Nn]ext|[Ll]ast|[Tt]his|[Ee]very|[Cc]oming|[Ff]ollowing|[Pp]revious|[Pp]ast)\\s+)\\b(${WEEKDAY_NAMES.join("|")})\\b`,
  "g",
);
const DAY_MS = 86_400_000;
/** What the schema needs when a page gives a day but no time: noon UTC keeps the day the same in every zone from −11 to +11. */
export const NOON_UTC = "no time of day is given, so noon UTC";

// English first; then the languages whose month names chrono also reads. A page is in one language,
// and a date line is short, so trying each in turn costs nothing and cannot mix two readings.
const PARSERS = [
  ["English", chrono.en.strict],
  ["German", chrono.de.strict],
  ["French", chrono.fr.strict],
  ["Spanish", chrono.es.strict],
  ["Italian", chrono.it.strict],
  ["Portuguese", chrono.pt.strict],
  ["Dutch", chrono.nl.strict],
] as const;

/** A calendar date, with a time and a UTC offset when the text gives them. */
export interface FoundDate {
  /** The words that gave the date, as printed. */
  text: string;
  /** Where in the searched text those words start. */
  index: number;
  language: string;
  year: number;
  month: number;
  day: number;
  time?: { hour: number; minute: number; second: number };
  /** Minutes east of UTC, when the text names a zone ("IST" is +330). */
  offset?: number;
}

/**
 * The first full date (day, month and year all printed) in a short text, in any language chrono-node reads.
 * A date without a year ("Oct 14") is not taken: chrono would guess the year from today.
 * @example findFullDate("By Priya Raman | Updated: January 15, 2020 14:55 IST")
 * // { text: "January 15, 2020 14:55 IST", year: 2020, month: 1, day: 15, time: { hour: 14, minute: 55, second: 0 }, offset: 330, ... }
 */
export function findFullDate(text: string): FoundDate | undefined {
  for (const [language, parser] of PARSERS) {
    for (const result of parser.parse(text)) {
      const start = result.start;
      if (!start.isCertain("year") || !start.isCertain("month") || !start.isCertain("day")) continue;
      const found: FoundDate = {
        text: result.text,
        index: result.index,
        language,
        year: start.get("year") ?? 0,
        month: start.get("month") ?? 0,
        day: start.get("day") ?? 0,
      };
      if (start.isCertain("hour")) {
        found.time = { hour: start.get("hour") ?? 0, minute: start.get("minute") ?? 0, second: start.get("second") ?? 0 };
      }
      const offset = start.get("timezoneOffset");
      if (start.isCertain("timezoneOffset") && typeof offset === "number") found.offset = offset;
      return found;
    }
  }
  return undefined;
}

/**
 * The schema's ISO 8601 date-time for a found date, and how it was made. Without a time it is noon UTC;
 * with a time but no zone the time is read as UTC, and `zoneless` says so, for the report to warn.
 * @example toDateTime({ year: 2020, month: 1, day: 15, time: { hour: 14, minute: 55, second: 0 }, offset: 330, ... })
 * // { value: "2020-01-15T14:55:00+05:30", how: '"January 15, 2020 14:55 IST"', zoneless: false }
 */
export function toDateTime(found: FoundDate): { value: string; how: string; zoneless: boolean } {
  const day = `${found.year}-${pad(found.month)}-${pad(found.day)}`;
  const quoted = `"${found.text}"${found.language === "English" ? "" : ` (read as ${found.language})`}`;
  if (!found.time) return { value: `${day}T12:00:00Z`, how: `${quoted}; ${NOON_UTC}`, zoneless: false };
  const { hour, minute, second } = found.time;
  const time = `${pad(hour)}:${pad(minute)}:${pad(second)}`;
  if (found.offset === undefined) {
    return { value: `${day}T${time}Z`, how: `${quoted}; it names no time zone, so UTC`, zoneless: true };
  }
  return { value: `${day}T${time}${offsetText(found.offset)}`, how: quoted, zoneless: false };
}

function offsetText(minutes: number): string {
  if (minutes === 0) return "Z";
  const sign = minutes < 0 ? "-" : "+";
  const whole = Math.abs(minutes);
  return `${sign}${pad(Math.floor(whole / 60))}:${pad(whole % 60)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * The first full English date ("March 27, 2025" or "27 March 2025") in a text, as a UTC midnight.
 * @example findDate("Beijing on 27 March 2025.") // { date: 2025-03-27T00:00:00.000Z, text: "27 March 2025" }
 */
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

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
