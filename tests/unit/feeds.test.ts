import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parseJsonFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import type { Site } from "../../src/core/config";
import type { StoredArticle } from "../../src/core/schema";
import { buildJsonFeed, type JsonFeed, type JsonFeedItem, jsonFeedItem } from "../../src/feeds/json-feed";
import {
  absolutizeLinks,
  channelFor,
  FEED_ITEM_MAX_HTML_BYTES,
  type FeedChannel,
  type FeedItemModel,
  feedItemModel,
  feedLinks,
  lastChange,
} from "../../src/feeds/model";
import { buildRss, RSS_TTL_MINUTES, rssItem } from "../../src/feeds/rss";
import { AI_CRAWLERS, buildRobots, buildSitemapIndex, buildSitemapMonth, SITEMAP_MAX_URLS } from "../../src/feeds/sitemap";

const SITE: Site = {
  title: "Broadsheet",
  description: "News & notes, rendered at the edge.",
  url: "https://news.example",
  language: "en-GB",
};

/** A stored article with sensible defaults; each test overrides what it is about. */
function storedArticle(overrides: Partial<StoredArticle> = {}): StoredArticle {
  return {
    slug: "first-article",
    title: "First article",
    published: "2025-03-28T09:00:00+02:00",
    category: "Latest news",
    authors: [],
    summary: "What the first article is about.",
    tags: [],
    draft: false,
    markdown: "The body.",
    html: "<p>The body.</p>\n",
    readingMinutes: 1,
    version: "0123456789abcdef0123456789abcdef",
    ...overrides,
  };
}

const NEWER = storedArticle({
  slug: "newer-article",
  title: "Newer article",
  published: "2025-04-02T08:00:00Z",
  authors: ["Ann O'Neil", "Bob Smith"],
  tags: ["Ukraine", "diplomacy"],
  summary: "The newer one.",
  html: "<p>Newer <em>body</em>.</p>\n",
  image: { url: "/images/newer.jpg", alt: "A harbour" },
});
const OLDER = storedArticle({
  slug: "older-article",
  title: "Older article",
  published: "2025-03-01T10:00:00+01:00",
  // Corrected after NEWER was published: the feed was last modified by this edit.
  updated: "2025-04-03T12:30:00+02:00",
  summary: "The older one.",
  html: "<p>Older body.</p>\n",
});

const HOSTILE = storedArticle({
  slug: "hostile-article",
  title: "Fish & chips <script>alert(1)</script>\u0001",
  summary: "Summary with <b>tags</b> & \u0007bell",
  html: '<p>Array access a[b[0]]>c and ]]> twice ]]></p>\n<pre><code class="language-js">x\u0000y</code></pre>\n',
  category: "Q&A <live>",
  authors: ["Ann & <Bob>"],
  tags: ['"quoted"'],
});

/** An article's feed model, with its permalink as the id unless it was created under another slug. */
const modelOf = (article: StoredArticle, feedId = `${SITE.url}/articles/${article.slug}`): FeedItemModel =>
  feedItemModel(SITE, article, feedId);

/** The latest change among the articles (ms), as the materialiser puts it in the channel. */
const latestChange = (articles: StoredArticle[]): number | undefined =>
  articles.length ? Math.max(...articles.map((article) => Date.parse(lastChange(article)))) : undefined;

/** An RSS document as the materialiser builds it: items rendered at save time, then joined. */
const rssOf = (articles: StoredArticle[]): string =>
  buildRss(
    channelFor(SITE, { format: "rss", updated: latestChange(articles) }),
    articles.map((article) => rssItem(modelOf(article))),
  );

/** A JSON Feed document as the materialiser builds it. */
const jsonFeedOf = (articles: StoredArticle[]): string =>
  buildJsonFeed(
    channelFor(SITE, { format: "json", updated: latestChange(articles) }),
    articles.map((article) => jsonFeedItem(modelOf(article))),
  );

/** The home channel in `format`, with nothing in it yet. */
const EMPTY_RSS = channelFor(SITE, { format: "rss" });
const EMPTY_JSON = channelFor(SITE, { format: "json" });

/** The second page of a section's feed, with every link a channel can have. */
const PAGED: Omit<FeedChannel, "selfUrl"> = {
  title: "Broadsheet: Science",
  description: "Science news.",
  language: "en-GB",
  homeUrl: "https://news.example/sections/science/page/2",
  formats: {
    rss: "https://news.example/sections/science/rss.xml?page=2",
    atom: "https://news.example/sections/science/atom.xml?page=2",
    json: "https://news.example/sections/science/feed.json?page=2",
  },
  first: "https://news.example/sections/science/rss.xml",
  previous: "https://news.example/sections/science/rss.xml?page=1",
  next: "https://news.example/sections/science/rss.xml?page=3",
  hub: "https://hub.example/",
};

// XML 1.0 §2.2: characters that must never appear in a feed.
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

describe("buildRss", () => {
  const rss = rssOf([NEWER, OLDER]);
  const feed = parseRssFeed(rss);

  it("is well-formed XML with an XML declaration", () => {
    expect(rss.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"')).toBe(true);
    expect(XMLValidator.validate(rss)).toBe(true);
  });

  it("declares the namespaces of the elements it uses", () => {
    expect(rss).toContain('xmlns:atom="http://www.w3.org/2005/Atom"');
    expect(rss).toContain('xmlns:content="http://purl.org/rss/1.0/modules/content/"');
    expect(rss).toContain('xmlns:dc="http://purl.org/dc/elements/1.1/"');
  });

  it("describes the channel", () => {
    expect(feed.title).toBe(SITE.title);
    expect(feed.link).toBe("https://news.example/");
    expect(feed.description).toBe(SITE.description);
    expect(feed.language).toBe("en-GB");
    expect(feed.ttl).toBe(RSS_TTL_MINUTES);
    expect(RSS_TTL_MINUTES).toBe(60);
  });

  it("links to itself with atom:link rel=self, and to the Atom and JSON feeds, and to nothing else", () => {
    expect(feed.atom?.links).toEqual([
      { href: "https://news.example/rss.xml", rel: "self", type: "application/rss+xml" },
      { href: "https://news.example/atom.xml", rel: "alternate", type: "application/atom+xml" },
      { href: "https://news.example/feed.json", rel: "alternate", type: "application/feed+json" },
    ]);
  });

  it("links the pages of a paged feed (RFC 5005 §3) and its WebSub hub with atom:link", () => {
    const paged = buildRss({ ...PAGED, selfUrl: PAGED.formats.rss }, []);
    expect(XMLValidator.validate(paged)).toBe(true);
    const parsed = parseRssFeed(paged);
    expect(parsed.title).toBe("Broadsheet: Science");
    expect(parsed.link).toBe(PAGED.homeUrl);
    expect(parsed.atom?.links).toEqual([
      { href: PAGED.formats.rss, rel: "self", type: "application/rss+xml" },
      { href: PAGED.formats.atom, rel: "alternate", type: "application/atom+xml" },
      { href: PAGED.formats.json, rel: "alternate", type: "application/feed+json" },
      { href: PAGED.first, rel: "first" },
      { href: PAGED.previous, rel: "previous" },
      { href: PAGED.next, rel: "next" },
      { href: PAGED.hub, rel: "hub" },
    ]);
  });

  it("escapes the channel's URLs in attributes", () => {
    const hostile = buildRss(
      { ...EMPTY_RSS, selfUrl: 'https://news.example/rss.xml?a=1&b="2"', hub: "https://hub.example/?x=<y>" },
      [],
    );
    expect(XMLValidator.validate(hostile)).toBe(true);
    expect(parseRssFeed(hostile).atom?.links?.map((link) => link.href)).toContain('https://news.example/rss.xml?a=1&b="2"');
    expect(parseRssFeed(hostile).atom?.links?.map((link) => link.href)).toContain("https://hub.example/?x=<y>");
  });

  it("gives lastBuildDate as the latest change of any article, in GMT", () => {
    expect(latestChange([NEWER, OLDER])).toBe(Date.parse("2025-04-03T10:30:00Z"));
    expect(feed.lastBuildDate).toBe("Thu, 03 Apr 2025 10:30:00 GMT");
  });

  it("lists the items in the order given", () => {
    expect(feed.items?.map((item) => item.title)).toEqual(["Newer article", "Older article"]);
  });

  it("gives each item its permalink as link and guid", () => {
    const [newer] = feed.items ?? [];
    expect(newer?.link).toBe("https://news.example/articles/newer-article");
    expect(newer?.guid).toEqual({ value: "https://news.example/articles/newer-article", isPermaLink: true });
  });

  it("gives each item a pubDate in RFC 822 with GMT", () => {
    const [newer, older] = feed.items ?? [];
    expect(newer?.pubDate).toBe("Wed, 02 Apr 2025 08:00:00 GMT");
    // 10:00 at UTC+1 is 09:00 GMT; pubDate is publication, not the later correction.
    expect(older?.pubDate).toBe("Sat, 01 Mar 2025 09:00:00 GMT");
  });

  it("puts the summary in description and the full HTML in content:encoded", () => {
    const [newer, older] = feed.items ?? [];
    expect(newer?.description).toBe("The newer one.");
    expect(newer?.content?.encoded).toBe("<p>Newer <em>body</em>.</p>");
    expect(older?.description).toBe("The older one.");
    expect(older?.content?.encoded).toBe("<p>Older body.</p>");
    expect(rss).toContain("<content:encoded><![CDATA[<p>Newer <em>body</em>.</p>\n]]></content:encoded>");
  });

  it("gives the category first, then one category per tag", () => {
    const [newer, older] = feed.items ?? [];
    expect(newer?.categories).toEqual([{ name: "Latest news" }, { name: "Ukraine" }, { name: "diplomacy" }]);
    expect(older?.categories).toEqual([{ name: "Latest news" }]);
  });

  it("has a dc:creator per author, and none when there are no authors", () => {
    const [newer, older] = feed.items ?? [];
    expect(newer?.dc?.creators).toEqual(["Ann O'Neil", "Bob Smith"]);
    expect(older?.dc).toBeUndefined();
    const olderXml = rss.slice(rss.indexOf("<title>Older article</title>"));
    expect(olderXml).not.toContain("dc:creator");
  });

  it("stays well-formed and faithful when an article contains markup, ]]> and control characters", () => {
    const hostileRss = rssOf([HOSTILE]);
    expect(XMLValidator.validate(hostileRss)).toBe(true);
    expect(hostileRss).not.toMatch(XML_FORBIDDEN);
    expect(hostileRss).not.toContain("<script>");
    // The only ]]> left are the ones that close a CDATA section.
    expect(hostileRss.split("]]>").length).toBe(hostileRss.split("<![CDATA[").length);

    const [item] = parseRssFeed(hostileRss).items ?? [];
    expect(item?.title).toBe("Fish & chips <script>alert(1)</script>");
    expect(item?.description).toBe("Summary with <b>tags</b> & bell");
    expect(item?.content?.encoded).toBe(
      '<p>Array access a[b[0]]>c and ]]> twice ]]></p>\n<pre><code class="language-js">xy</code></pre>',
    );
    expect(item?.categories).toEqual([{ name: "Q&A <live>" }, { name: '"quoted"' }]);
    expect(item?.dc?.creators).toEqual(["Ann & <Bob>"]);
  });

  it("is still a valid feed with no articles, and has no lastBuildDate", () => {
    const empty = buildRss(EMPTY_RSS, []);
    expect(XMLValidator.validate(empty)).toBe(true);
    const parsed = parseRssFeed(empty);
    expect(parsed.title).toBe(SITE.title);
    expect(parsed.items ?? []).toEqual([]);
    expect(parsed.lastBuildDate).toBeUndefined();
    expect(empty).not.toContain("<item>");
  });
});

describe("buildJsonFeed", () => {
  const json = jsonFeedOf([NEWER, OLDER]);
  const raw = JSON.parse(json) as JsonFeed;
  const feed = parseJsonFeed(json);

  it("declares JSON Feed 1.1 and describes the site", () => {
    expect(raw.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.title).toBe(SITE.title);
    expect(feed.home_page_url).toBe("https://news.example/");
    expect(feed.feed_url).toBe("https://news.example/feed.json");
    expect(feed.description).toBe(SITE.description);
    expect(feed.language).toBe("en-GB");
  });

  it("lists the items in the order given, with permalink ids", () => {
    expect(feed.items?.map((item) => item.id)).toEqual([
      "https://news.example/articles/newer-article",
      "https://news.example/articles/older-article",
    ]);
    expect(feed.items?.map((item) => item.url)).toEqual(feed.items?.map((item) => item.id));
  });

  it("carries title, full HTML and summary", () => {
    const [newer] = feed.items ?? [];
    expect(newer?.title).toBe("Newer article");
    // feedsmith trims what it reads; the feed itself carries the HTML exactly as stored.
    expect(newer?.content_html).toBe("<p>Newer <em>body</em>.</p>");
    expect(raw.items[0]?.content_html).toBe(NEWER.html);
    expect(newer?.summary).toBe("The newer one.");
  });

  it("dates items in RFC 3339 UTC, with date_modified falling back to date_published", () => {
    const [newer, older] = feed.items ?? [];
    expect(newer?.date_published).toBe("2025-04-02T08:00:00Z");
    expect(newer?.date_modified).toBe("2025-04-02T08:00:00Z");
    expect(older?.date_published).toBe("2025-03-01T09:00:00Z");
    expect(older?.date_modified).toBe("2025-04-03T10:30:00Z");
  });

  it("gives authors, tags and an absolute image only when the article has them", () => {
    const [newer, older] = raw.items;
    expect(newer?.authors).toEqual([{ name: "Ann O'Neil" }, { name: "Bob Smith" }]);
    expect(newer?.tags).toEqual(["Ukraine", "diplomacy"]);
    expect(newer?.image).toBe("https://news.example/images/newer.jpg");
    expect(older).toBeDefined();
    expect(Object.keys(older ?? {})).not.toContain("authors");
    expect(Object.keys(older ?? {})).not.toContain("tags");
    expect(Object.keys(older ?? {})).not.toContain("image");
    expect(feed.items?.[0]?.authors).toEqual([{ name: "Ann O'Neil" }, { name: "Bob Smith" }]);
  });

  it("keeps an image on another host as it is, and leaves out an image without a url", () => {
    const withRemote = storedArticle({ image: { url: "https://img.example/a.jpg", alt: "A" } });
    const withoutUrl = storedArticle({ slug: "no-url", image: { alt: "Only a caption", caption: "Caption" } });
    const [remote, none] = (JSON.parse(jsonFeedOf([withRemote, withoutUrl])) as JsonFeed).items;
    expect(remote?.image).toBe("https://img.example/a.jpg");
    expect(none).toBeDefined();
    expect(Object.keys(none ?? {})).not.toContain("image");
  });

  it("keeps markup as text and drops control characters", () => {
    const [item] = parseJsonFeed(jsonFeedOf([HOSTILE])).items ?? [];
    expect(item?.title).toBe("Fish & chips <script>alert(1)</script>");
    expect(item?.summary).toBe("Summary with <b>tags</b> & bell");
    expect(item?.content_html).toBe(
      '<p>Array access a[b[0]]>c and ]]> twice ]]></p>\n<pre><code class="language-js">xy</code></pre>',
    );
    expect(item?.authors).toEqual([{ name: "Ann & <Bob>" }]);
  });

  it("has no next_url or hubs unless the channel has them", () => {
    expect(Object.keys(raw)).not.toContain("next_url");
    expect(Object.keys(raw)).not.toContain("hubs");
  });

  it("gives feed_url, home_page_url, next_url and a WebSub hub from the channel", () => {
    const paged = JSON.parse(buildJsonFeed({ ...PAGED, selfUrl: PAGED.formats.json }, [])) as JsonFeed;
    expect(paged).toMatchObject({
      title: "Broadsheet: Science",
      feed_url: PAGED.formats.json,
      home_page_url: PAGED.homeUrl,
      next_url: PAGED.next,
      hubs: [{ type: "WebSub", url: PAGED.hub }],
      items: [],
    });
    const parsed = parseJsonFeed(JSON.stringify(paged));
    expect(parsed.next_url).toBe(PAGED.next);
    expect(parsed.hubs).toEqual([{ type: "WebSub", url: PAGED.hub }]);
  });

  it("is still a valid feed with no articles", () => {
    const empty = buildJsonFeed(EMPTY_JSON, []);
    expect(JSON.parse(empty)).toMatchObject({ version: "https://jsonfeed.org/version/1.1", items: [] });
    const parsed = parseJsonFeed(empty);
    expect(parsed.title).toBe(SITE.title);
    expect(parsed.items ?? []).toEqual([]);
  });
});

describe("lastChange", () => {
  it("is the article's updated time when it has one, else its published time", () => {
    expect(lastChange(OLDER)).toBe("2025-04-03T12:30:00+02:00");
    expect(lastChange(NEWER)).toBe("2025-04-02T08:00:00Z");
  });
});

describe("channelFor", () => {
  it("describes the home feed in each format by default", () => {
    expect(channelFor(SITE, { format: "atom" })).toEqual({
      title: SITE.title,
      description: SITE.description,
      language: "en-GB",
      homeUrl: "https://news.example/",
      selfUrl: "https://news.example/atom.xml",
      formats: {
        rss: "https://news.example/rss.xml",
        atom: "https://news.example/atom.xml",
        json: "https://news.example/feed.json",
      },
    });
    expect(channelFor(SITE, { format: "rss" }).selfUrl).toBe("https://news.example/rss.xml");
    expect(channelFor(SITE, { format: "json" }).selfUrl).toBe("https://news.example/feed.json");
  });

  it("describes another listing, with its own title, paths, pages and hub", () => {
    const channel = channelFor(SITE, {
      format: "json",
      title: "Broadsheet: Science",
      homePath: "/sections/science",
      paths: { rss: "/sections/science/rss.xml", atom: "/sections/science/atom.xml", json: "/sections/science/feed.json" },
      updated: 42,
      next: "https://news.example/sections/science/feed.json?page=2",
      hub: "https://hub.example/",
    });
    expect(channel).toMatchObject({
      title: "Broadsheet: Science",
      homeUrl: "https://news.example/sections/science",
      selfUrl: "https://news.example/sections/science/feed.json",
      updated: 42,
      next: "https://news.example/sections/science/feed.json?page=2",
      hub: "https://hub.example/",
    });
  });

  it("advertises the site's WebSub hub unless told another", () => {
    const withHub: Site = { ...SITE, hub: "https://hub.example/" };
    expect(channelFor(withHub, { format: "rss" }).hub).toBe("https://hub.example/");
    expect(channelFor(withHub, { format: "rss", hub: "https://other-hub.example/" }).hub).toBe("https://other-hub.example/");
    expect(Object.keys(channelFor(SITE, { format: "rss" }))).not.toContain("hub");
  });

  it("gives links in a fixed order: self, the other formats, then the pages and hub it has", () => {
    const rels = (channel: FeedChannel, format: "rss" | "atom" | "json") => feedLinks(channel, format).map((link) => link.rel);
    expect(rels(EMPTY_RSS, "rss")).toEqual(["self", "alternate", "alternate"]);
    expect(rels({ ...PAGED, selfUrl: PAGED.formats.atom, previous: undefined }, "atom")).toEqual([
      "self",
      "alternate",
      "alternate",
      "first",
      "next",
      "hub",
    ]);
    expect(feedLinks(EMPTY_JSON, "json").map((link) => link.type)).toEqual([
      "application/feed+json",
      "application/rss+xml",
      "application/atom+xml",
    ]);
  });
});

describe("feed items rendered at save time", () => {
  it("give a renamed article's item the id it was created with, not a permalink", () => {
    const firstUrl = "https://news.example/articles/first-slug";
    const moved = modelOf(storedArticle({ slug: "second-slug" }), firstUrl);
    expect(moved.id).toBe(firstUrl);
    expect(moved.url).toBe("https://news.example/articles/second-slug");
    const [item] = parseRssFeed(buildRss(EMPTY_RSS, [rssItem(moved)])).items ?? [];
    expect(item?.link).toBe("https://news.example/articles/second-slug");
    expect(item?.guid).toEqual({ value: firstUrl, isPermaLink: false });
    const parsed = JSON.parse(jsonFeedItem(moved)) as JsonFeedItem;
    expect(parsed.id).toBe(firstUrl);
    expect(parsed.url).toBe("https://news.example/articles/second-slug");
  });

  it("make the site's own links and images absolute, and leave other hosts and protocol-relative URLs alone", () => {
    const html =
      '<p><a href="/articles/other">Other</a> <a href="https://else.example/x">Else</a> <a href="//cdn.example/y">CDN</a></p>\n<p><img src="/images/a.jpg" alt="A"></p>\n';
    const model = modelOf(storedArticle({ html }));
    expect(model.contentHtml).toBe(absolutizeLinks(SITE, html));
    expect(model.contentHtml).toContain('href="https://news.example/articles/other"');
    expect(model.contentHtml).toContain('src="https://news.example/images/a.jpg"');
    expect(model.contentHtml).toContain('href="https://else.example/x"');
    expect(model.contentHtml).toContain('href="//cdn.example/y"');
    expect(parseRssFeed(buildRss(EMPTY_RSS, [rssItem(model)])).items?.[0]?.content?.encoded).toContain(
      'href="https://news.example/articles/other"',
    );
  });

  it("carry the summary and a link instead of an article too long for a feed", () => {
    const long = storedArticle({
      summary: "Short & sweet <summary>.",
      html: `<p>${"x".repeat(FEED_ITEM_MAX_HTML_BYTES)}</p>\n`,
    });
    const model = modelOf(long);
    expect(model.contentHtml).toBe(
      '<p>Short &amp; sweet &lt;summary&gt;.</p>\n<p><a href="https://news.example/articles/first-article">Read the whole article</a></p>\n',
    );
    const justFits = modelOf(storedArticle({ html: "y".repeat(FEED_ITEM_MAX_HTML_BYTES) }));
    expect(justFits.contentHtml).toBe("y".repeat(FEED_ITEM_MAX_HTML_BYTES));
  });

  it("are fragments the documents only join: an item renders the same in any feed", () => {
    const item = rssItem(modelOf(NEWER));
    expect(item.startsWith("<item>\n")).toBe(true);
    expect(item.endsWith("</item>\n")).toBe(true);
    expect(rssOf([NEWER, OLDER])).toContain(item);
    expect(rssOf([NEWER])).toContain(item);
    const jsonItem = jsonFeedItem(modelOf(NEWER));
    expect(jsonFeedOf([NEWER, OLDER])).toContain(jsonItem);
    expect((JSON.parse(jsonFeedOf([OLDER, NEWER])) as JsonFeed).items[1]).toEqual(JSON.parse(jsonItem));
  });
});

const xmlParser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === "sitemap" || name === "url" });

describe("buildSitemapIndex", () => {
  const index = buildSitemapIndex(SITE, [
    { month: "2025-04", lastModified: Date.parse("2025-04-03T12:30:00+02:00") },
    { month: "1969-07", lastModified: Date.parse("1969-07-20T20:17:00Z") },
  ]);

  it("is a well-formed sitemap index with one child per month, newest first", () => {
    expect(index.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex')).toBe(true);
    expect(XMLValidator.validate(index)).toBe(true);
    const parsed = xmlParser.parse(index) as {
      sitemapindex: { "@_xmlns": string; sitemap: Array<{ loc: string; lastmod: string }> };
    };
    expect(parsed.sitemapindex["@_xmlns"]).toBe("http://www.sitemaps.org/schemas/sitemap/0.9");
    expect(parsed.sitemapindex.sitemap).toEqual([
      { loc: "https://news.example/sitemaps/2025-04.xml", lastmod: "2025-04-03T10:30:00Z" },
      { loc: "https://news.example/sitemaps/1969-07.xml", lastmod: "1969-07-20T20:17:00Z" },
    ]);
  });

  it("is still valid with no months", () => {
    const empty = buildSitemapIndex(SITE, []);
    expect(XMLValidator.validate(empty)).toBe(true);
    expect(empty).not.toContain("<sitemap>");
  });
});

describe("buildSitemapMonth", () => {
  const urls = [
    { slug: "newer-article", lastModified: Date.parse("2025-04-02T08:00:00Z") },
    { slug: "older-article", lastModified: Date.parse("2025-04-03T12:30:00+02:00") },
  ];

  it("lists each article with its last change, and the home page only in the newest month", () => {
    const newest = buildSitemapMonth(SITE, urls, true);
    expect(XMLValidator.validate(newest)).toBe(true);
    const parsed = xmlParser.parse(newest) as { urlset: { "@_xmlns": string; url: Array<{ loc: string; lastmod?: string }> } };
    expect(parsed.urlset["@_xmlns"]).toBe("http://www.sitemaps.org/schemas/sitemap/0.9");
    expect(parsed.urlset.url).toEqual([
      { loc: "https://news.example/" },
      { loc: "https://news.example/articles/newer-article", lastmod: "2025-04-02T08:00:00Z" },
      { loc: "https://news.example/articles/older-article", lastmod: "2025-04-03T10:30:00Z" },
    ]);
    const older = buildSitemapMonth(SITE, urls, false);
    expect(older).not.toContain("<loc>https://news.example/</loc>");
    expect((xmlParser.parse(older) as { urlset: { url: unknown[] } }).urlset.url).toHaveLength(2);
  });

  it("lists an article's lead image with Google's image extension, and only when it has one", () => {
    const body = buildSitemapMonth(
      SITE,
      [{ slug: "pictured", lastModified: 0, image: "https://news.example/images/a.jpg?w=1&h=2" }, ...urls],
      false,
    );
    expect(XMLValidator.validate(body)).toBe(true);
    const parsed = xmlParser.parse(body) as {
      urlset: { "@_xmlns:image": string; url: Array<{ loc: string; "image:image"?: { "image:loc": string } }> };
    };
    expect(parsed.urlset["@_xmlns:image"]).toBe("http://www.google.com/schemas/sitemap-image/1.1");
    expect(parsed.urlset.url[0]?.["image:image"]).toEqual({ "image:loc": "https://news.example/images/a.jpg?w=1&h=2" });
    expect(parsed.urlset.url.slice(1).map((url) => url["image:image"])).toEqual([undefined, undefined]);
  });

  it("never lists more URLs than the protocol allows in one file", () => {
    const many = Array.from({ length: SITEMAP_MAX_URLS + 5 }, (_, i) => ({ slug: `a-${i}`, lastModified: 0 }));
    const body = buildSitemapMonth(SITE, many, true);
    expect(body.split("<url>").length - 1).toBe(SITEMAP_MAX_URLS);
  });
});

describe("buildRobots", () => {
  it("allows search but not AI training, keeps crawlers out of the API and points at the sitemap", () => {
    const robots = buildRobots(SITE);
    const lines = robots.split("\n");
    expect(lines).toContain("User-agent: *");
    expect(lines).toContain("Content-Signal: search=yes, ai-train=no");
    expect(lines).toContain("Disallow: /api/");
    expect(lines.indexOf("Content-Signal: search=yes, ai-train=no")).toBeGreaterThan(lines.indexOf("User-agent: *"));
    expect(robots.endsWith("Sitemap: https://news.example/sitemap.xml\n")).toBe(true);
    expect(robots).toBe(buildRobots(SITE, { blockAiCrawlers: false }));
    expect(robots).not.toContain("GPTBot");
  });

  /** robots.txt as RFC 9309 groups: the user-agents of each group and its rules. */
  const groupsOf = (robots: string) =>
    robots
      .split(/\n\n+/)
      .map((block) => block.split("\n").filter((line) => line !== "" && !line.startsWith("#")))
      .filter((lines) => lines.some((line) => line.startsWith("User-agent:")))
      .map((lines) => ({
        agents: lines.filter((line) => line.startsWith("User-agent: ")).map((line) => line.slice("User-agent: ".length)),
        rules: lines.filter((line) => !line.startsWith("User-agent: ")),
      }));

  it("gives each AI crawler a group of its own that disallows everything, when asked", () => {
    const robots = buildRobots(SITE, { blockAiCrawlers: true });
    const groups = groupsOf(robots);
    expect(groups[0]).toEqual({
      agents: ["*"],
      rules: ["Content-Signal: search=yes, ai-train=no", "Allow: /", "Disallow: /api/"],
    });
    expect(groups.slice(1)).toEqual(AI_CRAWLERS.map((agent) => ({ agents: [agent], rules: ["Disallow: /"] })));
    expect(AI_CRAWLERS).toHaveLength(21);
    expect(AI_CRAWLERS).toEqual(expect.arrayContaining(["GPTBot", "ClaudeBot", "CCBot", "Google-Extended", "Bytespider"]));
    expect(new Set(AI_CRAWLERS).size).toBe(AI_CRAWLERS.length);
    // The sitemap line is not part of any group, and still ends the file.
    expect(robots.endsWith("\n\nSitemap: https://news.example/sitemap.xml\n")).toBe(true);
  });
});

describe("absolutizeLinks", () => {
  it("makes every site-relative URL absolute, each srcset candidate included, and leaves others alone", () => {
    const html =
      '<a href="/articles/x">x</a><img src="/media/a.jpg" srcset="/media/w/320/a.jpg 320w, /media/a.jpg 800w" sizes="100vw">' +
      '<img src="https://cdn.example/b.jpg" srcset="https://cdn.example/b.jpg 1x, //evil.example/c.jpg 2x">';
    expect(absolutizeLinks(SITE, html)).toBe(
      `<a href="${SITE.url}/articles/x">x</a><img src="${SITE.url}/media/a.jpg" srcset="${SITE.url}/media/w/320/a.jpg 320w, ${SITE.url}/media/a.jpg 800w" sizes="100vw">` +
        '<img src="https://cdn.example/b.jpg" srcset="https://cdn.example/b.jpg 1x, //evil.example/c.jpg 2x">',
    );
  });
});
