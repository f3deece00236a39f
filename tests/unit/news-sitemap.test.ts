import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { Site } from "../../src/core/config";
import {
  buildNewsSitemap,
  NEWS_SITEMAP_MAX_AGE_MS,
  NEWS_SITEMAP_MAX_URLS,
  type NewsSitemapEntry,
  newsLanguage,
} from "../../src/feeds/sitemap";

const SITE: Site = { title: "Broadsheet & Co", description: "News.", url: "https://news.example", language: "en-GB" };

const NOW = Date.parse("2025-04-03T12:00:00Z");
const HOUR = 60 * 60 * 1000;

interface NewsUrl {
  loc: string;
  "news:news": {
    "news:publication": { "news:name": string; "news:language": string };
    "news:publication_date": string;
    "news:title": string;
  };
}

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === "url" });
const urlsOf = (body: string): NewsUrl[] => (parser.parse(body) as { urlset: { url?: NewsUrl[] } }).urlset.url ?? [];

const entry = (slug: string, hoursAgo: number, title = slug): NewsSitemapEntry => ({
  slug,
  title,
  published: NOW - hoursAgo * HOUR,
});

describe("buildNewsSitemap", () => {
  it("is a well-formed sitemap in the Google News namespace", () => {
    const body = buildNewsSitemap(SITE, [entry("a", 1)], NOW);
    expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset')).toBe(true);
    expect(XMLValidator.validate(body)).toBe(true);
    const urlset = (parser.parse(body) as { urlset: Record<string, string> }).urlset;
    expect(urlset["@_xmlns"]).toBe("http://www.sitemaps.org/schemas/sitemap/0.9");
    expect(urlset["@_xmlns:news"]).toBe("http://www.google.com/schemas/sitemap-news/0.9");
  });

  it("names the publication, its language, the publication date in RFC 3339 and the title", () => {
    const body = buildNewsSitemap(SITE, [entry("fish", 5, "Fish & chips <now> \u0001")], NOW);
    expect(XMLValidator.validate(body)).toBe(true);
    expect(urlsOf(body)).toEqual([
      {
        loc: "https://news.example/articles/fish",
        "news:news": {
          "news:publication": { "news:name": "Broadsheet & Co", "news:language": "en" },
          "news:publication_date": "2025-04-03T07:00:00Z",
          "news:title": "Fish & chips <now>",
        },
      },
    ]);
  });

  it("lists only articles from the last 48 hours, newest first, and none scheduled for later", () => {
    const entries = [
      entry("old", 49),
      entry("edge", NEWS_SITEMAP_MAX_AGE_MS / HOUR),
      entry("just-past-edge", NEWS_SITEMAP_MAX_AGE_MS / HOUR + 1 / 3_600_000),
      entry("recent", 2),
      entry("now", 0),
      entry("scheduled", -1),
    ];
    expect(NEWS_SITEMAP_MAX_AGE_MS).toBe(48 * HOUR);
    expect(urlsOf(buildNewsSitemap(SITE, entries, NOW)).map((url) => url.loc.split("/").pop())).toEqual([
      "now",
      "recent",
      "edge",
    ]);
  });

  it("lists at most 1,000 articles, the newest", () => {
    const many = Array.from({ length: NEWS_SITEMAP_MAX_URLS + 50 }, (_, i) => ({
      slug: `a-${i}`,
      title: `A ${i}`,
      published: NOW - (NEWS_SITEMAP_MAX_URLS + 50 - i) * 1000,
    }));
    const urls = urlsOf(buildNewsSitemap(SITE, many, NOW));
    expect(NEWS_SITEMAP_MAX_URLS).toBe(1000);
    expect(urls).toHaveLength(1000);
    expect(urls[0]?.loc).toBe(`https://news.example/articles/a-${NEWS_SITEMAP_MAX_URLS + 49}`);
    expect(urls.at(-1)?.loc).toBe("https://news.example/articles/a-50");
  });

  it("is still valid with nothing recent", () => {
    const empty = buildNewsSitemap(SITE, [entry("old", 100)], NOW);
    expect(XMLValidator.validate(empty)).toBe(true);
    expect(empty).not.toContain("<url>");
  });
});

describe("newsLanguage", () => {
  it("is the ISO 639 code of the site's language", () => {
    expect(newsLanguage("en-GB")).toBe("en");
    expect(newsLanguage("en")).toBe("en");
    expect(newsLanguage("pt-BR")).toBe("pt");
    expect(newsLanguage("fil")).toBe("fil");
  });

  it("is zh-cn for Simplified and zh-tw for Traditional Chinese, as Google News names them", () => {
    expect(newsLanguage("zh")).toBe("zh-cn");
    expect(newsLanguage("zh-CN")).toBe("zh-cn");
    expect(newsLanguage("zh-Hans")).toBe("zh-cn");
    expect(newsLanguage("zh-SG")).toBe("zh-cn");
    expect(newsLanguage("zh-TW")).toBe("zh-tw");
    expect(newsLanguage("zh-HK")).toBe("zh-tw");
    expect(newsLanguage("zh-Hant")).toBe("zh-tw");
  });
});
