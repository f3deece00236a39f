/**
 * Requests a well-behaved reader never sends, and dates far from today: the public routes must
 * answer each without caching a wrong answer, redirecting off the site, or misordering a list.
 */
import { parseJsonFeed, parseRssFeed } from "feedsmith";
import { beforeEach, describe, expect, it } from "vitest";
import { emptyCache, publish, publishSeries, request, SITE } from "./helpers";

beforeEach(emptyCache);

/** Tests that publish a series one save at a time, on a machine that may be busy. */
const SERIES = { timeout: 30_000 };

describe("methods other than GET and HEAD", () => {
  const PATHS = ["/", "/rss.xml", "/articles/existing-story", "/feed.json", "/sitemap.xml"];
  const METHODS = ["POST", "PUT", "DELETE", "PATCH"];

  it("answer 405 naming GET and HEAD, uncached, and leave every page as it was", async () => {
    await publish("existing-story", { title: "An existing story", published: "2025-04-01T00:00:00Z" });
    for (const path of PATHS) {
      for (const method of METHODS) {
        const response = await request(path, { method, body: method === "DELETE" ? null : "x=1" });
        const what = `${method} ${path}`;
        expect(response.status, what).toBe(405);
        expect(response.headers.get("Allow"), what).toBe("GET, HEAD");
        expect(response.headers.get("Cache-Control"), what).toBe("private, no-store");
        expect(response.headers.get("Cloudflare-CDN-Cache-Control"), what).toBeNull();
        expect(await response.text(), what).toBe("Method Not Allowed\n");
      }
    }
    // Nothing of the 405s was cached: each GET renders the real thing, and it is what gets cached.
    const expected: Record<string, string> = {
      "/": "An existing story",
      "/rss.xml": "<title>An existing story</title>",
      "/articles/existing-story": "<h1>An existing story</h1>",
      "/feed.json": '"title":"An existing story"',
      "/sitemap.xml": `${SITE}/sitemaps/2025-04.xml`,
    };
    for (const path of PATHS) {
      const response = await request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("X-Cache"), path).toBe("MISS");
      expect(await response.text(), path).toContain(expected[path]);
    }
    // And a 405 after the page is cached does not disturb the cached copy.
    expect((await request("/articles/existing-story", { method: "POST" })).status).toBe(405);
    const again = await request("/articles/existing-story");
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("<h1>An existing story</h1>");
  });

  it("never reach the editors' work: a DELETE on an article's public URL leaves it published", async () => {
    await publish("existing-story", { title: "An existing story" });
    expect((await request("/articles/existing-story", { method: "DELETE" })).status).toBe(405);
    expect((await request("/articles/existing-story")).status).toBe(200);
  });
});

describe("URLs a browser would read as another host", () => {
  it("answer 404, never a redirect", async () => {
    // Built as full URLs: resolved against the site, `//evil.example` would name another host.
    for (const url of [`${SITE}//evil.example/?x=1`, `${SITE}/\\evil.example/`, `${SITE}//evil.example/articles/x`]) {
      const response = await request(url, { redirect: "manual" });
      expect(response.status, url).toBe(404);
      expect(response.headers.get("Location"), url).toBeNull();
      expect(await response.text(), url).toContain("Page not found");
    }
  });

  it("leave an ordinary query to be redirected to the canonical URL on the configured site", async () => {
    const response = await request("/?utm_source=x", { redirect: "manual", headers: { Host: "evil.example" } });
    expect(response.status).toBe(301);
    expect(response.headers.get("Location")).toBe("https://news.example/");
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
  });
});

describe("articles from long ago", () => {
  const MOON = { title: "Men walk on the Moon", published: "1969-07-20T20:17:00Z" };
  const MILLENNIUM = { title: "A thousand years ago", published: "1000-01-01T00:00:00Z" };
  const RECENT = { title: "This year's news", published: "2025-03-01T00:00:00Z" };

  it("sort after a 2025 one on the home page, in both feeds and in the sitemap", async () => {
    // Published oldest last, so the order cannot come from the order of saving.
    await publish("this-year", RECENT);
    await publish("moon-landing", MOON);
    await publish("millennium", MILLENNIUM);

    const home = await (await request("/")).text();
    const positions = ["this-year", "moon-landing", "millennium"].map((slug) => home.indexOf(`href="/articles/${slug}"`));
    expect(positions.every((at) => at > -1)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(home).toContain('<time datetime="1969-07-20T20:17:00Z">');
    expect(home).toContain('<time datetime="1000-01-01T00:00:00Z">');

    const rss = parseRssFeed(await (await request("/rss.xml")).text());
    expect(rss.items?.map((item) => item.title)).toEqual([RECENT.title, MOON.title, MILLENNIUM.title]);
    expect(rss.items?.map((item) => item.pubDate)).toEqual([
      "Sat, 01 Mar 2025 00:00:00 GMT",
      "Sun, 20 Jul 1969 20:17:00 GMT",
      "Wed, 01 Jan 1000 00:00:00 GMT",
    ]);
    const json = parseJsonFeed(await (await request("/feed.json")).json());
    expect(json.items?.map((item) => item.date_published)).toEqual([
      "2025-03-01T00:00:00Z",
      "1969-07-20T20:17:00Z",
      "1000-01-01T00:00:00Z",
    ]);

    const index = await (await request("/sitemap.xml")).text();
    const months = [...index.matchAll(/\/sitemaps\/(\d{4}-\d{2})\.xml/g)].map((match) => match[1]);
    expect(months).toEqual(["2025-03", "1969-07", "1000-01"]);
    const july1969 = await request("/sitemaps/1969-07.xml");
    expect(july1969.status).toBe(200);
    expect(await july1969.text()).toContain(`<loc>${SITE}/articles/moon-landing</loc><lastmod>1969-07-20T20:17:00Z</lastmod>`);
  });

  it("sort after 2025 ones on /page/2", SERIES, async () => {
    await publish("moon-landing", MOON);
    await publish("millennium", MILLENNIUM);
    await publishSeries("recent", 20);

    const first = await (await request("/")).text();
    expect(first.match(/<li><article>/g)?.length).toBe(20);
    expect(first).not.toContain("moon-landing");
    expect(first).not.toContain("millennium");
    const second = await request("/page/2");
    expect(second.status).toBe(200);
    const html = await second.text();
    expect(html.match(/<li><article>/g)?.length).toBe(2);
    const moon = html.indexOf('href="/articles/moon-landing"');
    expect(moon).toBeGreaterThan(-1);
    expect(html.indexOf('href="/articles/millennium"')).toBeGreaterThan(moon);
    expect(html).not.toContain("recent-");
  });
});

describe("pages past the last", () => {
  it("answer 404 without listing KV", SERIES, async () => {
    await publishSeries("story", 22);
    expect((await request("/page/2")).status).toBe(200);
    for (const path of ["/page/3", "/page/4", "/page/50"]) {
      const response = await request(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("Server-Timing"), path).toBe('kv;desc="reads=1 lists=0"');
      expect(await response.text(), path).toContain("Page not found");
    }
    // Past the deepest page there is, not even the one read.
    for (const path of ["/page/51", "/page/9999"]) {
      const response = await request(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("Server-Timing"), path).toMatch(/lists=0"$/);
    }
  });

  it("answer 404 without listing KV before anything is published", async () => {
    const response = await request("/page/2");
    expect(response.status).toBe(404);
    expect(response.headers.get("Server-Timing")).toMatch(/^kv;desc="reads=\d+ lists=0"$/);
  });
});
