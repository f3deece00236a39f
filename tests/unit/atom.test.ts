import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parseAtomFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import type { Site } from "../../src/core/config";
import { atomItem, buildAtom } from "../../src/feeds/atom";
import { channelFor, type FeedChannel, type FeedItemModel } from "../../src/feeds/model";

const SITE: Site = {
  title: "Broadsheet",
  description: "News & notes, rendered at the edge.",
  url: "https://news.example",
  language: "en-GB",
};

const BUILT_AT = Date.parse("2025-05-01T06:00:00Z");

/** An item's feed facts with sensible defaults; each test overrides what it is about. */
function model(overrides: Partial<FeedItemModel> = {}): FeedItemModel {
  return {
    id: "https://news.example/articles/newer-article",
    url: "https://news.example/articles/newer-article",
    title: "Newer article",
    summary: "The newer one.",
    contentHtml: "<p>Newer <em>body</em>.</p>\n",
    published: "2025-04-02T10:00:00+02:00",
    modified: "2025-04-03T12:30:00+02:00",
    category: "Latest news",
    authors: ["Ann O'Neil", "Bob Smith"],
    tags: ["Ukraine", "diplomacy"],
    ...overrides,
  };
}

const OLDER = model({
  id: "https://news.example/articles/first-slug",
  url: "https://news.example/articles/older-article",
  title: "Older article",
  published: "2025-03-01T09:00:00Z",
  modified: "2025-03-01T09:00:00Z",
  authors: [],
  tags: [],
});

const HOME = channelFor(SITE, { format: "atom", updated: Date.parse("2025-04-03T10:30:00Z") });

describe("atomItem", () => {
  const entry = atomItem(model());

  it("is an <entry> fragment that a feed only joins", () => {
    expect(entry.startsWith("<entry>\n")).toBe(true);
    expect(entry.endsWith("</entry>\n")).toBe(true);
    expect(buildAtom(HOME, [entry, atomItem(OLDER)], BUILT_AT)).toContain(entry);
  });

  it("escapes the article's HTML as text, so ]]>, markup and control characters cannot break the feed", () => {
    const hostile = atomItem(
      model({
        title: "Fish & chips <script>alert(1)</script>\u0001",
        summary: "Summary with <b>tags</b> & \u0007bell",
        contentHtml: '<p>a[b[0]]>c and ]]> twice ]]></p>\n<pre><code class="language-js">x\u0000y</code></pre>\n',
        category: "Q&A <live>",
        tags: ['"quoted"'],
        authors: ["Ann & <Bob>"],
      }),
    );
    expect(hostile).not.toContain("<script>");
    expect(hostile).not.toContain("]]>");
    const feed = buildAtom(HOME, [hostile], BUILT_AT);
    expect(XMLValidator.validate(feed)).toBe(true);
    const [parsed] = parseAtomFeed(feed).entries ?? [];
    expect(parsed?.title?.value).toBe("Fish & chips <script>alert(1)</script>");
    expect(parsed?.summary?.value).toBe("Summary with <b>tags</b> & bell");
    expect(parsed?.content).toEqual({
      type: "html",
      value: '<p>a[b[0]]>c and ]]> twice ]]></p>\n<pre><code class="language-js">xy</code></pre>',
    });
    expect(parsed?.categories).toEqual([{ term: "Q&A <live>" }, { term: '"quoted"' }]);
    expect(parsed?.authors).toEqual([{ name: "Ann & <Bob>" }]);
  });
});

describe("buildAtom", () => {
  const atom = buildAtom(HOME, [atomItem(model()), atomItem(OLDER)], BUILT_AT);
  const feed = parseAtomFeed(atom);

  it("is well-formed XML in the Atom namespace, in the site's language", () => {
    expect(
      atom.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">'),
    ).toBe(true);
    expect(XMLValidator.validate(atom)).toBe(true);
    expect(feed.xml?.lang).toBe("en-GB");
  });

  it("has the feed elements RFC 4287 §4.1.1 requires, and a subtitle and generator", () => {
    expect(feed.id).toBe("https://news.example/atom.xml");
    expect(feed.title?.value).toBe("Broadsheet");
    expect(feed.subtitle?.value).toBe("News & notes, rendered at the edge.");
    expect(feed.updated).toBe("2025-04-03T10:30:00Z");
    expect(feed.authors).toEqual([{ name: "Broadsheet" }]);
    expect(feed.generator?.text).toBe("Broadsheet");
  });

  it("links to the page, to itself and to the same listing in RSS and JSON Feed", () => {
    expect(feed.links).toEqual([
      { href: "https://news.example/", rel: "alternate", type: "text/html" },
      { href: "https://news.example/atom.xml", rel: "self", type: "application/atom+xml" },
      { href: "https://news.example/rss.xml", rel: "alternate", type: "application/rss+xml" },
      { href: "https://news.example/feed.json", rel: "alternate", type: "application/feed+json" },
    ]);
  });

  it("links the pages of a paged feed (RFC 5005 §3) and its WebSub hub, and names it by its first page", () => {
    const channel: FeedChannel = {
      ...HOME,
      selfUrl: "https://news.example/atom.xml?page=2",
      first: "https://news.example/atom.xml",
      previous: "https://news.example/atom.xml?page=1",
      next: "https://news.example/atom.xml?page=3",
      hub: "https://hub.example/",
    };
    const paged = parseAtomFeed(buildAtom(channel, [], BUILT_AT));
    expect(paged.id).toBe("https://news.example/atom.xml");
    expect(paged.links?.slice(-4)).toEqual([
      { href: "https://news.example/atom.xml", rel: "first" },
      { href: "https://news.example/atom.xml?page=1", rel: "previous" },
      { href: "https://news.example/atom.xml?page=3", rel: "next" },
      { href: "https://hub.example/", rel: "hub" },
    ]);
  });

  it("gives each entry the elements RFC 4287 §4.1.2 requires, in the order given", () => {
    const [newer, older] = feed.entries ?? [];
    expect(feed.entries?.map((entry) => entry.title?.value)).toEqual(["Newer article", "Older article"]);
    expect(newer).toMatchObject({
      id: "https://news.example/articles/newer-article",
      links: [{ href: "https://news.example/articles/newer-article", rel: "alternate", type: "text/html" }],
      published: "2025-04-02T08:00:00Z",
      updated: "2025-04-03T10:30:00Z",
      authors: [{ name: "Ann O'Neil" }, { name: "Bob Smith" }],
      categories: [{ term: "Latest news" }, { term: "Ukraine" }, { term: "diplomacy" }],
      summary: { value: "The newer one." },
      content: { type: "html", value: "<p>Newer <em>body</em>.</p>" },
    });
    // A moved article keeps the id it was created with; its link is where it is now.
    expect(older?.id).toBe("https://news.example/articles/first-slug");
    expect(older?.links?.[0]?.href).toBe("https://news.example/articles/older-article");
    // No author of its own: the feed's author stands for it (RFC 4287 §4.1.1).
    expect(older?.authors).toBeUndefined();
  });

  it("carries the article's HTML exactly, escaped as text rather than in CDATA", () => {
    expect(atom).toContain('<content type="html">&lt;p&gt;Newer &lt;em&gt;body&lt;/em&gt;.&lt;/p&gt;\n</content>');
    expect(atom).not.toContain("CDATA");
    const raw = new XMLParser({ ignoreAttributes: false, trimValues: false, isArray: (name) => name === "entry" }).parse(
      atom,
    ) as {
      feed: { entry: Array<{ content: { "#text": string } }> };
    };
    expect(raw.feed.entry[0]?.content["#text"]).toBe("<p>Newer <em>body</em>.</p>\n");
  });

  it("is still a valid feed with no entries, updated at the time it was built", () => {
    const empty = buildAtom(channelFor(SITE, { format: "atom" }), [], BUILT_AT);
    expect(XMLValidator.validate(empty)).toBe(true);
    const parsed = parseAtomFeed(empty);
    expect(parsed.updated).toBe("2025-05-01T06:00:00Z");
    expect(parsed.entries ?? []).toEqual([]);
    expect(empty).not.toContain("<entry>");
  });
});
