/**
 * @module core/taxonomy
 * Slugs for sections, tags and authors, made from their display names with a kept slug library
 * (@sindresorhus/slugify: transliterates Latin, Greek, Cyrillic, Arabic and more, in a few KiB).
 */
import slugify from "@sindresorhus/slugify";
import { MAX_SLUG_LENGTH } from "./schema";

/**
 * A URL-safe slug for a display name. Names the library cannot transliterate (Chinese, say) get a
 * short stable hash, so every name has a slug and the same name always the same one.
 * @example taxonomySlug("Latest news") // "latest-news"
 * @example taxonomySlug("Économie") // "economie"
 */
export function taxonomySlug(name: string): string {
  const slug = slugify(name, { decamelize: false }).slice(0, MAX_SLUG_LENGTH).replace(/-+$/, "");
  return slug || `n-${fnv1a(name.normalize("NFC").toLowerCase())}`;
}

/** FNV-1a, 32 bits, in hex: enough to tell names apart where the slug library gives nothing. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
