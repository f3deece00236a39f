/**
 * @module tests/support/feed-text
 * What a feed carries of a text, for property tests that compare a parsed feed with its input.
 */
import { stripXmlForbidden } from "../../src/core/escape";

/** What JSON carries of a text: XML's forbidden characters dropped, as every format drops them. */
export const inJson = (value: string): string => stripXmlForbidden(value).trim();

/**
 * A text with LF line ends. XML 1.0 §2.11 reads every line end as LF, though not every parser
 * applies it, so both sides of a comparison are given LF line ends.
 */
export const lf = (value: string): string => value.replace(/\r\n?/g, "\n");

/**
 * What XML carries of a text, in a form any parser agrees on.
 *
 * @example
 * inXml(" a\r\nb\u0000 "); // "a\nb"
 */
export const inXml = (value: string): string => lf(stripXmlForbidden(value)).trim();

/** XML 1.0 §2.2: characters that must never reach a feed, lone surrogates among them. */
export const XML_FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
