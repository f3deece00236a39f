/**
 * @module core/edition
 * What an edition is, checked: a BCP 47 language tag in its canonical form, and the settings an
 * editor sends for it (`PUT /api/editions/:lang`). Right-to-left scripts and the tag's path segment
 * are worked out here once, so the pipeline renders them at publish time and the reader carries none
 * of it.
 */
import * as v from "valibot";
import { oneLine } from "./one-line";

/** An edition's settings as D1 keeps them, and as the API answers them. */
export interface EditionSettings {
  /** The canonical BCP 47 tag: es, pt-BR, zh-Hans. */
  lang: string;
  name: string;
  title: string;
  description: string;
  /** An IANA time zone; undefined: the default edition's. */
  timeZone?: string;
}

/**
 * A language tag in its canonical form, or undefined when it is not a well-formed BCP 47 tag
 * (RFC 5646), as `Intl.getCanonicalLocales` judges it.
 * @example canonicalLanguage("pt-br") // "pt-BR"
 * @example canonicalLanguage("zh-hans") // "zh-Hans"
 * @example canonicalLanguage("english") // undefined: a primary subtag has 2–3 or 5–8 letters, and "english" names no language
 */
export function canonicalLanguage(tag: string): string | undefined {
  // Intl accepts private-use and grandfathered forms no edition should have; a URL segment must be
  // letters, digits and hyphens, and short.
  if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(tag) || tag.length > 35) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** Whether `timeZone` is an IANA time zone the runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

export { directionOf } from "./direction";

const text = oneLine;

/** What an editor sends to `PUT /api/editions/:lang`. */
export const editionInputSchema = v.strictObject(
  {
    name: text(60),
    title: text(200),
    description: v.optional(v.pipe(v.string("must be text"), v.trim(), v.maxLength(1000, "must be at most 1000 characters"))),
    timeZone: v.optional(v.pipe(v.string("must be text"), v.check(isTimeZone, "must be an IANA time zone like Europe/Madrid"))),
  },
  (issue) => (issue.expected === "never" ? "is not a field an edition has" : "must be a JSON object"),
);

export type EditionInput = v.InferOutput<typeof editionInputSchema>;

/** The problem with a `:lang` in a path, or undefined when it is a tag (then `canonical` is its form). */
export function languageProblem(tag: string): { field: string; problem: string } | undefined {
  return canonicalLanguage(tag) === undefined
    ? {
        field: "lang",
        problem: `must be a BCP 47 language tag like es, pt-BR or zh-Hans, not ${JSON.stringify(tag.slice(0, 40))}`,
      }
    : undefined;
}
