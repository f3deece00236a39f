/**
 * @module newsroom/desk/time-zone
 * Wall time in a named zone, for the desk's scheduling control: `<input type="datetime-local">` has
 * no zone, so the desk shows and reads times in the site's zone (SITE_TIME_ZONE) and converts here.
 * Intl only: the zone rules are the runtime's tz data, so nothing here needs updating when they change.
 *
 * A wall time may name no instant (a DST gap: the clock skips 02:00–03:00) or two (an overlap: the
 * clock repeats 01:00–02:00). A gap takes the offset from before it, as the clock on the wall would
 * have read had it not skipped (02:30 becomes 03:30 new time); an overlap takes the earlier instant,
 * so a scheduled article never goes out later than its editor meant.
 */

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * The two ways the desk formats an instant in a zone: as parts to compute with (en-US with h23 gives
 * plain digits and 00–23 hours; plain hour12: false gives "24" at midnight), and as editors read it.
 * (dateStyle and timeStyle cannot be combined with timeZoneName, so the reading's parts are named.)
 */
const FORMATS = {
  parts: {
    locale: "en-US",
    options: {
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    },
  },
  reading: {
    locale: "en-GB",
    options: { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
  },
} satisfies Record<string, { locale: string; options: Intl.DateTimeFormatOptions }>;

// Building a DateTimeFormat loads locale and zone data; the desk formats many times per page.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string, use: keyof typeof FORMATS = "parts"): Intl.DateTimeFormat {
  const key = `${use} ${zone}`;
  let format = formatters.get(key);
  if (!format) {
    const { locale, options } = FORMATS[use];
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
    formatters.set(key, format);
  }
  return format;
}

/**
 * A time as editors read it: in the site's zone, with the zone named.
 * @example formatTime(Date.parse("2026-03-01T12:00:00Z"), "Europe/London") // "1 Mar 2026, 12:00 GMT"
 */
export const formatTime = (instant: number, zone: string): string => formatterFor(zone, "reading").format(instant);

/**
 * Whether `zone` is an IANA zone name Intl knows.
 * @example isTimeZone("Europe/London") // true
 * @example isTimeZone("Mars/Olympus_Mons") // false
 */
export function isTimeZone(zone: string): boolean {
  // ES2024 lets Intl take offsets like "+01:00" as zones too; those have no DST rules and no name.
  if (!/^[A-Za-z]/.test(zone)) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall time `instant` (ms, truncated to the second) shows in `zone`. */
function wallTimeAt(instant: number, zone: string): WallTime {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatterFor(zone).formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? Number.NaN,
    month: parts.month ?? Number.NaN,
    day: parts.day ?? Number.NaN,
    hour: parts.hour ?? Number.NaN,
    minute: parts.minute ?? Number.NaN,
    second: parts.second ?? Number.NaN,
  };
}

/** The wall time read as if it were UTC, in ms; years below 100 are not moved to the 1900s. */
function asUtc(wall: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, 0);
  return date.getTime();
}

/** The zone's offset from UTC at `instant`, in ms (positive east of Greenwich). */
function offsetAt(instant: number, zone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return asUtc(wallTimeAt(whole, zone)) - whole;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function formatWall(wall: WallTime, seconds: boolean): string {
  const date = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
  return `${date}T${pad(wall.hour)}:${pad(wall.minute)}${seconds ? `:${pad(wall.second)}` : ""}`;
}

/**
 * The value for `<input type="datetime-local">` showing `instant` (ms) as wall time in `zone`, to the
 * minute. Throws a RangeError for a zone Intl does not know.
 * @example wallTimeInput(Date.parse("2026-11-28T19:30:45Z"), "Europe/London") // "2026-11-28T19:30"
 * @example wallTimeInput(Date.parse("2026-07-01T08:00:00Z"), "Europe/London") // "2026-07-01T09:00"
 */
export function wallTimeInput(instant: number, zone: string): string {
  return formatWall(wallTimeAt(instant, zone), false);
}

// What datetime-local submits: seconds only when the input's step asks for them.
const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

function parseWall(text: string): WallTime | null {
  const match = WALL_TIME.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((n) => Number(n ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = { year, month, day, hour, minute, second };
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  // Day 0 of the next month is the last of this one: rejects 30 February and 31 April.
  const daysInMonth = new Date(asUtc({ ...wall, month: month + 1, day: 0 })).getUTCDate();
  return day <= daysInMonth ? wall : null;
}

/** RFC 3339's offset: "Z" when zero, else ±HH:MM. */
function formatOffset(offset: number): string {
  if (offset === 0) return "Z";
  const minutes = Math.abs(offset) / MINUTE_MS;
  return `${offset < 0 ? "-" : "+"}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/**
 * The instant for a wall time ("YYYY-MM-DDTHH:MM", seconds optional) in `zone`, as RFC 3339 with that
 * zone's offset at that instant ("Z" when the offset is zero); null when the text is not a real wall
 * time. In a DST gap the offset from before the gap applies; in an overlap, the earlier instant wins.
 * Throws a RangeError for a zone Intl does not know.
 * @example instantFromWallTime("2026-07-01T09:00", "Europe/London") // "2026-07-01T09:00:00+01:00"
 * @example instantFromWallTime("2026-03-08T02:30", "America/New_York") // "2026-03-08T03:30:00-04:00" (gap)
 * @example instantFromWallTime("2026-02-30T10:00", "UTC") // null
 */
export function instantFromWallTime(wall: string, zone: string): string | null {
  const parsed = parseWall(wall);
  if (!parsed) return null;
  const local = asUtc(parsed);
  // The offsets a day either side: a wall time that exists has one of them (zones change offset at
  // most once in a day), and a gap lies between them. As Temporal's "compatible" disambiguation.
  const before = offsetAt(local - DAY_MS, zone);
  const after = offsetAt(local + DAY_MS, zone);
  const candidates = [local - before, local - after].filter((instant) => asUtc(wallTimeAt(instant, zone)) === local);
  const instant = candidates.length > 0 ? Math.min(...candidates) : local - before;
  const offset = offsetAt(instant, zone);
  // An offset with seconds (local mean time, before the 1900s) has no RFC 3339 form: write UTC.
  if (offset % MINUTE_MS !== 0) return `${formatWall(wallTimeAt(instant, "UTC"), true)}Z`;
  return `${formatWall(wallTimeAt(instant, zone), true)}${formatOffset(offset)}`;
}

/**
 * A label for the zone with its offset at `instant`: "Europe/London (GMT+1)", "Asia/Kolkata
 * (GMT+5:30)", "Europe/London (GMT)" in winter; just "UTC" for UTC.
 * @example zoneLabel("America/New_York", Date.parse("2026-01-15T12:00:00Z")) // "America/New_York (GMT-5)"
 */
export function zoneLabel(zone: string, instant: number): string {
  if (formatterFor(zone).resolvedOptions().timeZone === "UTC") return "UTC";
  const offset = Math.round(offsetAt(instant, zone) / MINUTE_MS);
  if (offset === 0) return `${zone} (GMT)`;
  const hours = Math.floor(Math.abs(offset) / 60);
  const minutes = Math.abs(offset) % 60;
  return `${zone} (GMT${offset < 0 ? "-" : "+"}${hours}${minutes ? `:${pad(minutes)}` : ""})`;
}
