import { env } from "cloudflare:workers";
import { parseJsonFeed, parseRssFeed } from "feedsmith";
import { beforeEach, describe, expect, it } from "vitest";
import { publish, request, SITE } from "./helpers";

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
      { "@type": "Person", name: "Ada Lovelace" },
      { "@type": "Person", name: "Grace Hopper" },
    ]);
    expect(html).toContain("By Ada Lovelace and Grace Hopper");
    expect(html).toContain("min read");
    expect(html).toContain("<h2>A heading</h2>");
    expect(html).not.toContain("<script>");
  });

  it("gives every page and feed a Cache-Control and a strong ETag", async () => {
    for (const path of ["/", "/articles/newer-story", "/rss.xml", "/feed.json"]) {
      const response = await request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("Cache-Control"), path).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+$/);
      expect(response.headers.get("ETag"), path).toMatch(/^"[0-9a-f]{32}"$/);
      expect(response.headers.get("Cache-Tag"), path).toBeTruthy();
    }
  });

  it("answers If-None-Match with 304 and no body", async () => {
    for (const path of ["/", "/articles/newer-story", "/rss.xml", "/feed.json"]) {
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
  it("list every public article in the sitemap, and nothing hidden", async () => {
    await publish("mapped", { title: "Mapped", published: "2025-03-01T00:00:00Z", updated: "2025-03-02T09:30:00+01:00" });
    await publish("hidden-draft", { title: "Hidden", draft: true });
    await publish("not-yet", { title: "Not yet", published: "2999-01-01T00:00:00Z" });
    const response = await request("/sitemap.xml");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/xml; charset=utf-8");
    expect(response.headers.get("Cache-Tag")).toBe("list,sitemap");
    const body = await response.text();
    expect(body).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(body).toContain(`<url><loc>${SITE}/</loc></url>`);
    expect(body).toContain(`<url><loc>${SITE}/articles/mapped</loc><lastmod>2025-03-02T08:30:00Z</lastmod></url>`);
    expect(body).not.toContain("hidden-draft");
    expect(body).not.toContain("not-yet");
  });

  it("keeps crawlers out of the API and points them at the sitemap", async () => {
    const response = await request("/robots.txt");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toBe(`User-agent: *\nDisallow: /api/\n\nSitemap: ${SITE}/sitemap.xml\n`);
  });
});

describe("KV cost per request", () => {
  it("costs one read for an article, one list for the home page, one list and one bulk read for each feed", async () => {
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        publish(`cost-${i}`, { title: `Cost ${i}`, published: new Date(Date.UTC(2025, 0, 1 + i)).toISOString() }),
      ),
    );
    const cost = async (path: string) => (await request(path)).headers.get("Server-Timing");
    expect(await cost("/articles/cost-3")).toBe('kv;desc="reads=1 lists=0"');
    expect(await cost("/")).toBe('kv;desc="reads=0 lists=1"');
    expect(await cost("/page/2")).toBe('kv;desc="reads=0 lists=1"');
    expect(await cost("/rss.xml")).toBe('kv;desc="reads=1 lists=1"');
    expect(await cost("/feed.json")).toBe('kv;desc="reads=1 lists=1"');
  });
});

describe("broken or stray records in KV", () => {
  it("lists an article once even if a stray index key for it is left behind, and skips broken entries", async () => {
    await publish("twice", { title: "Listed twice?", published: "2025-03-01T00:00:00Z" });
    await publish("neighbour", { title: "Neighbour", published: "2025-02-01T00:00:00Z" });
    // What an interrupted save could leave: an older index key for the same slug, and one whose
    // metadata is not a list entry at all.
    await env.ARTICLES.put("index:8259999999999:twice", "", {
      metadata: { slug: "twice", title: "Listed twice?", published: "2025-01-01T00:00:00Z", category: "Tests", summary: "x" },
    });
    await env.ARTICLES.put("index:8250000000000:garbage", "", { metadata: { nonsense: true } });
    await env.ARTICLES.put("article:garbage", "{not json");

    const home = await (await request("/")).text();
    expect(home.match(/Listed twice\?/g)?.length).toBe(1);
    expect(home).toContain("Neighbour");
    const rss = parseRssFeed(await (await request("/rss.xml")).text());
    expect(rss.items?.map((i) => i.title)).toEqual(["Listed twice?", "Neighbour"]);
    expect((await request("/articles/garbage")).status).toBe(404);
    expect((await request("/articles/neighbour")).status).toBe(200);
  });
});

describe("pagination", () => {
  it("shows 20 articles a page with links to older and newer pages", async () => {
    await Promise.all(
      Array.from({ length: 23 }, (_, i) =>
        publish(`story-${i}`, { title: `Story ${i}`, published: new Date(Date.UTC(2025, 0, 1 + i)).toISOString() }),
      ),
    );
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
    expect(redirect.headers.get("Location")).toBe("/");
    expect(redirect.headers.get("Cache-Control")).toBe("private, no-store");
    expect((await request("/page/2501")).status).toBe(404);
    expect((await request("/page/99999")).status).toBe(404);
    expect((await request("/page/3")).status).toBe(404);
  });

  it("puts only the latest 20 articles in each feed", async () => {
    await Promise.all(
      Array.from({ length: 22 }, (_, i) =>
        publish(`item-${i}`, { title: `Item ${i}`, published: new Date(Date.UTC(2024, 5, 1 + i)).toISOString() }),
      ),
    );
    const rss = parseRssFeed(await (await request("/rss.xml")).text());
    expect(rss.items?.length).toBe(20);
    expect(rss.items?.[0]?.title).toBe("Item 21");
    const json = parseJsonFeed(await (await request("/feed.json")).json());
    expect(json.items?.length).toBe(20);
    expect(json.items?.at(-1)?.title).toBe("Item 2");
  });
});
