/**
 * @module core/one-line
 * The one-line text field every schema shares (titles, names, labels): trimmed, not empty, at most
 * `max` characters, with no control character and no lone surrogate.
 */
import * as v from "valibot";

// XML 1.0 §2.2's forbidden characters, and tab, LF and CR too: none belongs in a one-line field.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
export const CONTROL = /[\u0000-\u001F\u007F\uFFFE\uFFFF]/;

/**
 * A one-line text field of at most `max` characters.
 * @example v.parse(oneLine(60), "  Mundo ") // "Mundo"
 */
export const oneLine = (max: number) =>
  v.pipe(
    v.string("must be text"),
    v.trim(),
    v.nonEmpty("must not be empty"),
    v.maxLength(max, `must be at most ${max} characters`),
    // Pages, feeds and KV metadata carry these fields: a control character or a lone surrogate
    // would be dropped by a feed but kept by a page, or mangled on its way through KV.
    v.check((value) => !CONTROL.test(value), "must not contain control characters"),
    v.check((value) => value.isWellFormed(), "must be well-formed Unicode (it has a lone surrogate)"),
  );
