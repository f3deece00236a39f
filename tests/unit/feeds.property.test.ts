import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import type { Site } from "../../src/core/config";
import { atomItem, buildAtom } from "../../src/feeds/atom";
import { buildJsonFeed, jsonFeedItem } from "../../src/feeds/json-feed";
import { channelFor, type FeedItemModel } from "../../src/feeds/model";
import { buildRss, rssItem } from "../../src/feeds/rss";
import { inJson, inXml, lf, XML_FORBIDDEN } from "../support/feed-text";

const SITE: Site = { title: "Broadsheet", description: "News.", url: "https://news.example", language: "en-GB" };

// Pieces that have broken feeds somewhere: markup, entities, CDATA ends, characters XML forbids,
// lone surrogates, line ends XML rewrites, right-to-left text and controls, and emoji sequences.
const HOSTILE = [
  "<",
  ">",
  "&",
  "&amp;",
  "&#1;",
  "&lt;b&gt;",
  '"',
  "'",
  "]]>",
  "<![CDATA[",
  "<script>alert(1)</script>",
  "<b>bold</b>",
  "\u0000",
  "\u0001",
  "\u001F",
  "\uFFFE",
  "\uFFFF",
  "\uD800",
  "\uDFFF",
  "\r\n",
  "\r",
  "\n",
  "\t",
  " ",
  "\u00A0",
  "\u2028",
  "\u202E",
  "\u200F",
  "مرحبا بالعالم",
  "שלום",
  "新闻",
  "👩🏽‍🚀",
  "🇺🇦",
  "e\u0301",
  "123",
  "1e5",
  "true",
  "null",
];

const text = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: "binary", maxLength: 8 }), fc.string({ maxLength: 8 })), {
    maxLength: 12,
  })
  .map((pieces) => pieces.join(""));

/** An attribute's value as XML 1.0 §3.3.3 normalizes it: any run of whitespace counts as one space. */
const inXmlAttribute = (value: string): string => inXml(value).replace(/\s+/g, " ");

const item = (title: string, tags: string[], authors: string[]): FeedItemModel => ({
  id: "https://news.example/articles/a",
  url: "https://news.example/articles/a",
  title,
  summary: "Summary.",
  contentHtml: `<p>${title}</p>`,
  published: "2025-04-02T08:00:00Z",
  modified: "2025-04-02T08:00:00Z",
  category: "News",
  authors,
  tags,
});

const nonEmpty = (values: string[]): string[] => values.filter((value) => value !== "");

describe("every feed format, for any title, tags and authors", () => {
  it("parses with a real parser and carries them unchanged, but for the characters XML forbids", () => {
    fc.assert(
      fc.property(
        text,
        text,
        fc.array(text, { maxLength: 3 }),
        fc.array(text, { maxLength: 3 }),
        (feedTitle, title, tags, authors) => {
          const model = item(title, tags, authors);

          const rss = buildRss(channelFor(SITE, { format: "rss", title: feedTitle }), [rssItem(model)]);
          expect(XMLValidator.validate(rss)).toBe(true);
          expect(rss).not.toMatch(XML_FORBIDDEN);
          const rssFeed = parseRssFeed(rss);
          expect(lf(rssFeed.title ?? "")).toBe(inXml(feedTitle));
          const [rssEntry] = rssFeed.items ?? [];
          expect(lf(rssEntry?.title ?? "")).toBe(inXml(title));
          expect(lf(rssEntry?.content?.encoded ?? "")).toBe(inXml(`<p>${title}</p>`));
          expect(nonEmpty((rssEntry?.categories ?? []).slice(1).map((category) => lf(category.name ?? "")))).toEqual(
            nonEmpty(tags.map(inXml)),
          );
          expect(nonEmpty((rssEntry?.dc?.creators ?? []).map(lf))).toEqual(nonEmpty(authors.map(inXml)));

          const atom = buildAtom(channelFor(SITE, { format: "atom", title: feedTitle }), [atomItem(model)], 0);
          expect(XMLValidator.validate(atom)).toBe(true);
          expect(atom).not.toMatch(XML_FORBIDDEN);
          const atomFeed = parseAtomFeed(atom);
          expect(lf(atomFeed.title?.value ?? "")).toBe(inXml(feedTitle));
          const [atomEntry] = atomFeed.entries ?? [];
          expect(lf(atomEntry?.title?.value ?? "")).toBe(inXml(title));
          expect(lf(atomEntry?.content?.value ?? "")).toBe(inXml(`<p>${title}</p>`));
          expect(nonEmpty((atomEntry?.categories ?? []).slice(1).map((category) => inXmlAttribute(category.term ?? "")))).toEqual(
            nonEmpty(tags.map(inXmlAttribute)),
          );
          expect(nonEmpty((atomEntry?.authors ?? []).map((author) => lf(author.name ?? "")))).toEqual(
            nonEmpty(authors.map(inXml)),
          );

          const json = buildJsonFeed(channelFor(SITE, { format: "json", title: feedTitle }), [jsonFeedItem(model)]);
          expect(json).not.toMatch(XML_FORBIDDEN);
          const jsonFeed = parseJsonFeed(json);
          expect(jsonFeed.title ?? "").toBe(inJson(feedTitle));
          const [jsonEntry] = jsonFeed.items ?? [];
          expect(jsonEntry?.title ?? "").toBe(inJson(title));
          expect(jsonEntry?.content_html ?? "").toBe(inJson(`<p>${title}</p>`));
          expect(nonEmpty(jsonEntry?.tags ?? [])).toEqual(nonEmpty(tags.map(inJson)));
          expect(nonEmpty((jsonEntry?.authors ?? []).map((author) => author.name ?? ""))).toEqual(nonEmpty(authors.map(inJson)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
