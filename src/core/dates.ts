/**
 * @module core/dates
 * Date formats for feeds and pages. Articles carry ISO 8601 date-times with a zone.
 */

/**
 * RFC 822 (as updated by RFC 1123) in GMT, for RSS `pubDate` and HTTP `Last-Modified`.
 * @example toRfc822("2025-03-28T09:00:00+02:00") // "Fri, 28 Mar 2025 07:00:00 GMT"
 */
export function toRfc822(iso: string | number): string {
  // ECMAScript fixes toUTCString's format to exactly this form since ES2018.
  return new Date(iso).toUTCString();
}

/**
 * RFC 3339 in UTC without fractional seconds, for JSON Feed and `<time datetime>`.
 * @example toRfc3339("2025-03-28T09:00:00+02:00") // "2025-03-28T07:00:00Z"
 */
export function toRfc3339(iso: string | number): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A date for readers, like "28 March 2025", in the site's language, in UTC unless a time zone is given.
 * @example displayDate("2026-12-02T23:30:00Z", "en-GB", "Asia/Tokyo") // "3 December 2026"
 */
export function displayDate(iso: string | number, language: string, timeZone = "UTC"): string {
  // Building a DateTimeFormat loads locale data; a list page would otherwise do it once per entry.
  const key = `${language}|${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { dateStyle: "long", timeZone });
    formatters.set(key, format);
  }
  return format.format(new Date(iso));
}
