import { env } from "cloudflare:workers";
import { parseJsonFeed, parseRssFeed } from "feedsmith";
import { beforeEach, describe, expect, it } from "vitest";
import { indexKey } from "../../src/readmodel/store";
import { HOME } from "../../src/targets/document-name";
import { navFromHtml } from "../support/nav";
import { deleteArticle, emptyCache, publish, publishSeries, request, SITE, TOKEN } from "./helpers";

beforeEach(emptyCache);

/** Tests that publish a series one save at a time, on a machine that may be busy. */
const SERIES = { timeout: 30_000 };

describe("public routes", () => {
  beforeEach(async () => {
    await publish("older-story", { title: "An older story", published: "2025-01-10T08:00:00Z", category: "World" });
    await publish(
      "newer-story",
      {
        title: "A newer story",
        published: "2025-02-10T08:00:00+02:00",
        authors: ["Ada Lovelace", "Grace Hopper"],
        tags: ["science"],
      },
      "The newer story's **first** paragraph.\n\n## A heading\n\nMore text.",
    );
  });

  it("lists articles newest first on the home page, with title links, dates, categories and summaries", async () => {
    const response = await request("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    const newer = html.indexOf('href="/articles/newer-story"');
    const older = html.indexOf('href="/articles/older-story"');
    expect(newer).toBeGreaterThan(-1);
    expect(older).toBeGreaterThan(newer);
    expect(html).toContain('<time datetime="2025-02-10T06:00:00Z">');
    expect(html).toContain("World");
    expect(html).toContain("The newer story&#39;s first paragraph.");
  });

  it("puts canonical, Open Graph, Twitter, JSON-LD and feed discovery in an article's head", async () => {
    const response = await request("/articles/newer-story");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`<link rel="canonical" href="${SITE}/articles/newer-story"/>`);
    expect(html).toContain('<meta property="og:type" content="article"/>');
    expect(html).toContain('<meta property="og:title" content="A newer story"/>');
    expect(html).toContain('<meta name="twitter:card" content="summary"/>');
    expect(html).toContain('<meta name="description" content="The newer story&#39;s first paragraph."/>');
    expect(html).toContain(`<link rel="alternate" type="application/rss+xml" title="Broadsheet (RSS)" href="${SITE}/rss.xml"/>`);
    expect(html).toContain(
      `<link rel="alternate" type="application/feed+json" title="Broadsheet (JSON Feed)" href="${SITE}/feed.json"/>`,
    );
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1] ?? "null");
    expect(jsonLd["@type"]).toBe("NewsArticle");
    expect(jsonLd.headline).toBe("A newer story");
    expect(jsonLd.datePublished).toBe("2025-02-10T06:00:00Z");
    expect(jsonLd.author).toEqual([
      { "@type": "Person", name: "Ada Lovelace", url: `${SITE}/authors/ada-lovelace` },
      { "@type": "Person", name: "Grace Hopper", url: `${SITE}/authors/grace-hopper` },
    ]);
    expect(html).toContain(
      'By <a href="/authors/ada-lovelace" rel="author">Ada Lovelace</a> and <a href="/authors/grace-hopper" rel="author">Grace Hopper</a>',
    );
    expect(html).toContain("min read");
    expect(html).toContain("<h2>A heading</h2>");
    expect(html).not.toContain("<script>");
  });

  it("gives every page and feed a Cache-Control and a strong ETag", async () => {
    for (const path of ["/", "/articles/newer-story", "/rss.xml", "/feed.json", "/sitemap.xml", "/sitemaps/2025-02.xml"]) {
      const response = await request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("Cache-Control"), path).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+$/);
      expect(response.headers.get("ETag"), path).toMatch(/^"[0-9a-f]{32}"$/);
      expect(response.headers.get("Cache-Tag"), path).toBeTruthy();
    }
  });

  it("answers If-None-Match with 304 and no body", async () => {
    for (const path of ["/", "/articles/newer-story", "/rss.xml", "/feed.json", "/sitemap.xml"]) {
      const etag = (await request(path)).headers.get("ETag") ?? "";
      const response = await request(path, { headers: { "If-None-Match": etag } });
      expect(response.status, path).toBe(304);
      expect(response.headers.get("ETag")).toBe(etag);
      expect(await response.text()).toBe("");
      const changed = await request(path, { headers: { "If-None-Match": '"something-else"' } });
      expect(changed.status, path).toBe(200);
    }
  });

  it("serves RSS 2.0 that a real parser reads, with full content", async () => {
    const response = await request("/rss.xml");
    expect(response.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
    const feed = parseRssFeed(await response.text());
    expect(feed.title).toBe("Broadsheet");
    expect(feed.items?.map((item) => item.title)).toEqual(["A newer story", "An older story"]);
    const newer = feed.items?.[0];
    expect(newer?.link).toBe(`${SITE}/articles/newer-story`);
    expect(newer?.pubDate).toBe("Mon, 10 Feb 2025 06:00:00 GMT");
    expect(newer?.content?.encoded).toContain("<h2>A heading</h2>");
    expect(newer?.dc?.creators).toEqual(["Ada Lovelace", "Grace Hopper"]);
  });

  it("serves JSON Feed 1.1 that a real parser reads, with full content", async () => {
    const response = await request("/feed.json");
    expect(response.headers.get("Content-Type")).toBe("application/feed+json; charset=utf-8");
    const feed = parseJsonFeed(await response.json());
    expect(feed.title).toBe("Broadsheet");
    expect(feed.feed_url).toBe(`${SITE}/feed.json`);
    expect(feed.items?.map((item) => item.id)).toEqual([`${SITE}/articles/newer-story`, `${SITE}/articles/older-story`]);
    expect(feed.items?.[0]?.content_html).toContain("<h2>A heading</h2>");
    expect(feed.items?.[0]?.date_published).toBe("2025-02-10T06:00:00Z");
    expect(feed.items?.[0]?.authors).toEqual([{ name: "Ada Lovelace" }, { name: "Grace Hopper" }]);
    expect(feed.items?.[1]?.authors).toBeUndefined();
  });

  it("escapes a title holding <script> and & everywhere it appears", async () => {
    const title = `Fish & chips <script>alert("x")</script>`;
    await publish("tricky-title", { title, published: "2025-03-01T00:00:00Z" });
    const page = await (await request("/articles/tricky-title")).text();
    expect(page).not.toContain('<script>alert("x")</script>');
    expect(page).toContain("Fish &amp; chips &lt;script&gt;");
    const home = await (await request("/")).text();
    expect(home).toContain("Fish &amp; chips &lt;script&gt;");
    const rss = parseRssFeed(await (await request("/rss.xml")).text());
    expect(rss.items?.[0]?.title).toBe(title);
    const json = parseJsonFeed(await (await request("/feed.json")).json());
    expect(json.items?.[0]?.title).toBe(title);
  });

  it("answers 410 for a deleted article, 301 for a renamed one, and 200 again once it is restored", async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect((await deleteArticle("older-story")).status).toBe(200);
    const gone = await request("/articles/older-story");
    expect(gone.status).toBe(410);
    expect(gone.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(gone.headers.get("Cache-Tag")).toBe("article:older-story");
    expect(await gone.text()).toContain("Article removed");

    const moved = await request("/api/articles/newer-story/move", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ to: "renamed-story" }),
    });
    expect(moved.status).toBe(200);
    const redirect = await request("/articles/newer-story", { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("Location")).toBe(`${SITE}/articles/renamed-story`);
    expect(await redirect.text()).toBe("");
    expect((await request("/articles/renamed-story")).status).toBe(200);
    // Feeds keep the item's first id, so readers do not see it twice.
    const json = parseJsonFeed(await (await request("/feed.json")).json());
    expect(json.items?.map((item) => [item.id, item.url])).toEqual([
      [`${SITE}/articles/newer-story`, `${SITE}/articles/renamed-story`],
    ]);

    const restored = await request("/api/articles/older-story/restore", { method: "POST", headers: auth });
    expect(restored.status).toBe(200);
    expect((await request("/articles/older-story")).status).toBe(200);
    expect(await (await request("/")).text()).toContain('href="/articles/older-story"');
  });

  it("answers HEAD like GET, without a body", async () => {
    const response = await request("/articles/newer-story", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toMatch(/^"/);
    expect(await response.text()).toBe("");
  });

  it("serves a real 404 page for unknown paths and slugs", async () => {
    for (const path of ["/nope", "/articles/no-such-article", "/articles/Bad..Slug", "/page/99"]) {
      const response = await request(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("Content-Type"), path).toBe("text/html; charset=utf-8");
      expect(await response.text(), path).toContain("Page not found");
    }
  });
});

describe("slugs that could never exist", () => {
  it("get the ordinary 404 without a KV read, and nothing of them reaches a header", async () => {
    for (const path of ["/articles/a%0Ab", `/articles/${"x".repeat(600)}`, "/articles/a%2Chello", "/articles/caf%C3%A9"]) {
      const response = await request(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("Cache-Tag"), path).toBe("404");
      expect(response.headers.get("Server-Timing"), path).toBe('kv;desc="reads=0 lists=0"');
    }
  });
});

describe("search engines", () => {
  it("list every public article in the sitemap's month, and nothing hidden", async () => {
    await publish("mapped", { title: "Mapped", published: "2025-03-01T00:00:00Z", updated: "2025-03-02T09:30:00+01:00" });
    await publish("earlier", { title: "Earlier", published: "2025-02-10T00:00:00Z" });
    await publish("hidden-draft", { title: "Hidden", draft: true, published: "2025-03-05T00:00:00Z" });
    await publish("not-yet", { title: "Not yet", published: "2999-01-01T00:00:00Z" });

    const response = await request("/sitemap.xml");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/xml; charset=utf-8");
    expect(response.headers.get("Cache-Tag")).toBe("sitemap");
    const index = await response.text();
    expect(index).toContain('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(index).toContain(`<sitemap><loc>${SITE}/sitemaps/2025-03.xml</loc><lastmod>2025-03-02T08:30:00Z</lastmod></sitemap>`);
    expect(index).toContain(`<loc>${SITE}/sitemaps/2025-02.xml</loc>`);
    expect(index.indexOf("2025-03.xml")).toBeLessThan(index.indexOf("2025-02.xml"));
    expect(index).not.toContain("2999-01");

    const march = await request("/sitemaps/2025-03.xml");
    expect(march.status).toBe(200);
    expect(march.headers.get("Content-Type")).toBe("application/xml; charset=utf-8");
    expect(march.headers.get("Cache-Tag")).toBe("sitemap:2025-03");
    const body = await march.text();
    expect(body).toMatch(/<urlset xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9"[ >]/);
    // The newest month also lists the home page.
    expect(body).toContain(`<url><loc>${SITE}/</loc></url>`);
    expect(body).toContain(`<url><loc>${SITE}/articles/mapped</loc><lastmod>2025-03-02T08:30:00Z</lastmod></url>`);
    expect(body).not.toContain("hidden-draft");
    const february = await (await request("/sitemaps/2025-02.xml")).text();
    expect(february).toContain(`${SITE}/articles/earlier`);
    expect(february).not.toContain(`<url><loc>${SITE}/</loc></url>`);

    // A scheduled article is in no sitemap until its time comes; a month that never had one is a 404.
    expect(await (await request("/sitemaps/2999-01.xml")).text()).not.toContain("not-yet");
    expect((await request("/sitemaps/2024-12.xml")).status).toBe(404);
  });

  it("may crawl for search but not train AI, stay out of the API, and find the sitemap", async () => {
    const response = await request("/robots.txt");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    const robots = await response.text();
    const lines = robots.split("\n");
    expect(lines).toContain("User-agent: *");
    expect(lines).toContain("Content-Signal: search=yes, ai-train=no");
    expect(lines).toContain("Disallow: /api/");
    expect(robots.endsWith(`\nSitemap: ${SITE}/sitemap.xml\n`)).toBe(true);
  });
});

describe("KV cost per request", () => {
  it(
    "costs one read for each page, feed and sitemap; two side by side (the page's, the navigation's) and one list for a deeper page",
    SERIES,
    async () => {
      await publishSeries("cost", 25);
      const cost = async (path: string) => {
        const response = await request(path);
        expect(response.status, path).toBe(200);
        expect(response.headers.get("X-Cache"), path).toBe("MISS");
        return response.headers.get("Server-Timing");
      };
      for (const path of ["/articles/cost-3", "/", "/rss.xml", "/feed.json", "/sitemap.xml", "/sitemaps/2025-01.xml"]) {
        expect(await cost(path), path).toBe('kv;desc="reads=1 lists=0"');
      }
      expect(await cost("/page/2")).toBe('kv;desc="reads=2 lists=1"');
      // The navigation comes from D1, through the document the home page's build wrote: never from HTML.
      expect(navFromHtml(await (await request("/page/2")).text())).toEqual([{ slug: "tests", name: "Tests" }]);
      expect(await cost("/robots.txt")).toBe('kv;desc="reads=0 lists=0"');
    },
  );

  it("costs one read, and serves valid empty feeds, before anything is published", async () => {
    for (const path of ["/", "/rss.xml", "/feed.json", "/sitemap.xml"]) {
      const response = await request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("Server-Timing"), path).toBe('kv;desc="reads=1 lists=0"');
    }
    expect(parseRssFeed(await (await request("/rss.xml")).text()).items ?? []).toEqual([]);
    expect(parseJsonFeed(await (await request("/feed.json")).json()).items ?? []).toEqual([]);
    expect(await (await request("/sitemap.xml")).text()).not.toContain("<sitemap>");
  });
});

describe("broken or stray records", () => {
  it(
    "lists an article once on a deeper page even if a stray index key for it is left behind, and skips broken keys",
    SERIES,
    async () => {
      await publishSeries("filler", 21, Date.UTC(2025, 5, 1));
      await publish("twice", { title: "Listed twice?", published: "2025-03-01T00:00:00Z" });
      await publish("neighbour", { title: "Neighbour", published: "2025-02-01T00:00:00Z" });
      // What an interrupted rebuild could leave: an older index key for the same slug, and one whose
      // metadata is not a list entry at all.
      await env.ARTICLES.put(indexKey(HOME, Date.parse("2025-01-01T00:00:00Z"), "twice"), "", {
        metadata: { slug: "twice", title: "Listed twice?", published: "2025-01-01T00:00:00Z", category: "Tests", summary: "x" },
      });
      await env.ARTICLES.put(indexKey(HOME, Date.parse("2025-02-15T00:00:00Z"), "garbage"), "", {
        metadata: { nonsense: true },
      });

      const second = await (await request("/page/2")).text();
      expect(second.match(/Listed twice\?/g)?.length).toBe(1);
      expect(second).toContain("Neighbour");
      expect(second).toContain("Filler 0");
      expect(second).not.toContain("garbage");
      expect(second.match(/<li><article>/g)?.length).toBe(3);
    },
  );

  it("answers 404 for a page whose KV record has broken metadata, and serves its neighbours", async () => {
    await publish("neighbour", { title: "Neighbour", published: "2025-02-01T00:00:00Z" });
    await env.ARTICLES.put("page:garbage", "<p>not a page</p>", { metadata: { nonsense: true } });
    await env.ARTICLES.put("page:half-live", "<p>half</p>", { metadata: { state: "live" } });
    expect((await request("/articles/garbage")).status).toBe(404);
    expect((await request("/articles/half-live")).status).toBe(404);
    expect((await request("/articles/neighbour")).status).toBe(200);
  });

  it("leaves an article whose list entry in D1 is broken out of the lists and feeds, and keeps the rest", async () => {
    await publish("broken-entry", { title: "Broken entry", published: "2025-03-01T00:00:00Z" });
    await env.DB.prepare("UPDATE articles SET entry = '{not json' WHERE slug = 'broken-entry'").run();
    // Any later change rebuilds the lists from D1.
    await publish("neighbour", { title: "Neighbour", published: "2025-02-01T00:00:00Z" });
    const home = await (await request("/")).text();
    expect(home).not.toContain("Broken entry");
    expect(home).toContain("Neighbour");
    const rss = parseRssFeed(await (await request("/rss.xml")).text());
    expect(rss.items?.map((i) => i.title)).toEqual(["Neighbour"]);
    const json = parseJsonFeed(await (await request("/feed.json")).json());
    expect(json.items?.map((i) => i.title)).toEqual(["Neighbour"]);
    // Its own page does not depend on the list entry.
    expect((await request("/articles/broken-entry")).status).toBe(200);
  });
});

describe("pagination", () => {
  it("shows 20 articles a page with links to older and newer pages", SERIES, async () => {
    await publishSeries("story", 23);
    const first = await (await request("/")).text();
    expect(first.match(/<li><article>/g)?.length).toBe(20);
    expect(first).toContain("Story 22");
    expect(first).not.toContain("Story 2<");
    expect(first).toContain('href="/page/2" rel="next"');
    expect(first).not.toContain('rel="prev"');

    const second = await (await request("/page/2")).text();
    expect(second.match(/<li><article>/g)?.length).toBe(3);
    expect(second).toContain(">Story 0<");
    expect(second).toContain('href="/" rel="prev"');
    expect(second).not.toContain('rel="next"');

    const redirect = await request("/page/1", { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("Location")).toBe(`${SITE}/`);
    expect(redirect.headers.get("Cache-Control")).toBe("private, no-store");
    expect((await request("/page/2501")).status).toBe(404);
    expect((await request("/page/99999")).status).toBe(404);
    expect((await request("/page/3")).status).toBe(404);
    expect((await request("/page/51")).status).toBe(404);
  });

  it("puts only the latest 20 articles in each feed", SERIES, async () => {
    await publishSeries("item", 22, Date.UTC(2024, 5, 1));
    const rss = parseRssFeed(await (await request("/rss.xml")).text());
    expect(rss.items?.length).toBe(20);
    expect(rss.items?.[0]?.title).toBe("Item 21");
    const json = parseJsonFeed(await (await request("/feed.json")).json());
    expect(json.items?.length).toBe(20);
    expect(json.items?.at(-1)?.title).toBe("Item 2");
  });
});
