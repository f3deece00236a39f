/**
 * @module core/schema
 * The one article schema. Files in `articles/`, the editors' API and the CLI all validate with it,
 * and every article type is derived from it.
 */
import * as v from "valibot";
import { storedCorrectionSchema } from "./correction-schema";
import { LIMITS, utf8Bytes } from "./limits";
import { oneLine } from "./one-line";

export { LIMITS } from "./limits";

import { canonicalLanguage } from "./edition";
import { MAX_SLUG_LENGTH, SLUG_PATTERN } from "./slug";

export { MAX_SLUG_LENGTH, SLUG_PATTERN } from "./slug";

// RFC 3339 profile of ISO 8601: a full date-time with an explicit zone, so that an article's
// moment of publication never depends on where it was rendered.
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Whether the date and time exist: Date.parse rolls 2025-02-30 over to March, so check the parts. */
function isRealDateTime(value: string): boolean {
  const [, year, month, day, hour, minute, second = "0", zoneHour = "0", zoneMinute = "0"] =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/.exec(value) ?? [];
  // The format has its own check and message.
  if (!year || !month || !day || !hour || !minute) return true;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day) &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    Number(zoneHour) <= 23 &&
    Number(zoneMinute) <= 59
  );
}

const text = oneLine;

/**
 * A list of at most `max` items, each checked by `item`. The count is checked first, so a list of
 * 200,000 names costs one comparison, not 200,000 validations.
 */
const list = <const T extends v.GenericSchema<string, string>>(item: T, max: number, message: string) =>
  v.pipe(
    v.unknown(),
    v.check((value) => !Array.isArray(value) || value.length <= max, `must have at most ${max} entries`),
    // valibot ends a pipe at the next schema once a check has failed, so an over-long list stops here.
    v.array(item, message),
  );

const dateTime = v.pipe(
  v.string("must be an ISO 8601 date-time, like 2025-03-28T09:00:00Z"),
  v.trim(),
  v.regex(DATE_TIME_WITH_ZONE, "must be an ISO 8601 date-time with a time zone, like 2025-03-28T09:00:00Z"),
  v.check(isRealDateTime, "is not a real date"),
);

// An image is either on another https:// host or a path on this site.
const isImageUrl = (value: string): boolean =>
  value.startsWith("/") ? !value.startsWith("//") : URL.canParse(value) && new URL(value).protocol === "https:";
const isWebUrl = (value: string): boolean => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

/**
 * Every URL field: trimmed, at most LIMITS.urlLength characters (checked before the URL is parsed),
 * then `allowed`. The one place a URL's length is limited, so no field can forget it.
 */
const urlField = (allowed: (value: string) => boolean, problem: string) =>
  v.pipe(
    v.string("must be text"),
    v.trim(),
    v.maxLength(LIMITS.urlLength, `must be at most ${LIMITS.urlLength} characters`),
    v.check(allowed, problem),
  );
const imageUrl = urlField(isImageUrl, "must be an https:// URL or a path starting with /");
const webUrl = urlField(isWebUrl, "must be an http(s):// URL");

const objectMessage = (issue: v.BaseIssue<unknown>): string =>
  issue.expected === "never" ? "is not a known field" : "must be a set of fields";

export const slugSchema = v.pipe(
  v.string("must be text"),
  v.maxLength(MAX_SLUG_LENGTH, `must be at most ${MAX_SLUG_LENGTH} characters`),
  v.regex(SLUG_PATTERN, "must be lower-case letters and digits joined by single hyphens, like my-first-article"),
);

export const imageSchema = v.strictObject(
  {
    url: v.optional(imageUrl),
    alt: v.pipe(
      v.string("must be text that describes the image for readers who cannot see it"),
      v.trim(),
      v.maxLength(LIMITS.altLength, `must be at most ${LIMITS.altLength} characters`),
    ),
    caption: v.optional(text(LIMITS.captionLength)),
    credit: v.optional(text(LIMITS.creditLength)),
  },
  objectMessage,
);

/** A Markdown body, as articles and live updates take it: the same limit, checked first. */
const markdownBody = v.pipe(
  v.string("must be Markdown text"),
  // Checked before anything else reads the body: every later step is linear in its size.
  v.check((b) => utf8Bytes(b) <= LIMITS.bodyBytes, `must be at most ${LIMITS.bodyBytes} bytes of Markdown (the limit)`),
  v.check((b) => b.trim().length > 0, "must not be empty: there is no text"),
  // Blank lines around the text carry no meaning; dropping them makes a file and its JSON
  // form the same content, with the same version.
  v.transform((b) => `${b.replace(/^(?:[ \t]*\r?\n)+/, "").trimEnd()}\n`),
);

/**
 * Live coverage (docs/live-and-corrections.md): `live: true` while it runs from the publication
 * time, or its times, `live: { start, end }`; an `end` closes it. `live: false` is not live.
 */
const liveSchema = v.pipe(
  v.unknown(),
  v.transform((value) => (value === true ? {} : value === false ? undefined : value)),
  v.optional(
    v.pipe(
      v.strictObject({ start: v.optional(dateTime), end: v.optional(dateTime) }, (issue) =>
        issue.expected === "never" ? "is not a known field" : "must be true, or the coverage times, like { start: …, end: … }",
      ),
      v.forward(
        v.check(
          (live) => !live.start || !live.end || Date.parse(live.end) >= Date.parse(live.start),
          "must not be earlier than start",
        ),
        ["end"],
      ),
    ),
  ),
);

/** What an editor writes: the frontmatter fields plus the Markdown body. */
/** A BCP 47 language tag, put in its canonical form (core/edition.ts). */
const languageTag = v.pipe(
  v.string("must be text"),
  v.check((tag) => canonicalLanguage(tag) !== undefined, "must be a BCP 47 language tag like es, pt-BR or zh-Hans"),
  v.transform((tag) => canonicalLanguage(tag) ?? tag),
);

export const articleInputSchema = v.pipe(
  v.strictObject(
    {
      title: text(LIMITS.titleLength),
      published: dateTime,
      updated: v.optional(dateTime),
      category: text(LIMITS.categoryLength),
      authors: v.optional(list(text(LIMITS.authorLength), LIMITS.authors, "must be a list of names"), []),
      summary: v.optional(text(LIMITS.summaryLength)),
      image: v.optional(imageSchema),
      tags: v.optional(list(text(LIMITS.tagLength), LIMITS.tags, "must be a list of words"), []),
      draft: v.optional(v.boolean("must be true or false"), false),
      live: v.optional(liveSchema),
      /** The edition it is in (a BCP 47 tag the site has an edition for); the default edition when absent. */
      language: v.optional(languageTag),
      /** The slug of another article: both are then versions of one story, in one translation group. */
      translationOf: v.optional(slugSchema),
      body: markdownBody,
    },
    objectMessage,
  ),
  v.forward(
    v.check(
      (input) => input.updated === undefined || Date.parse(input.updated) >= Date.parse(input.published),
      "must not be earlier than published",
    ),
    ["updated"],
  ),
  v.forward(
    v.check(
      (input) => !input.live?.end || input.live.start !== undefined || Date.parse(input.live.end) >= Date.parse(input.published),
      "must not be earlier than published (coverage starts then unless live.start says otherwise)",
    ),
    ["live", "end"],
  ),
);

export type ArticleInput = v.InferOutput<typeof articleInputSchema>;

/** A live update, as editors send it to `POST /api/articles/:slug/updates` (and PUT to replace it). */
export const liveUpdateInputSchema = v.strictObject(
  {
    headline: v.optional(text(LIMITS.titleLength)),
    body: markdownBody,
    pinned: v.optional(v.boolean("must be true or false"), false),
  },
  objectMessage,
);

export type LiveUpdateInput = v.InferOutput<typeof liveUpdateInputSchema>;

/** An author's profile, as editors send it to `PUT /api/authors/:slug`. */
export const authorProfileSchema = v.strictObject(
  {
    name: text(LIMITS.authorLength),
    bio: v.optional(v.pipe(v.string("must be text"), v.trim(), v.maxLength(2000, "must be at most 2000 characters")), ""),
    url: v.optional(webUrl),
    photoUrl: v.optional(imageUrl),
  },
  objectMessage,
);

export type AuthorProfile = v.InferOutput<typeof authorProfileSchema>;

/**
 * A section's display name, its names in other editions (by language tag: `{"es": "Mundo"}`) and
 * its place in the navigation, for `PUT /api/sections/:slug`.
 */
export const sectionUpdateSchema = v.strictObject(
  {
    name: v.optional(text(LIMITS.categoryLength)),
    names: v.optional(
      v.pipe(
        v.record(v.string(), text(LIMITS.categoryLength), "must be an object of names by language tag"),
        v.check((names) => Object.keys(names).length <= 50, "must name at most 50 editions"),
      ),
    ),
    position: v.optional(
      v.pipe(
        v.number("must be a whole number"),
        v.integer("must be a whole number"),
        v.minValue(0, "must be 0 or more"),
        v.maxValue(10_000, "must be at most 10000"),
      ),
    ),
  },
  objectMessage,
);

export type SectionUpdate = v.InferOutput<typeof sectionUpdateSchema>;
export type ArticleImage = v.InferOutput<typeof imageSchema>;

/** One problem with one field, as editors see it. */
export interface FieldProblem {
  field: string;
  problem: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/**
 * Problems as one line, for a message or a log.
 * @example describeProblems([{ field: "title", problem: "is required" }, { field: "tags.2", problem: "is too long" }])
 * // "title is required; tags.2 is too long"
 */
export const describeProblems = (problems: readonly FieldProblem[]): string =>
  problems.map((p) => `${p.field} ${p.problem}`).join("; ");

/** Validates unknown data against a schema and turns valibot's issues into field/problem pairs. */
export function validate<const S extends v.GenericSchema>(schema: S, data: unknown): Validated<v.InferOutput<S>> {
  const result = v.safeParse(schema, data);
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, problems: result.issues.map(toFieldProblem) };
}

/** Checks a slug with the same rules the schema applies everywhere. */
export function validateSlug(slug: string): Validated<string> {
  const result = validate(slugSchema, slug);
  return result.ok ? result : { ok: false, problems: result.problems.map((p) => ({ ...p, field: "slug" })) };
}

function toFieldProblem(issue: v.BaseIssue<unknown>): FieldProblem {
  const field = v.getDotPath(issue) ?? "";
  if (issue.kind === "schema" && issue.input === undefined && issue.expected !== "never") {
    return { field, problem: "is required" };
  }
  return { field, problem: issue.message };
}

/**
 * An article as stored in KV: the editor's fields, with the Markdown already rendered and
 * sanitized. Records are re-checked when read, so one broken value cannot break a page.
 */
export const storedArticleSchema = v.object({
  slug: v.string(),
  title: v.string(),
  published: v.string(),
  updated: v.optional(v.string()),
  category: v.string(),
  authors: v.array(v.string()),
  summary: v.string(),
  /** True when the editor gave no summary and it was derived from the body. */
  summaryDerived: v.optional(v.boolean()),
  image: v.optional(
    v.object({
      url: v.optional(v.string()),
      alt: v.string(),
      caption: v.optional(v.string()),
      credit: v.optional(v.string()),
      /** The image's size when it is one uploaded here, for `width` and `height` attributes. */
      width: v.optional(v.number()),
      height: v.optional(v.number()),
    }),
  ),
  tags: v.array(v.string()),
  /** The slugs of its section, tags and authors, in the order of their names: stable, for links. */
  links: v.optional(v.object({ section: v.string(), tags: v.array(v.string()), authors: v.array(v.string()) })),
  draft: v.boolean(),
  /** Live coverage: when it started and, once it ended, when. */
  live: v.optional(v.object({ start: v.string(), end: v.optional(v.string()) })),
  markdown: v.string(),
  html: v.string(),
  readingMinutes: v.number(),
  version: v.string(),
  /** Its corrections and clarifications, oldest first (editorial/corrections.ts keeps them current). */
  corrections: v.optional(v.array(storedCorrectionSchema)),
  /** When its corrections last changed, a withdrawal included: a change readers' software should see. */
  correctedAt: v.optional(v.string()),
});

export type StoredArticle = v.InferOutput<typeof storedArticleSchema>;

/** What a list page needs of an article, kept in the KV index key's metadata (at most 1024 bytes). */
export const listEntrySchema = v.object({
  slug: v.string(),
  title: v.string(),
  published: v.string(),
  updated: v.optional(v.string()),
  category: v.string(),
  /** The section's slug, for the kicker's link. */
  section: v.optional(v.string()),
  summary: v.string(),
});

export type ListEntry = v.InferOutput<typeof listEntrySchema>;
