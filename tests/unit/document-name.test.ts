import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DocumentName,
  documentKey,
  documentPath,
  documentTags,
  editionOf,
  formatStoredName,
  HOME,
  homeOf,
  indexKey,
  indexPrefix,
  LIVE_DOCUMENTS,
  listingName,
  listingOf,
  pageName,
  type StoredName,
} from "../../src/targets/document-name";

// Every source file, as text: the rule below reads them the way grep would.
const sources = import.meta.glob<string>("../../src/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true });

/** The modules that own names: they alone may spell a key, a cache tag or a public path. */
const OWNERS = new Set(["src/targets/document-name.ts", "src/targets/build-target.ts"]);

/** Files allowed one kind of spelling, and why. */
const EXCEPTIONS: Record<string, string> = {
  "src/editorial/migrate-kv.ts": "reads the old KV layout's keys (article:, index:) once, to migrate them",
};

const KEY_PREFIXES = ["page:", "listing:", "index:", "archive:", "nav:"];
const TAG_PREFIXES = ["article:", "list:", "feed:", "sitemap:", "live:"];
const PATH_PREFIXES = [
  "/articles",
  "/sections",
  "/tags",
  "/authors",
  "/sitemaps/",
  "/sitemap.xml",
  "/news-sitemap.xml",
  "/corrections",
  "/search",
  "/opensearch.xml",
  "/rss.xml",
  "/atom.xml",
  "/feed.json",
];
const FEED_FILE_NAMES = new Set(["rss.xml", "atom.xml", "feed.json"]);
/** Strings that look like names and are not: Open Graph properties, and permissions like `live:write`. */
const NOT_NAMES = [/^article:(published|modified)_time$/, /^[a-z]+:(read|write|send|submit|publish|manage|delete)$/];
/** A route registered on a Hono app: in the newsroom these are API and desk paths, under /api and /desk. */
const ROUTE_CALL = /\.(get|post|put|delete|patch|route|on|all)\(\s*(\[[^\]]*\],\s*)?$/;

interface Literal {
  /** The literal's text, or one static part of a template literal. */
  text: string;
  /** Where it starts in the source. */
  at: number;
}

/**
 * The string literals of a TypeScript source, and each static part of its template literals,
 * skipping comments and regular expressions: a small lexer, enough for this code base.
 */
function stringLiterals(source: string): Literal[] {
  const found: Literal[] = [];
  let i = 0;
  let last = ""; // The last significant character, to tell a regular expression from a division.
  const readQuoted = (quote: string) => {
    const start = i++;
    let text = "";
    while (i < source.length && source[i] !== quote && source[i] !== "\n") {
      if (source[i] === "\\") {
        text += source[i + 1] ?? "";
        i += 2;
      } else text += source[i++];
    }
    i++;
    found.push({ text, at: start });
  };
  // A template's static parts: the first, and those that follow only an expression (`${origin}/rss.xml`);
  // a part after other text (`/api/articles/${slug}/corrections`) is the middle of some other string.
  const readTemplate = () => {
    let at = i++;
    let text = "";
    let leading = true;
    const push = () => {
      if (leading) found.push({ text, at });
      leading = leading && text === "";
    };
    while (i < source.length && source[i] !== "`") {
      if (source[i] === "\\") {
        text += source[i + 1] ?? "";
        i += 2;
      } else if (source[i] === "$" && source[i + 1] === "{") {
        push();
        i += 2;
        skipExpression();
        text = "";
        at = i;
      } else text += source[i++];
    }
    i++;
    push();
  };
  const skipExpression = () => {
    let depth = 1;
    while (i < source.length && depth > 0) {
      const c = source[i] ?? "";
      if (c === "'" || c === '"') readQuoted(c);
      else if (c === "`") readTemplate();
      else {
        if (c === "{") depth++;
        if (c === "}") depth--;
        i++;
      }
    }
  };
  while (i < source.length) {
    const c = source[i] ?? "";
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? source.length : end + 2;
    } else if (
      c === "/" &&
      (last === "" || "(,=:[!&|?{};+-*%<>~^".includes(last) || /return\s*$/.test(source.slice(i - 10, i)))
    ) {
      // A regular expression literal: skip it, classes included.
      i++;
      let inClass = false;
      while (i < source.length && source[i] !== "\n") {
        if (source[i] === "\\") i += 2;
        else if (source[i] === "/" && !inClass) break;
        else {
          if (source[i] === "[") inClass = true;
          if (source[i] === "]") inClass = false;
          i++;
        }
      }
      i++;
      last = "x";
    } else if (c === "'" || c === '"') {
      readQuoted(c);
      last = "x";
    } else if (c === "`") {
      readTemplate();
      last = "x";
    } else {
      if (!/\s/.test(c)) last = c;
      i++;
    }
  }
  return found;
}

/** What is wrong with a literal outside the owners, if anything. */
function spelling(file: string, source: string, literal: Literal): string | undefined {
  const { text } = literal;
  if (NOT_NAMES.some((pattern) => pattern.test(text))) return undefined;
  const key = KEY_PREFIXES.find((prefix) => text.startsWith(prefix));
  if (key) return `a KV key or tag prefix ${JSON.stringify(key)}`;
  const tag = TAG_PREFIXES.find((prefix) => text.startsWith(prefix));
  if (tag) return `a cache tag prefix ${JSON.stringify(tag)}`;
  if (FEED_FILE_NAMES.has(text)) return `a feed's file name ${JSON.stringify(text)}`;
  const path = PATH_PREFIXES.find((prefix) => text.startsWith(prefix) && !/^[a-z0-9-]/.test(text.slice(prefix.length)));
  if (path) {
    const before = source.slice(Math.max(0, literal.at - 200), literal.at);
    if (file.startsWith("src/newsroom/") && ROUTE_CALL.test(before)) return undefined;
    return `a public path ${JSON.stringify(text)}`;
  }
  return undefined;
}

describe("document names", () => {
  it("keep the default edition's keys, tags and paths byte for byte", () => {
    const world = listingOf("section", "world");
    const cases: Array<[StoredName, string, string[], string]> = [
      [pageName("x"), "page:x", ["article:x"], "/articles/x"],
      [listingName(HOME), "listing:home", ["list"], "/"],
      [listingName(HOME, "rss"), "listing:home:rss", ["feed:rss"], "/rss.xml"],
      [listingName(HOME, "atom"), "listing:home:atom", ["feed:atom"], "/atom.xml"],
      [listingName(HOME, "json"), "listing:home:json", ["feed:json"], "/feed.json"],
      [listingName(world), "listing:section:world", ["list:section:world"], "/sections/world"],
      [listingName(listingOf("tag", "x"), "atom"), "listing:tag:x:atom", ["feed:tag:x"], "/tags/x/atom.xml"],
      [
        { kind: "archive", listing: listingOf("author", "a"), part: { month: "2025-03", part: 2 }, format: "json" },
        "archive:author:a:2025-03:2:json",
        ["archive:author:a:2025-03:2"],
        "/authors/a/archive/2025-03/2/feed.json",
      ],
      [{ kind: "sitemap-index", edition: "" }, "listing:sitemap", ["sitemap"], "/sitemap.xml"],
      [
        { kind: "sitemap-month", edition: "", month: "2025-03" },
        "listing:sitemap:2025-03",
        ["sitemap:2025-03"],
        "/sitemaps/2025-03.xml",
      ],
      [{ kind: "sitemap-pages", edition: "", of: "tags" }, "listing:sitemap:tags", ["sitemap:tags"], "/sitemaps/tags.xml"],
      [{ kind: "news-sitemap", edition: "" }, "listing:news", ["sitemap:news"], "/news-sitemap.xml"],
      [{ kind: "corrections", edition: "" }, "listing:corrections", ["list:corrections"], "/corrections"],
      [
        { kind: "corrections", edition: "", format: "rss" },
        "listing:corrections:rss",
        ["feed:corrections"],
        "/corrections/rss.xml",
      ],
      [LIVE_DOCUMENTS.status("x"), "listing:live:x:status", ["live:x"], "/articles/x/live.json"],
      [LIVE_DOCUMENTS.feed("x", "atom"), "listing:live:x:atom", ["live:x"], "/articles/x/atom.xml"],
      [LIVE_DOCUMENTS.older("x", 3), "archive:live:x:updates:3", ["live:x:updates:3"], "/articles/x/updates/3"],
    ];
    for (const [name, key, tags, path] of cases) {
      expect(documentKey(name), key).toBe(key);
      expect(documentTags(name), key).toEqual(tags);
      expect(documentPath(name), key).toBe(path);
    }
    // D1's document_etags keep the names the documents always had.
    expect(formatStoredName(listingName(HOME, "rss"))).toBe("home:rss");
    expect(formatStoredName(LIVE_DOCUMENTS.older("x", 3))).toBe("archive:live:x:updates:3");
    expect(indexKey(HOME, Date.parse("2025-01-01T00:00:00Z"), "x")).toBe("index:home:251666611200000:x");
    const deeper: DocumentName = { kind: "listing-page", listing: HOME, page: 3 };
    expect(documentTags(deeper)).toEqual(["list", "list:3"]);
    expect(documentPath(deeper)).toBe("/page/3");
    expect(documentPath({ kind: "search", edition: "", format: "json" })).toBe("/search.json");
  });

  it("put another edition under its tag, in paths, keys and tags, and never under the default's", () => {
    const es = homeOf("es");
    expect(documentKey(listingName(es, "rss"))).toBe("listing:es/home:rss");
    expect(documentPath(listingName(es, "rss"))).toBe("/es/rss.xml");
    expect(documentPath(listingName(es))).toBe("/es/");
    expect(documentTags(listingName(es))).toEqual(["list:es/home"]);
    expect(documentPath(listingName(listingOf("section", "world", "pt-br")))).toBe("/pt-br/sections/world");
    expect(indexPrefix(es)).toBe("index:es/home:");
    expect(documentPath(pageName("x", "ar"))).toBe("/ar/articles/x");
    // Slugs are one namespace for the whole site: an article's page is keyed by its slug alone.
    expect(documentKey(pageName("x", "ar"))).toBe("page:x");
    expect(documentKey({ kind: "sitemap-month", edition: "es", month: "2025-03" })).toBe("listing:es/sitemap:2025-03");
    expect(documentTags({ kind: "corrections", edition: "es" })).toEqual(["list:corrections:es"]);
    expect(editionOf("pt-BR", "en")).toBe("pt-br");
    expect(editionOf("EN", "en")).toBe("");
    const slug = fc.stringMatching(/^[a-z0-9]{1,8}(?:-[a-z0-9]{1,8}){0,2}$/);
    const kind = fc.constantFrom("section", "tag", "author") as fc.Arbitrary<"section" | "tag" | "author">;
    fc.assert(
      fc.property(kind, slug, fc.constantFrom("es", "ar", "zh-hans"), (k, s, e) => {
        const a = listingName(listingOf(k, s, e));
        const b = listingName(listingOf(k, s));
        expect(documentKey(a)).not.toBe(documentKey(b));
        expect(documentTags(a)).not.toEqual(documentTags(b));
        expect(documentPath(a).startsWith(`/${e}/`)).toBe(true);
      }),
    );
  });

  it("finds the literals grep would, and not those in comments or regular expressions", () => {
    // The sources below are TypeScript as text: their `${…}` are meant literally.
    // biome-ignore-start lint/suspicious/noTemplateCurlyInString: source text
    const found = stringLiterals(
      'const a = "page:x"; // "listing:y"\n/* "index:z" */ const r = /"archive:q"/; const t = `list:${a}/rss.xml`; x = \'/search\';',
    ).map((l) => l.text);
    expect(found).toEqual(["page:x", "list:", "/search"]);
    expect(stringLiterals("f(`${origin}/rss.xml`, `/api/articles/${slug}/corrections`)").map((l) => l.text)).toEqual([
      "",
      "/rss.xml",
      "/api/articles/",
    ]);
    // biome-ignore-end lint/suspicious/noTemplateCurlyInString: source text
  });

  it("are spelt only by the modules that own them: no KV key, cache tag or public path anywhere else in src/", () => {
    const files = Object.keys(sources);
    expect(files.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const [path, source] of Object.entries(sources)) {
      const file = path.replace(/^(\.\.\/)+/, "");
      if (OWNERS.has(file) || EXCEPTIONS[file]) continue;
      for (const literal of stringLiterals(source)) {
        const problem = spelling(file, source, literal);
        if (problem) {
          const line = source.slice(0, literal.at).split("\n").length;
          problems.push(`${file}:${line}: ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
