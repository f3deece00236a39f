/**
 * @module core/slug
 * What a slug is: lower-case ASCII words joined by single hyphens, safe in URLs, KV keys and file
 * names. The reader checks every slug in a path with `isSlug`; editors' input goes through
 * core/schema.ts's `slugSchema`, built from the same two constants, which names the problem.
 */
import { LIMITS } from "./limits";

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_SLUG_LENGTH = LIMITS.slugLength;

/**
 * Whether `text` is a slug.
 * @example isSlug("my-first-article") // true
 * @example isSlug("My--Article") // false
 */
export const isSlug = (text: string): boolean => text.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(text);
