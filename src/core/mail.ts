/**
 * @module core/mail
 * What newsletters are made of, checked once: the lists a reader can subscribe to, the two modes,
 * what counts as an address, and the rule for every value that reaches an email header (no CR, LF
 * or other control character, and a length limit), so no field a reader or editor wrote can add a
 * header or a recipient. Pure: the newsroom's mail modules build on it (docs/newsletters.md).
 */
import { isSlug } from "./slug";

/** The two ways to receive a list: each article as it is first published, or a daily digest. */
export const MODES = ["alerts", "digest"] as const;
export type Mode = (typeof MODES)[number];

/**
 * A list: the home page, one section, tag or author, a live article's key events, or every
 * correction, of one edition. `edition` is "" for the default edition, else its lower-case BCP 47
 * tag, and a list's name carries it as the listings' names do (`es/section:world`), so the Spanish
 * edition's World list is not the default edition's. A live article's list needs none: its slug
 * names one article, in one edition.
 */
export type List = { edition: string } & (
  | { kind: "home" }
  | { kind: "corrections" }
  | { kind: "section" | "tag" | "author" | "live"; slug: string }
);

/** The longest list name accepted (`author:` and a slug of at most 100 characters). */
export const MAX_LIST_LENGTH = 120;
/** RFC 5321 §4.5.3.1.3: a path (an address) is at most 254 octets usable; its local part at most 64. */
export const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
/** The longest subject line sent: far below RFC 5322's 998-character line limit once encoded. */
export const MAX_SUBJECT_LENGTH = 200;

/**
 * The list a name stands for, or null when it is not one.
 * @example parseList("section:world") // { kind: "section", slug: "world" }
 * @example parseList("section:") // null
 */
export function parseList(name: string): List | null {
  if (name.length > MAX_LIST_LENGTH) return null;
  const slash = name.indexOf("/");
  const edition = slash < 0 ? "" : name.slice(0, slash);
  const rest = name.slice(slash + 1);
  // The same rule as targets/document-name.ts's EDITION_PATTERN (core cannot import targets).
  if (slash >= 0 && !/^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/.test(edition)) return null;
  if (rest === "home" || rest === "corrections") return { edition, kind: rest };
  const match = /^(section|tag|author|live):(.+)$/.exec(rest);
  if (!match?.[1] || !match[2] || !isSlug(match[2])) return null;
  if (match[1] === "live" && edition) return null;
  return { edition, kind: match[1] as "section" | "tag" | "author" | "live", slug: match[2] };
}

/** What a list's name begins with in an edition: "" for the default edition, like "es/" for the others. */
export const listSpace = (edition: string): string => (edition ? `${edition}/` : "");

/**
 * A list's name, as stored and as the form sends it.
 * @example listName({ edition: "es", kind: "section", slug: "world" }) // "es/section:world"
 */
export const listName = (list: List): string =>
  `${listSpace(list.edition)}${"slug" in list ? `${list.kind}:${list.slug}` : list.kind}`;

/** Whether `text` is one of the modes. */
export const isMode = (text: string): text is Mode => (MODES as readonly string[]).includes(text);

/**
 * An address as stored: trimmed and lower-cased, or null when it is not one Broadsheet will send to.
 * Deliberately narrower than RFC 5322: a dot-atom local part and a domain of letters, digits and
 * hyphens with at least one dot. Quoted local parts, comments, IP literals, spaces, commas and angle
 * brackets are refused, so an address can never carry a second address or a header into `To:`.
 * @example normaliseAddress(" Ana@Example.ORG ") // "ana@example.org"
 * @example normaliseAddress("a@b.c\r\nBcc: x@y.z") // null
 */
export function normaliseAddress(text: string): string | null {
  const address = text.trim().toLowerCase();
  if (address.length === 0 || address.length > MAX_ADDRESS_LENGTH) return null;
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (at < 1 || local.length > MAX_LOCAL_LENGTH) return null;
  if (!/^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local)) return null;
  const labels = domain.split(".");
  if (labels.length < 2) return null;
  for (const label of labels) if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) return null;
  return address;
}

// Built from a string, so that no control character stands in a regular expression literal.
const CONTROL_CLASS = "[\\u0000-\\u001f\\u007f\\u2028\\u2029]";
const CONTROL = new RegExp(CONTROL_CLASS);
const CONTROL_RUNS = new RegExp(`${CONTROL_CLASS}+`, "g");

/**
 * Why `value` may not stand in an email header, or null when it may: CR or LF (which would end the
 * header and start another), any other control character, or more than `max` characters.
 * @example headerProblem("Hello\r\nBcc: x@y.z") // "contains a line break"
 */
export function headerProblem(value: string, max = 998): string | null {
  if (/[\r\n]/.test(value)) return "contains a line break";
  if (CONTROL.test(value)) return "contains a control character";
  if (value.length > max) return `is longer than ${max} characters`;
  return null;
}

/**
 * A title made safe for a subject line: line breaks and control characters become spaces, runs of
 * space one, and it is cut at `MAX_SUBJECT_LENGTH` with an ellipsis.
 * @example subjectOf("Floods\r\nBcc: x@y.z") // "Floods Bcc: x@y.z"
 */
export function subjectOf(title: string): string {
  const flat = title.replace(CONTROL_RUNS, " ").replace(/\s+/g, " ").trim();
  return flat.length > MAX_SUBJECT_LENGTH ? `${flat.slice(0, MAX_SUBJECT_LENGTH - 1)}…` : flat;
}

/** What an article belongs to, for matching it to lists. */
export interface Filing {
  section: string;
  tags: string[];
  authors: string[];
}

/**
 * Every list an article is sent to when it is first published: its edition's (`edition`, "" for
 * the default).
 * @example listsOf({ section: "world", tags: ["floods"], authors: ["ana"] }) // ["home", "section:world", "tag:floods", "author:ana"]
 * @example listsOf({ section: "world", tags: [], authors: [] }, "es") // ["es/home", "es/section:world"]
 */
export function listsOf(filing: Filing, edition = ""): string[] {
  const space = listSpace(edition);
  return [
    `${space}home`,
    `${space}section:${filing.section}`,
    ...filing.tags.map((tag) => `${space}tag:${tag}`),
    ...filing.authors.map((author) => `${space}author:${author}`),
  ];
}

/** The date (YYYY-MM-DD) and hour (0–23) of `at` in `timeZone`. */
export function localDayAndHour(at: number, timeZone: string): { day: string; hour: number } {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(at));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { day: `${part("year")}-${part("month")}-${part("day")}`, hour: Number(part("hour")) };
}
