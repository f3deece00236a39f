/**
 * @module core/limits
 * Every size and count an article may reach, in one place: the schema, the frontmatter reader and
 * the Markdown renderer enforce them, and the README quotes them. Bounded input gives bounded
 * output (page, feeds, KV record) and a bounded time to render it.
 */

/**
 * The limits of one article. Lengths of text fields count UTF-16 code units after trimming (what
 * valibot's `maxLength` measures); sizes in bytes count UTF-8.
 */
export const LIMITS = {
  /** Characters in a slug. */
  slugLength: 100,
  titleLength: 200,
  summaryLength: 500,
  categoryLength: 60,
  /** Characters in one author's name. */
  authorLength: 100,
  /** Names in `authors`. */
  authors: 10,
  /** Characters in one tag. */
  tagLength: 50,
  /** Words in `tags`. */
  tags: 20,
  /** Characters in any URL field (an image's, an author's page or photo): what browsers and CDNs reliably carry. */
  urlLength: 2048,
  altLength: 300,
  captionLength: 500,
  creditLength: 200,
  /** UTF-8 bytes of YAML between the `---` lines: ten times what the longest legal fields need. */
  frontmatterBytes: 16_384,
  /**
   * Levels of YAML collections as js-yaml's `maxDepth` counts them: the fields, and a list or the
   * image's fields inside them. js-yaml counts a block list (`authors:` then `- name` lines) one
   * level deeper than a flow list (`[a, b]`), so both forms need 4.
   */
  frontmatterDepth: 4,
  /** UTF-8 bytes of Markdown: twice a very long real article. */
  bodyBytes: 200_000,
  /** UTF-8 bytes of the rendered, sanitized HTML that is stored and served. */
  htmlBytes: 500_000,
  /** Block quotes and lists inside one another. */
  nestingDepth: 10,
  /** Cells in all the tables of one body, counting those that short rows are padded with. */
  tableCells: 10_000,
  /**
   * Characters at which the inline parser stops to try a rule (`\ < ! [ ` * _ ~ @`, and `http`,
   * `ftp://`, `www.`), counted in one paragraph, heading or table cell.
   */
  inlineMarkup: 200,
  /** Characters in one correction or clarification (src/core/corrections.ts). */
  correctionLength: 2_000,
  /** Corrections and clarifications one article carries, withdrawn ones not counted. */
  corrections: 100,
} as const;

export type Limits = typeof LIMITS;

/**
 * The UTF-8 size of a string, counted without encoding it.
 * @example utf8Bytes("café") // 5
 */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair is one code point above U+FFFF: four bytes.
      bytes += 4;
      i++;
    }
    // The rest, lone surrogates included (TextEncoder writes them as U+FFFD), take three.
    else bytes += 3;
  }
  return bytes;
}
