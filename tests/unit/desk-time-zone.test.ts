/**
 * Wall time in named zones: fixed offsets, half-hour zones, DST gaps and overlaps, and round trips
 * between instants and datetime-local values checked as properties.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { instantFromWallTime, isTimeZone, wallTimeInput, zoneLabel } from "../../src/newsroom/desk/time-zone";

const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;

describe("isTimeZone", () => {
  it("knows IANA zone names", () => {
    for (const zone of [
      "UTC",
      "Etc/UTC",
      "Europe/London",
      "America/New_York",
      "Asia/Kolkata",
      "America/Argentina/Buenos_Aires",
    ]) {
      expect(isTimeZone(zone), zone).toBe(true);
    }
  });

  it("refuses what is not a zone name, offsets included", () => {
    for (const zone of ["", "Mars/Olympus_Mons", "Europe/Londres", "+01:00", "-05:00", "London", "Europe/London/"]) {
      expect(isTimeZone(zone), zone).toBe(false);
    }
  });
});

describe("wallTimeInput", () => {
  it("shows UTC as it is, to the minute", () => {
    expect(wallTimeInput(Date.parse("2026-11-28T19:30:59.999Z"), "UTC")).toBe("2026-11-28T19:30");
  });

  it("shows zones east of Greenwich ahead, across a year's end", () => {
    expect(wallTimeInput(Date.parse("2026-07-01T08:00:00Z"), "Europe/London")).toBe("2026-07-01T09:00");
    expect(wallTimeInput(Date.parse("2026-12-31T23:30:00Z"), "Asia/Tokyo")).toBe("2027-01-01T08:30");
  });

  it("shows zones west of Greenwich behind, across a day's start", () => {
    expect(wallTimeInput(Date.parse("2026-01-15T03:00:00Z"), "America/New_York")).toBe("2026-01-14T22:00");
  });

  it("shows half-hour and quarter-hour zones", () => {
    expect(wallTimeInput(Date.parse("2026-11-28T14:00:00Z"), "Asia/Kolkata")).toBe("2026-11-28T19:30");
    expect(wallTimeInput(Date.parse("2026-11-28T14:00:00Z"), "Asia/Kathmandu")).toBe("2026-11-28T19:45");
  });

  it("shows midnight as 00, not 24", () => {
    expect(wallTimeInput(Date.parse("2026-11-28T00:00:00Z"), "UTC")).toBe("2026-11-28T00:00");
  });

  it("shows both instants of an overlap as the same wall time", () => {
    expect(wallTimeInput(Date.parse("2026-10-25T00:30:00Z"), "Europe/London")).toBe("2026-10-25T01:30");
    expect(wallTimeInput(Date.parse("2026-10-25T01:30:00Z"), "Europe/London")).toBe("2026-10-25T01:30");
  });
});

describe("instantFromWallTime", () => {
  it("writes UTC with Z, with or without seconds", () => {
    expect(instantFromWallTime("2026-11-28T19:30", "UTC")).toBe("2026-11-28T19:30:00Z");
    expect(instantFromWallTime("2026-11-28T19:30:15", "UTC")).toBe("2026-11-28T19:30:15Z");
  });

  it("writes a positive offset, from the zone's rules on that date", () => {
    expect(instantFromWallTime("2026-07-01T09:00", "Europe/London")).toBe("2026-07-01T09:00:00+01:00");
    expect(instantFromWallTime("2026-01-15T09:00", "Europe/London")).toBe("2026-01-15T09:00:00Z");
    expect(instantFromWallTime("2026-11-28T19:30", "Asia/Tokyo")).toBe("2026-11-28T19:30:00+09:00");
  });

  it("writes a negative offset", () => {
    expect(instantFromWallTime("2026-01-14T22:00", "America/New_York")).toBe("2026-01-14T22:00:00-05:00");
    expect(instantFromWallTime("2026-07-04T12:00", "America/Los_Angeles")).toBe("2026-07-04T12:00:00-07:00");
  });

  it("writes half-hour offsets, either side of Greenwich", () => {
    const kolkata = instantFromWallTime("2026-11-28T19:30", "Asia/Kolkata");
    expect(kolkata).toBe("2026-11-28T19:30:00+05:30");
    expect(Date.parse(kolkata ?? "")).toBe(Date.parse("2026-11-28T14:00:00Z"));
    expect(instantFromWallTime("2026-01-15T09:00", "America/St_Johns")).toBe("2026-01-15T09:00:00-03:30");
  });

  it("moves a time in Europe/London's spring-forward gap on by the gap (01:30 becomes 02:30 BST)", () => {
    expect(instantFromWallTime("2026-03-29T00:59", "Europe/London")).toBe("2026-03-29T00:59:00Z");
    expect(instantFromWallTime("2026-03-29T01:00", "Europe/London")).toBe("2026-03-29T02:00:00+01:00");
    expect(instantFromWallTime("2026-03-29T01:30", "Europe/London")).toBe("2026-03-29T02:30:00+01:00");
    expect(instantFromWallTime("2026-03-29T02:00", "Europe/London")).toBe("2026-03-29T02:00:00+01:00");
  });

  it("moves a time in America/New_York's spring-forward gap on by the gap (02:30 becomes 03:30 EDT)", () => {
    expect(instantFromWallTime("2026-03-08T01:59", "America/New_York")).toBe("2026-03-08T01:59:00-05:00");
    expect(instantFromWallTime("2026-03-08T02:30", "America/New_York")).toBe("2026-03-08T03:30:00-04:00");
    expect(instantFromWallTime("2026-03-08T03:00", "America/New_York")).toBe("2026-03-08T03:00:00-04:00");
  });

  it("takes the earlier instant in Europe/London's autumn overlap", () => {
    expect(instantFromWallTime("2026-10-25T00:59", "Europe/London")).toBe("2026-10-25T00:59:00+01:00");
    expect(instantFromWallTime("2026-10-25T01:00", "Europe/London")).toBe("2026-10-25T01:00:00+01:00");
    expect(instantFromWallTime("2026-10-25T01:59", "Europe/London")).toBe("2026-10-25T01:59:00+01:00");
    expect(instantFromWallTime("2026-10-25T02:00", "Europe/London")).toBe("2026-10-25T02:00:00Z");
  });

  it("takes the earlier instant in America/New_York's autumn overlap", () => {
    expect(instantFromWallTime("2026-11-01T01:30", "America/New_York")).toBe("2026-11-01T01:30:00-04:00");
    expect(instantFromWallTime("2026-11-01T02:00", "America/New_York")).toBe("2026-11-01T02:00:00-05:00");
  });

  it("handles a half-hour DST shift (Lord Howe Island)", () => {
    expect(instantFromWallTime("2026-10-04T02:15", "Australia/Lord_Howe")).toBe("2026-10-04T02:45:00+11:00");
    expect(instantFromWallTime("2026-04-05T01:45", "Australia/Lord_Howe")).toBe("2026-04-05T01:45:00+11:00");
  });

  it("handles a whole skipped day (Samoa, 30 December 2011)", () => {
    expect(instantFromWallTime("2011-12-29T23:00", "Pacific/Apia")).toBe("2011-12-29T23:00:00-10:00");
    expect(instantFromWallTime("2011-12-30T12:00", "Pacific/Apia")).toBe("2011-12-31T12:00:00+14:00");
    expect(instantFromWallTime("2011-12-31T00:30", "Pacific/Apia")).toBe("2011-12-31T00:30:00+14:00");
  });

  it("accepts 29 February in a leap year only", () => {
    expect(instantFromWallTime("2028-02-29T10:00", "UTC")).toBe("2028-02-29T10:00:00Z");
    expect(instantFromWallTime("2026-02-29T10:00", "UTC")).toBeNull();
  });

  it("is null for text that is not a real wall time", () => {
    for (const text of [
      "2026-02-30T10:00",
      "2026-04-31T10:00",
      "2026-13-01T10:00",
      "2026-00-10T10:00",
      "2026-11-00T10:00",
      "2026-11-28T24:00",
      "2026-11-28T10:60",
      "2026-11-28T10:00:60",
      "yesterday",
      "",
      "2026-11-28",
      "2026-11-28 10:00",
      "2026-11-28T10:00Z",
      "2026-11-28T10:00+01:00",
      "2026-11-28T10:00:00.000",
      "26-11-28T10:00",
      "0000-01-01T00:00",
      "２０２６-11-28T10:00",
    ]) {
      expect(instantFromWallTime(text, "Europe/London"), text).toBeNull();
    }
  });
});

describe("round trips", () => {
  const zones = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Asia/Kolkata",
    "America/St_Johns",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
  ];
  const instant = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2100, 0, 1) });
  const zone = fc.constantFrom(...zones);

  it("gives back the instant, to the minute, or in an overlap the earlier one that shows the same", () => {
    fc.assert(
      fc.property(instant, zone, (t, z) => {
        const wall = wallTimeInput(t, z);
        const rfc3339 = instantFromWallTime(wall, z);
        expect(rfc3339).toMatch(RFC_3339);
        const back = Date.parse(rfc3339 ?? "");
        const minute = Math.floor(t / 60_000) * 60_000;
        if (back !== minute) {
          expect(back).toBeLessThan(minute);
          expect(wallTimeInput(back, z)).toBe(wall);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it("finds the overlaps' later instants too (the exception above is not vacuous)", () => {
    const later = Date.parse("2026-10-25T01:30:00Z");
    expect(Date.parse(instantFromWallTime(wallTimeInput(later, "Europe/London"), "Europe/London") ?? "")).toBe(later - 3_600_000);
  });

  it("writes, for any wall time, an instant whose offset agrees with the wall time it shows", () => {
    // Any wall time at all, gaps included: the result names the wall clock's reading at that instant.
    const anyWall = instant.map((t) => new Date(t).toISOString().slice(0, 16));
    fc.assert(
      fc.property(anyWall, zone, (wall, z) => {
        const rfc3339 = instantFromWallTime(wall, z);
        expect(rfc3339).toMatch(RFC_3339);
        const back = Date.parse(rfc3339 ?? "");
        expect(wallTimeInput(back, z)).toBe(rfc3339?.slice(0, 16));
        // Unchanged, except in a gap, where it moves on by less than a few hours.
        const shift = Date.parse(`${rfc3339?.slice(0, 19)}Z`) - Date.parse(`${wall}:00Z`);
        expect(shift).toBeGreaterThanOrEqual(0);
        expect(shift).toBeLessThanOrEqual(2 * 3_600_000);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("zoneLabel", () => {
  const winter = Date.parse("2026-01-15T12:00:00Z");
  const summer = Date.parse("2026-07-15T12:00:00Z");

  it("is just UTC for UTC", () => {
    expect(zoneLabel("UTC", summer)).toBe("UTC");
    expect(zoneLabel("Etc/UTC", summer)).toBe("UTC");
  });

  it("gives the zone's offset at that instant", () => {
    expect(zoneLabel("Europe/London", summer)).toBe("Europe/London (GMT+1)");
    expect(zoneLabel("Europe/London", winter)).toBe("Europe/London (GMT)");
    expect(zoneLabel("America/New_York", winter)).toBe("America/New_York (GMT-5)");
    expect(zoneLabel("America/New_York", summer)).toBe("America/New_York (GMT-4)");
  });

  it("gives minutes when the offset has them", () => {
    expect(zoneLabel("Asia/Kolkata", winter)).toBe("Asia/Kolkata (GMT+5:30)");
    expect(zoneLabel("America/St_Johns", winter)).toBe("America/St_Johns (GMT-3:30)");
    expect(zoneLabel("Pacific/Chatham", winter)).toBe("Pacific/Chatham (GMT+13:45)");
  });
});
