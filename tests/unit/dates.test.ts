import { describe, expect, it } from "vitest";
import { displayDate, toRfc822, toRfc3339 } from "../../src/core/dates";

// RFC 822 as updated by RFC 1123: day name, two-digit day, month name, four-digit year, GMT.
const RFC_822_GMT =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC_3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe("toRfc822", () => {
  it("writes a UTC date in GMT form", () => {
    expect(toRfc822("2025-03-28T12:00:00Z")).toBe("Fri, 28 Mar 2025 12:00:00 GMT");
  });

  it("converts a positive zone offset to GMT", () => {
    expect(toRfc822("2025-03-28T09:00:00+02:00")).toBe("Fri, 28 Mar 2025 07:00:00 GMT");
  });

  it("converts a negative zone offset, crossing into the next day, month and year", () => {
    expect(toRfc822("2025-12-31T22:30:00-05:00")).toBe("Thu, 01 Jan 2026 03:30:00 GMT");
  });

  it("converts an offset that moves the date back a day", () => {
    expect(toRfc822("2025-03-01T01:15:00+05:30")).toBe("Fri, 28 Feb 2025 19:45:00 GMT");
  });

  it("pads single-digit days and times", () => {
    expect(toRfc822("2025-03-05T04:05:06Z")).toBe("Wed, 05 Mar 2025 04:05:06 GMT");
  });

  it("accepts milliseconds since the epoch", () => {
    expect(toRfc822(Date.UTC(2025, 2, 28, 12))).toBe("Fri, 28 Mar 2025 12:00:00 GMT");
  });

  it("always matches the RFC 822 GMT pattern and parses back to the same moment", () => {
    for (const iso of ["2024-02-29T23:59:59+00:00", "2026-11-27T09:00:00Z", "2025-07-04T00:00:00-07:00"]) {
      const formatted = toRfc822(iso);
      expect(formatted).toMatch(RFC_822_GMT);
      expect(Date.parse(formatted)).toBe(Date.parse(iso));
    }
  });
});

describe("toRfc3339", () => {
  it("writes UTC with Z", () => {
    expect(toRfc3339("2025-03-28T12:00:00Z")).toBe("2025-03-28T12:00:00Z");
  });

  it("converts zone offsets to UTC", () => {
    expect(toRfc3339("2025-03-28T09:00:00+02:00")).toBe("2025-03-28T07:00:00Z");
    expect(toRfc3339("2025-12-31T22:30:00-05:00")).toBe("2026-01-01T03:30:00Z");
  });

  it("drops milliseconds without rounding", () => {
    expect(toRfc3339("2025-03-28T09:00:00.999+02:00")).toBe("2025-03-28T07:00:00Z");
  });

  it("adds seconds when the input has none", () => {
    expect(toRfc3339("2025-03-28T09:00+02:00")).toBe("2025-03-28T07:00:00Z");
  });

  it("accepts milliseconds since the epoch", () => {
    expect(toRfc3339(Date.UTC(2025, 2, 28, 12, 0, 0, 500))).toBe("2025-03-28T12:00:00Z");
  });

  it("always matches the RFC 3339 UTC pattern", () => {
    for (const iso of ["2024-02-29T23:59:59.123456+00:00", "2025-07-04T00:00:00-07:00"]) {
      expect(toRfc3339(iso)).toMatch(RFC_3339_UTC);
    }
  });
});

describe("displayDate", () => {
  it("writes a long date in the site's language", () => {
    expect(displayDate("2025-03-28T12:00:00Z", "en-GB")).toBe("28 March 2025");
    expect(displayDate("2025-03-28T12:00:00Z", "en-US")).toBe("March 28, 2025");
    expect(displayDate("2025-03-28T12:00:00Z", "fr")).toBe("28 mars 2025");
  });

  it("uses the UTC date, not the date in the article's own zone", () => {
    // 23:30 at UTC−2 on the 28th is already the 29th in UTC.
    expect(displayDate("2025-03-28T23:30:00-02:00", "en-GB")).toBe("29 March 2025");
    // 00:30 at UTC+3 on the 1st is still the previous day in UTC.
    expect(displayDate("2025-04-01T00:30:00+03:00", "en-GB")).toBe("31 March 2025");
  });
});
