import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ENGLISH, INTERFACE_LANGUAGES, interfaceTextFor } from "../../src/core/interface-text";

describe("interface text", () => {
  it("has every string in every language, none empty, each language's own", () => {
    const keys = Object.keys(ENGLISH).sort();
    for (const [tag, text] of Object.entries(INTERFACE_LANGUAGES)) {
      expect(Object.keys(text).sort(), tag).toEqual(keys);
      for (const [key, value] of Object.entries(text)) expect(value.trim(), `${tag}.${key}`).not.toBe("");
      expect(text.lang, tag).toBe(tag);
      // The templates keep their placeholder.
      for (const key of ["minRead", "page", "pageSuffix"] as const) expect(text[key], `${tag}.${key}`).toContain("{n}");
      if (tag !== "en") expect(text.notFoundTitle, tag).not.toBe(ENGLISH.notFoundTitle);
    }
  });

  it("matches a tag by its language, Chinese by its script, and falls back to English for the rest", () => {
    const cases: Array<[string, string, boolean]> = [
      ["es", "es", false],
      ["es-419", "es", false],
      ["pt-BR", "pt", false],
      ["fr-CA", "fr", false],
      ["de-AT", "de", false],
      ["ar-EG", "ar", false],
      ["ru", "ru", false],
      ["ja", "ja", false],
      ["zh", "zh-Hans", false],
      ["zh-CN", "zh-Hans", false],
      ["zh-Hans", "zh-Hans", false],
      ["zh-Hant", "en", true],
      ["zh-TW", "en", true],
      ["en-GB", "en", false],
      ["sw", "en", true],
      ["he", "en", true],
    ];
    for (const [tag, lang, fallback] of cases) {
      expect([interfaceTextFor(tag).text.lang, interfaceTextFor(tag).fallback], tag).toEqual([lang, fallback]);
    }
  });

  it("answers any string at all without throwing", () => {
    fc.assert(
      fc.property(fc.string(), (tag) => {
        const { text } = interfaceTextFor(tag);
        expect(text.search.length).toBeGreaterThan(0);
      }),
    );
  });
});
