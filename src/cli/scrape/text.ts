/**
 * @module cli/scrape/text
 * Small text transforms for imported articles: slugs, alt text and Markdown escaping.
 */

import { MAX_SLUG_LENGTH } from "../../core/schema";
import { DAY_MONTH_YEAR, MONTH_DAY_YEAR, WEEKDAY_NAMES } from "./dates";

/**
 * A slug from a title: accents transliterated (NFKD), lower-case ASCII words joined by hyphens, cut on a
 * word boundary to the schema's maximum length. Empty when the title has no Latin letters or digits.
 * @example slugify("Séjourné: Straße to Peace!") // "sejourne-strasse-to-peace"
 */
export function slugify(title: string): string {
  const ascii = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    // Letters that NFKD does not decompose into a base letter and a mark.
    .replace(/[ßæœøđðþłı]/g, (letter) => LETTERS[letter] ?? letter)
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (ascii.length <= MAX_SLUG_LENGTH) return ascii;
  const cut = ascii.slice(0, MAX_SLUG_LENGTH + 1);
  const lastBreak = cut.lastIndexOf("-");
  return (lastBreak > 0 ? cut.slice(0, lastBreak) : ascii.slice(0, MAX_SLUG_LENGTH)).replace(/-+$/, "");
}

const LETTERS: Record<string, string> = { ß: "ss", æ: "ae", œ: "oe", ø: "o", đ: "d", ð: "d", þ: "th", ł: "l", ı: "i" };

/**
 * Alt text from a caption: its first sentence, without the date the photo was taken.
 * @example altFromCaption("Wang Yi in Beijing on March 27, 2025. More text.") // "Wang Yi in Beijing"
 */
export function altFromCaption(caption: string): string {
  // A sentence ends at . ! or ? before a capital, except after an initial or a title: "U.S.", "J.", "Mr."
  const end = /(?<!\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Sen|Rep|Gov|Lt|Col|Prof|No))[.!?](?=\s+["“‘(]?\p{Lu})/u.exec(caption);
  const sentence = end ? caption.slice(0, end.index + 1) : caption;
  const withoutDate = sentence
    .replace(
      new RegExp(
        `,?\\s*(?:\\b(?:on|in)\\s+)?(?:${WEEKDAY_NAMES.join("|")})?,?\\s*(?:${MONTH_DAY_YEAR}|${DAY_MONTH_YEAR})\\s*[.!?]?$`,
        "u",
      ),
      "",
    )
    .replace(/[\s.,;:]+$/, "")
    .trim();
  const alt = withoutDate || sentence.replace(/[\s.]+$/, "");
  if (alt.length <= 300) return alt;
  return alt.slice(0, 301).replace(/\s+\S*$/, "");
}

/**
 * Escapes what Markdown would read as formatting in plain text, so that each scraped paragraph
 * renders as exactly that text: emphasis, code, links, HTML and entities, and block markers at the start.
 * @example escapeMarkdown("1. *Not* a list") // "1\\. \\*Not\\* a list"
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/[\\`*_[\]~]/g, "\\$&")
      .replace(/<(?=[A-Za-z/!?])/g, "\\<")
      .replace(/&(?=#?\w+;)/g, "\\&")
      // A line that starts like a heading, quote, list item or rule would stop being a paragraph.
      .replace(/^(#{1,6}|>|[-+])(?=\s|$)/, "\\$1")
      .replace(/^(-{3,}|={3,})$/, "\\$1")
      .replace(/^(\d{1,9})([.)])(?=\s|$)/, "$1\\$2")
  );
}
