/**
 * @module cli/scrape/dates
 * Finding a date in scraped text, and inferring the day of publication from it and a weekday.
 * Pure TypeScript, like the rest of the importer.
 */

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

/**
 * The first full date ("March 27, 2025" or "27 March 2025") in a text, as a UTC midnight.
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
