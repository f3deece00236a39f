/**
 * Hostile names through the real API (fast-check, issue #8's "Property tests"): an article whose
 * title, category, tags and authors hold arbitrary Unicode (characters XML forbids, lone surrogates,
 * `]]>`, right-to-left text, emoji, names as long as the schema allows) and HTML in every field is
 * either refused with a 400 that names the field, or served safely everywhere it appears: its page,
 * the home page and each of its listings as well-formed HTML with no live markup from the input,
 * and every feed of each of them as a feed a real parser reads, with the title unchanged in meaning.
 */
import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/core/limits";
import { inJson, inXml, lf, XML_FORBIDDEN } from "../support/feed-text";
import { clock, request, SITE, TOKEN } from "./helpers";

// Characters XML 1.0 §2.2 forbids, lone surrogates among them.
const XML_FORBIDDEN_CHARS = [
  "\u0000",
  "\u0001",
  "\u0008",
  "\u000B",
  "\u000C",
  "\u000E",
  "\u001F",
  "\uFFFE",
  "\uFFFF",
  "\uD800",
  "\uDBFF",
  "\uDC00",
  "\uDFFF",
];

// Markup that would run if any page or feed let it through.
const HTML_PAYLOADS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  '"><svg onload=alert(1)>',
  "'><svg/onload=alert(1)>",
  '<a href="javascript:alert(1)">x</a>',
  "</title><script>alert(1)</script>",
  "</script><script>alert(1)</script>",
  "<style>body{display:none}</style>",
  "<textarea>",
  "<!--",
  "-->",
  "<![CDATA[",
  "]]>",
  "&amp;",
  "&lt;script&gt;",
  "&#60;script&#62;",
];

// Text that is legal but easy to mangle: bidi controls, right-to-left scripts, emoji sequences,
// combining marks, and every kind of line end and space.
const TRICKY_TEXT = [
  "\u202E",
  "\u200F",
  "שלום עולם",
  "مرحبا بالعالم",
  "👩🏽‍🚀",
  "🇺🇦",
  "e\u0301",
  " ",
  "\t",
  "\r\n",
  "\n",
  "\r",
  "\u00A0",
  "\u2028",
  "News",
  "Économie",
  "東京",
];

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...XML_FORBIDDEN_CHARS, ...HTML_PAYLOADS, ...TRICKY_TEXT) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 6 }) },
);

/** A name of a few hostile pieces. */
const shortName = fc.array(piece, { minLength: 1, maxLength: 8 }).map((pieces) => pieces.join(""));

/**
 * A name exactly `length` UTF-16 units long after trimming: hostile pieces repeated to fill it,
 * between two visible characters so that trimming takes nothing off.
 */
const nameOfLength = (length: number) =>
  fc.array(piece, { minLength: 1, maxLength: 4 }).map((pieces) => {
    const filler = pieces.join("").repeat(length);
    return `«${filler.slice(0, length - 2)}»`;
  });

/** Characters the schema refuses in a one-line field (see src/content/schema.ts). */
const REFUSED_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A name for a field whose limit is `max`: mostly hostile but legal (the characters the schema
 * refuses are taken out, so most runs get past it and reach the pages and feeds), sometimes raw,
 * one too long or blank.
 */
const name = (max: number) =>
  fc.oneof(
    { weight: 45, arbitrary: shortName.map((value) => value.replace(REFUSED_CHARACTERS, "").trim() || "Plain") },
    { weight: 15, arbitrary: nameOfLength(max).map((value) => value.replace(REFUSED_CHARACTERS, "x")) },
    { weight: 1, arbitrary: shortName },
    { weight: 1, arbitrary: nameOfLength(max) },
    { weight: 1, arbitrary: nameOfLength(max + 1) },
    { weight: 1, arbitrary: fc.constantFrom("", " ", "\t\r\n", "\u00A0\u2028") },
  );

const BODIES = [
  "A first paragraph.",
  "<script>alert(1)</script>\n\nText after a script.",
  'Text with <img src=x onerror=alert(1)> and "><svg onload=alert(1)> in it.',
  "[a link](javascript:alert(1)) and ]]> and \u0000 and \u202Eevil",
];

const articleFields = fc.record({
  title: name(LIMITS.titleLength),
  category: name(LIMITS.categoryLength),
  tags: fc.array(name(LIMITS.tagLength), { maxLength: 4 }),
  authors: fc.array(name(LIMITS.authorLength), { maxLength: 3 }),
  body: fc.tuple(fc.constantFrom(...BODIES), shortName).map(([body, extra]) => `${body}\n\n${extra}`),
});

type Fields = typeof articleFields extends fc.Arbitrary<infer T> ? T : never;

/**
 * The fields the schema must refuse: blank after trimming, longer than the limit, holding a control
 * character, or not well-formed Unicode (a lone surrogate).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001F\u007F\uFFFE\uFFFF]/;
function refusedFields(fields: Fields): string[] {
  const bad = (value: string, max: number) =>
    value.trim() === "" || value.trim().length > max || CONTROL.test(value.trim()) || !value.isWellFormed();
  return [
    ...(bad(fields.title, LIMITS.titleLength) ? ["title"] : []),
    ...(bad(fields.category, LIMITS.categoryLength) ? ["category"] : []),
    ...fields.tags.flatMap((tag, i) => (bad(tag, LIMITS.tagLength) ? [`tags.${i}`] : [])),
    ...fields.authors.flatMap((author, i) => (bad(author, LIMITS.authorLength) ? [`authors.${i}`] : [])),
  ];
}

/**
 * What a page shows of a text: hono/jsx's escaping, with lone surrogates as U+FFFD. A lone
 * surrogate reaches readers as one U+FFFD or, stored in KV as a three-byte sequence, as three, so
 * runs of U+FFFD count as one on both sides.
 */
const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const oneReplacement = (value: string): string => value.replace(/\uFFFD+/g, "\uFFFD");
const inHtml = (value: string): string =>
  oneReplacement(value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch).toWellFormed());

const JSON_LD = '<script type="application/ld+json">';

/** A page as linkedom parses it. */
type Page = ReturnType<typeof parseHTML>["document"];

/**
 * Checks that a page is a whole HTML document with no live markup from the input, and returns its
 * text and DOM. String checks first (what a browser's tokenizer sees), then the parsed tree.
 */
async function checkPage(path: string): Promise<{ html: string; document: Page }> {
  const response = await request(path);
  expect(response.status, path).toBe(200);
  expect(response.headers.get("Content-Type"), path).toContain("text/html");
  const html = await response.text();
  expect(html.startsWith("<!doctype html><html"), path).toBe(true);
  expect(html.endsWith("</html>"), path).toBe(true);
  // The only scripts are the page's own JSON-LD; no tag carries an event handler.
  for (const script of html.match(/<script\b[^>]*>/gi) ?? []) expect(script, path).toBe(JSON_LD);
  // Attribute values are inert text (hono/jsx escapes `"` in them), so look only outside them.
  for (const tag of html.match(/<[a-z][^>]*>/gi) ?? []) {
    expect(tag.replace(/"[^"]*"/g, '""'), path).not.toMatch(/\son[a-z]+\s*=/i);
  }
  expect(html, path).not.toMatch(/<(?:svg|img src=x|iframe|object|embed|textarea)\b/i);
  expect(html.match(/<style\b/gi)?.length, path).toBe(1);

  const { document } = parseHTML(html);
  for (const selector of ["html", "head", "body", "main", "footer.site", "header.site"]) {
    expect(document.querySelectorAll(selector).length, `${path} ${selector}`).toBe(1);
  }
  // Nothing swallowed the rest of the page: the footer is still the body's last element.
  expect(document.body.lastElementChild?.matches("footer.site"), path).toBe(true);
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.getAttributeNames()) expect(attribute, `${path} <${element.localName}>`).not.toMatch(/^on/i);
    for (const attribute of ["href", "src"]) {
      expect(element.getAttribute(attribute) ?? "", `${path} <${element.localName}>`).not.toMatch(/^\s*javascript:/i);
    }
  }
  for (const script of document.querySelectorAll("script")) {
    expect(script.getAttribute("type"), path).toBe("application/ld+json");
    JSON.parse(script.textContent ?? ""); // well-formed JSON-LD, not something else
  }
  return { html, document };
}

interface FeedItems {
  rss?: string;
  atom?: string;
  json?: string;
}

/** Fetches a listing's three feeds, checks they parse, and returns the article's title in each. */
async function feedTitles(base: string, slug: string): Promise<FeedItems> {
  const url = `${SITE}/articles/${slug}`;
  const titles: FeedItems = {};

  const rssResponse = await request(`${base}/rss.xml`);
  expect(rssResponse.status, `${base}/rss.xml`).toBe(200);
  const rss = await rssResponse.text();
  expect(XMLValidator.validate(rss), `${base}/rss.xml`).toBe(true);
  expect(rss, `${base}/rss.xml`).not.toMatch(XML_FORBIDDEN);
  const rssItem = parseRssFeed(rss).items?.find((item) => item.link === url);
  expect(rssItem, `${base}/rss.xml`).toBeDefined();
  titles.rss = lf(rssItem?.title ?? "");

  const atomResponse = await request(`${base}/atom.xml`);
  expect(atomResponse.status, `${base}/atom.xml`).toBe(200);
  const atom = await atomResponse.text();
  expect(XMLValidator.validate(atom), `${base}/atom.xml`).toBe(true);
  expect(atom, `${base}/atom.xml`).not.toMatch(XML_FORBIDDEN);
  const atomEntry = parseAtomFeed(atom).entries?.find((entry) => entry.links?.some((link) => link.href === url));
  expect(atomEntry, `${base}/atom.xml`).toBeDefined();
  titles.atom = lf(atomEntry?.title?.value ?? "");

  const jsonResponse = await request(`${base}/feed.json`);
  expect(jsonResponse.status, `${base}/feed.json`).toBe(200);
  const jsonText = await jsonResponse.text();
  expect(jsonText, `${base}/feed.json`).not.toMatch(XML_FORBIDDEN);
  const jsonItem = parseJsonFeed(JSON.parse(jsonText)).items?.find((item) => item.url === url);
  expect(jsonItem, `${base}/feed.json`).toBeDefined();
  titles.json = jsonItem?.title ?? "";
  return titles;
}

/** The slugs an element's links lead to under `prefix`, like `/tags/`. */
const slugsUnder = (links: Iterable<{ getAttribute(name: string): string | null }>, prefix: string): string[] =>
  [...links].map((a) => a.getAttribute("href") ?? "").map((href) => href.slice(prefix.length));

describe("hostile names through the API", () => {
  it("are refused by field, or served as safe HTML and parseable feeds everywhere the article is listed", async () => {
    let run = 0;
    let served = 0;
    await fc.assert(
      fc.asyncProperty(articleFields, async (fields) => {
        // Each run is the newest article, on its own slug: the database is not reset between runs.
        const slug = `hostile-${run++}`;
        clock.advance(60_000);
        const published = new Date(clock.now() - 1000).toISOString();
        const response = await request(`/api/articles/${slug}`, {
          method: "PUT",
          headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
          body: JSON.stringify({ ...fields, published }),
        });
        const refused = refusedFields(fields);
        if (refused.length > 0) {
          expect(response.status, await response.clone().text()).toBe(400);
          const { details } = (await response.json()) as { details: Array<{ field: string; problem: string }> };
          expect([...new Set(details.map((d) => d.field))].sort()).toEqual([...refused].sort());
          return;
        }
        expect(response.status, await response.clone().text()).toBe(201);
        served++;

        // The article's page: the title escaped in its heading, and links to each of its listings.
        const { html: articleHtml, document: article } = await checkPage(`/articles/${slug}`);
        expect(oneReplacement(articleHtml)).toContain(`<h1>${inHtml(fields.title.trim())}</h1>`);
        expect(article.querySelector("article h1")?.children.length).toBe(0);
        const sections = slugsUnder(article.querySelectorAll('article .kicker a[href^="/sections/"]'), "/sections/");
        const tags = slugsUnder(article.querySelectorAll('article ul.tags a[href^="/tags/"]'), "/tags/");
        const authors = slugsUnder(article.querySelectorAll('article .meta a[href^="/authors/"]'), "/authors/");
        expect(sections).toHaveLength(1);
        expect(tags).toHaveLength(fields.tags.length);
        expect(authors).toHaveLength(fields.authors.length);
        const bases = [
          "",
          ...sections.map((s) => `/sections/${s}`),
          ...new Set(tags.map((s) => `/tags/${s}`)),
          ...new Set(authors.map((s) => `/authors/${s}`)),
        ];

        for (const base of bases) {
          // Every listing the article belongs to shows it, with its title as text, not markup.
          const { document: page } = await checkPage(base || "/");
          const links = page.querySelectorAll(`main a[href="/articles/${slug}"]`);
          expect(links.length, `${base || "/"} should list /articles/${slug}`).toBe(1);
          expect(links[0]?.children.length, base || "/").toBe(0);
          // And every feed of it carries the title, but for the characters XML forbids.
          const titles = await feedTitles(base, slug);
          expect(titles.rss, `${base}/rss.xml`).toBe(inXml(fields.title));
          expect(titles.atom, `${base}/atom.xml`).toBe(inXml(fields.title));
          expect(titles.json, `${base}/feed.json`).toBe(inJson(fields.title));
        }
      }),
      // Shrinking replays whole publishes against a database that keeps growing, so it is cut off
      // in time to report the failure (with the smallest counterexample so far) within the timeout.
      { numRuns: 25, interruptAfterTimeLimit: 90_000 },
    );
    // Most runs are meant to be served; a run of refusals would test nothing.
    expect(served).toBeGreaterThan(5);
  }, 120_000);
});
