/**
 * @module core/direction
 * Which way a language's text runs, for `<html dir>`: right to left for Arabic, Hebrew, Persian,
 * Urdu and the other languages written in right-to-left scripts. Small and without dependencies,
 * since every page's layout asks it.
 */

const RTL_LANGUAGES = new Set(["ar", "he", "iw", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"]);
const RTL_SCRIPTS = new Set(["Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg"]);

/**
 * The direction a language tag's text runs: its script subtag decides when it has one.
 * @example directionOf("ar") // "rtl"
 * @example directionOf("az-Arab") // "rtl"
 * @example directionOf("pt-BR") // "ltr"
 */
export function directionOf(lang: string): "ltr" | "rtl" {
  const [language = "", ...subtags] = lang.split("-");
  const script = subtags.find((s) => s.length === 4);
  if (script) return RTL_SCRIPTS.has(`${script[0]?.toUpperCase()}${script.slice(1).toLowerCase()}`) ? "rtl" : "ltr";
  return RTL_LANGUAGES.has(language.toLowerCase()) ? "rtl" : "ltr";
}
