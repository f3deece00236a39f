/**
 * @module search/text
 * How text is prepared for the full-text index, and how a query's words are folded to meet it. One
 * module, so that what is indexed and what is searched are always prepared the same way.
 *
 * FTS5's `unicode61` tokenizer splits on anything that is not a letter or a number and folds case
 * and accents itself. Two things it cannot do are done here:
 * - Chinese, Japanese and Korean are written without spaces between words, so unicode61 would take a
 *   whole sentence for one token. Each of their characters is set apart with U+200B (a separator to
 *   unicode61, invisible to readers), and a CJK word is searched as a phrase of its characters: any
 *   substring of the text is found, whatever its length (docs/search.md says why not trigrams).
 * - Full-width forms and ligatures (`ＡＢＣ`, `ﬁ`) are NFKC-normalized, so they match plain letters.
 * The snippet markers are private-use characters; they are removed from indexed text, so an
 * article can never forge a `<mark>`.
 */

/** Marks the start and end of a matched word in FTS5's snippet() and highlight() output. */
export const MARK_OPEN = "\uE000";
export const MARK_CLOSE = "\uE001";
/** Sets CJK characters apart in indexed text; removed again before anything is shown. */
export const CJK_SEPARATOR = "\u200B";

const CJK_CHAR =
  /[\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}\p{Script_Extensions=Hangul}]/gu;
// C0 and C1 controls, and the characters this module gives a meaning to (markers, separator).
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const RESERVED = /[\u0000-\u001F\u007F-\u009F\uE000\uE001\u200B]/g;
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Text as it is stored in the index: well-formed, NFKC, without control or reserved characters,
 * and with CJK characters set apart.
 * @example indexText("北京 résumé") // "\u200B北\u200B京\u200B résumé"
 */
export function indexText(text: string): string {
  const clean = text.toWellFormed().normalize("NFKC").replace(RESERVED, " ");
  return spaceCjk(clean);
}

/** Sets every CJK character apart with the separator, so that unicode61 makes it a token of its own. */
export function spaceCjk(text: string): string {
  return text.replace(CJK_CHAR, `${CJK_SEPARATOR}$&${CJK_SEPARATOR}`).replace(/\u200B{2,}/g, CJK_SEPARATOR);
}

/** Whether a word holds CJK characters (and so is searched as a phrase of them). */
export const hasCjk = (word: string): boolean => new RegExp(CJK_CHAR.source, "u").test(word);

/**
 * Folds text as unicode61 with `remove_diacritics 2` does: NFKC, lower case, accents removed.
 * @example fold("Résumé") // "resume"
 */
export function fold(text: string): string {
  return (
    text
      .toWellFormed()
      .normalize("NFKC")
      .toLowerCase()
      .normalize("NFD")
      // Only the combining diacritics that unicode61 removes (Latin, Greek, Cyrillic accents): a mark
      // of another script, like the kana's dakuten, makes a different letter.
      .replace(/[\u0300-\u036F]/g, "")
      .normalize("NFC")
  );
}

/**
 * The folded words of `text`: runs of letters and numbers, as unicode61 splits them (CJK runs are
 * kept whole here; {@link spaceCjk} splits them where it matters).
 * @example words("Hello, Wörld! 2025") // ["hello", "world", "2025"]
 */
export function words(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

/**
 * A title as an exact-title match compares it: its folded words, one space apart.
 * @example titleKey("The Budget: What's In It?") // "the budget what s in it"
 */
export const titleKey = (text: string): string => words(text).join(" ");

/** Removes what the index added for unicode61 (the CJK separator) before text is shown. */
export const displayText = (text: string): string => text.replaceAll(CJK_SEPARATOR, "");
