/**
 * @module media/alt
 * The one spelling of an image's alt text. Pure, with no Workers types, so the upload route and the
 * Node CLI (which checks local images before it sends them) read the same text the same way.
 */

/**
 * Alt text as it is stored: each run of whitespace (line breaks included) becomes one space, and
 * the ends are trimmed, as a screen reader would read it anyway.
 * @example normalizeAlt("  A heron,\n fishing ") // "A heron, fishing"
 */
export function normalizeAlt(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
