// The search query parser, the text folding it shares with the index, snippets and the spelling
// distance: pure functions, with fast-check for what hostile input can do. The property that matters
// most is checked against real FTS5 (the search database): no input makes MATCH fail.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { duration, progressLine } from "../../src/cli/progress";
import { plainTextFromMarkdown } from "../../src/core/markdown";
import {
  cleanQuery,
  MAX_QUERY_CHARS,
  MAX_QUERY_WORDS,
  matchExpression,
  parseSearch,
  searchParamsOf,
  termsOf,
} from "../../src/search/query";
import { htmlOf, segmentsOf } from "../../src/search/snippet";
import { closestWord, editDistance, oneEditAway } from "../../src/search/suggest";
import { fold, indexText, titleKey, words } from "../../src/search/text";

const parse = (query: string) => parseSearch(new URLSearchParams(query));

describe("parseSearch", () => {
  it("reads words, phrases and exclusions", () => {
    const terms = termsOf('budget "Prime Minister" -sport');
    expect(terms).toEqual([
      { words: ["budget"], quoted: false, exclude: false },
      { words: ["prime", "minister"], quoted: true, exclude: false },
      { words: ["sport"], quoted: false, exclude: true },
    ]);
    expect(matchExpression(terms)).toBe('("budget" "prime minister") NOT ("sport")');
  });

  it("turns FTS5 syntax into plain words", () => {
    for (const q of ['title:x AND y OR NOT z NEAR(a b) "', "*^-()", 'a"b"c', '"""', "col:* ^start", "NEAR/3"]) {
      const match = matchExpression(termsOf(cleanQuery(q)));
      // Every term is one FTS5 string: quotes only at its ends, and nothing between the strings but
      // spaces (or the NOT this module writes).
      expect(match === null || /^(?:\(?"[^"]*"\)?(?: | NOT \(|$| OR ))+\)?$/.test(match)).toBe(true);
    }
    expect(matchExpression(termsOf("AND OR"))).toBe('"and" "or"');
  });

  it("finds nothing to search in punctuation, lone quotes and exclusions alone", () => {
    expect(matchExpression(termsOf('" ! - * ('))).toBeNull();
    expect(matchExpression(termsOf("-only -excluded"))).toBeNull();
  });

  it("refuses more than 200 characters or 32 words, and says which", () => {
    expect(parse(`q=${"x".repeat(MAX_QUERY_CHARS)}`).ok).toBe(true);
    const long = parse(`q=${"x".repeat(MAX_QUERY_CHARS + 1)}`);
    expect(long.ok ? "" : long.problem).toContain("201 characters");
    const wordy = parse(`q=${encodeURIComponent("w ".repeat(MAX_QUERY_WORDS + 1))}`);
    expect(wordy.ok ? "" : wordy.problem).toContain("33 words");
  });

  it("drops filters that cannot be slugs or days, and swaps a reversed range", () => {
    const parsed = parse("q=x&section=World!&author=ana-lima&tag=a--b&from=2025-02-31&to=2024-01-01&sort=oldest&page=51");
    expect(parsed.ok && parsed.request).toMatchObject({
      filters: { author: "ana-lima", to: "2024-01-01" },
      sort: "relevance",
      page: 1,
    });
    const swapped = parse("q=x&from=2025-05-01&to=2025-01-01");
    expect(swapped.ok && swapped.request.filters).toEqual({ from: "2025-01-01", to: "2025-05-01" });
  });

  it("writes a search's parameters in one order, for the cache key", () => {
    const a = parse("sort=newest&q=x&utm_source=feed&section=world");
    const b = parse("section=world&q=x&sort=newest");
    expect(a.ok && b.ok && searchParamsOf(a.request).toString()).toBe(b.ok && searchParamsOf(b.request).toString());
  });

  it("never throws, and keeps every promise, for any parameters", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom("q", "section", "author", "tag", "from", "to", "sort", "page"),
          fc.string({ unit: "binary" }),
        ),
        (params) => {
          const parsed = parseSearch(new URLSearchParams(params));
          if (!parsed.ok) return;
          const { request } = parsed;
          expect([...request.q].length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: checking there are none.
          expect(request.q).not.toMatch(/[\u0000-\u001F\u007F]/);
          expect(request.page).toBeGreaterThanOrEqual(1);
          for (const term of request.terms) for (const word of term.words) expect(word).toMatch(/^[\p{L}\p{N}]+$/u);
        },
      ),
    );
  });
});

describe("FTS5 accepts every expression the parser writes", () => {
  it("for arbitrary queries, including FTS5's own syntax, emoji, controls and lone surrogates", async () => {
    await env.SEARCH.prepare("INSERT INTO entries_fts (rowid, title, summary, body, byline) VALUES (1, 'a', 'b', ?, 'd')")
      .bind(indexText("Some text about 北京 and résumés 🎉"))
      .run();
    const fragments = fc.constantFrom(
      '"',
      "(",
      ")",
      "*",
      "^",
      "-",
      ":",
      "AND",
      "OR",
      "NOT",
      "NEAR",
      "title:",
      "{body}",
      "+",
      "🎉",
      "\u0000",
      "\uD800",
      "北京",
      " ",
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string({ unit: "binary" }), fragments), { maxLength: 12 }), async (parts) => {
        const match = matchExpression(termsOf(cleanQuery(parts.join(""))));
        if (match === null) return;
        await env.SEARCH.prepare("SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?").bind(match).all();
      }),
      { numRuns: 300 },
    );
  });
});

describe("text folding", () => {
  it("folds case, accents and full-width forms as unicode61 does, and leaves kana marks alone", () => {
    expect(words("Résumé ZÜRICH ＡＢＣ ﬁle")).toEqual(["resume", "zurich", "abc", "file"]);
    expect(fold("が")).toBe("が");
    expect(titleKey("The Budget: What's In It?")).toBe("the budget what s in it");
  });

  it("sets CJK characters apart and removes the snippet markers from indexed text", () => {
    expect(indexText("北京 ok")).toBe("\u200B北\u200B京\u200B ok");
    expect(indexText("a\uE000b\uE001c")).toBe("a b c");
  });
});

describe("snippets", () => {
  it("escapes the text and marks only the matches, joining a CJK word's characters", () => {
    const segments = segmentsOf("<b> \uE000cat\uE001 & \u200B\uE000北\uE001\u200B\uE000京\uE001\u200B");
    expect(htmlOf(segments)).toBe("&lt;b&gt; <mark>cat</mark> &amp; <mark>北京</mark>");
  });
});

describe("spelling suggestions", () => {
  it("measures edits with transpositions, and stops early past the limit", () => {
    expect(editDistance("teh", "the", 2)).toBe(1);
    expect(editDistance("kitten", "sitting", 3)).toBe(3);
    expect(editDistance("a", "abcdef", 2)).toBe(3);
  });

  it("lists every spelling one edit away, and only those", () => {
    const spellings = oneEditAway("teh");
    for (const near of ["teh", "the", "te", "eh", "tech", "tea", "steh"]) expect(spellings).toContain(near);
    expect(spellings.every((spelling) => editDistance("teh", spelling, 1) <= 1)).toBe(true);
  });

  it("prefers the fewest edits, then the most documents", () => {
    const vocabulary = [
      { term: "government", doc: 40 },
      { term: "governments", doc: 90 },
      { term: "goverment", doc: 0 },
    ];
    expect(closestWord("goverment", vocabulary.slice(0, 2))).toBe("government");
    expect(closestWord("zzz", vocabulary)).toBeNull();
  });
});

describe("plainTextFromMarkdown", () => {
  it("keeps the words of every block, without markup", () => {
    expect(plainTextFromMarkdown("# Head\n\nSome **bold** &amp; `code`.\n\n- one\n- two\n\n![alt](x.png)")).toBe(
      "Head\nSome bold & code.\none\ntwo",
    );
  });
});

describe("the CLI's progress line", () => {
  it("shows done of total, the rate and the time left", () => {
    expect(progressLine({ done: 50, total: 200, elapsedMs: 10_000, unit: "articles", width: 8 })).toBe(
      "[##------] 50/200 articles  25%  5.0/s  about 30 s left",
    );
    expect(progressLine({ done: 0, total: 0, elapsedMs: 0, unit: "articles", width: 4 })).toBe(
      "[####] 0/0 articles  100%  0.0/s",
    );
    expect(duration(3725)).toBe("1 h 2 min");
  });
});
