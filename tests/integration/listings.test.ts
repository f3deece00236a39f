/**
 * Sections, tags and authors: their pages and feeds, slugs, links, profiles and order, through
 * real requests with real D1, KV and Cache API.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { beforeEach, describe, expect, it } from "vitest";
import { articleFile, clock, emptyCache, publish, putArticle, request, SITE, TOKEN, worker } from "./helpers";

const authorized = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };

function putJson(path: string, body: unknown): Promise<Response> {
  return request(path, { method: "PUT", headers: authorized, body: JSON.stringify(body) });
}

beforeEach(emptyCache);

describe("listings for sections, tags and authors", () => {
  it("serves a page and three feeds for each, linked from the article", async () => {
    await publish("climate-talks", {
      title: "Climate talks resume",
      category: "World News",
      tags: ["Climate", "Économie"],
      authors: ["Ada Lovelace"],
    });
    const article = await (await request("/articles/climate-talks")).text();
    expect(article).toContain('<a href="/sections/world-news">World News</a>');
    expect(article).toContain('<a href="/tags/climate">Climate</a>');
    expect(article).toContain('<a href="/tags/economie">Économie</a>');
    expect(article).toContain('<a href="/authors/ada-lovelace" rel="author">Ada Lovelace</a>');

    for (const base of ["/sections/world-news", "/tags/climate", "/tags/economie", "/authors/ada-lovelace"]) {
      const page = await request(base);
      expect(page.status, base).toBe(200);
      const html = await page.text();
      expect(html, base).toContain('href="/articles/climate-talks"');
      // Each listing advertises its own feeds.
      expect(html, base).toContain(`type="application/atom+xml" title=`);
      expect(html, base).toContain(`href="${SITE}${base}/atom.xml"`);
      const rss = parseRssFeed(await (await request(`${base}/rss.xml`)).text());
      expect(
        rss.items?.map((i) => i.title),
        base,
      ).toEqual(["Climate talks resume"]);
      const atom = parseAtomFeed(await (await request(`${base}/atom.xml`)).text());
      expect(
        atom.entries?.map((e) => e.title?.value),
        base,
      ).toEqual(["Climate talks resume"]);
      const json = parseJsonFeed(await (await request(`${base}/feed.json`)).json());
      expect(json.feed_url, base).toBe(`${SITE}${base}/feed.json`);
      expect(
        json.items?.map((i) => i.title),
        base,
      ).toEqual(["Climate talks resume"]);
    }
    const home = await (await request("/")).text();
    expect(home).toContain('<nav class="sections" aria-label="Sections">');
    expect(home).toContain('<a href="/sections/world-news">World News</a>');
  });

  it("costs one KV read for a listing's first page and each feed on a miss", async () => {
    await publish("one-read", { category: "Science" });
    for (const path of [
      "/sections/science",
      "/sections/science/rss.xml",
      "/sections/science/atom.xml",
      "/sections/science/feed.json",
    ]) {
      const response = await request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("Server-Timing"), path).toBe('kv;desc="reads=1 lists=0"');
    }
  });

  it("answer conditional requests and HEAD on every new route as the home feeds do", async () => {
    await publish("conditional", { category: "Science", tags: ["space"], authors: ["Vera Rubin"] });
    for (const path of [
      "/atom.xml",
      "/sections/science",
      "/tags/space/atom.xml",
      "/authors/vera-rubin/feed.json",
      "/sitemaps/sections.xml",
    ]) {
      const first = await request(path);
      const etag = first.headers.get("ETag");
      expect(etag, path).toMatch(/^"[0-9a-f]{32}"$/);
      expect(first.headers.get("Cache-Tag"), path).toBeTruthy();
      const again = await request(path, { headers: { "If-None-Match": etag ?? "" } });
      expect(again.status, path).toBe(304);
      const head = await request(path, { method: "HEAD" });
      expect(head.status, path).toBe(200);
      expect(await head.text(), path).toBe("");
    }
    const feed = await request("/tags/space/rss.xml");
    const modified = feed.headers.get("Last-Modified") ?? "";
    expect((await request("/tags/space/rss.xml", { headers: { "If-Modified-Since": modified } })).status).toBe(304);
  });

  it("answers the ordinary 404 for a section, tag or author that does not exist", async () => {
    await publish("exists", { category: "Real", tags: ["real"] });
    for (const path of [
      "/sections/unreal",
      "/tags/unreal/rss.xml",
      "/authors/nobody",
      "/authors/nobody/feed.json",
      "/tags/Not_A_Slug",
    ]) {
      const response = await request(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).toContain("Page not found");
    }
  });

  it("pages a listing like the home page", async () => {
    for (let i = 0; i < 22; i++) {
      await publish(`paged-${i}`, {
        title: `Paged ${i}`,
        category: "Paged",
        published: new Date(Date.UTC(2025, 0, 1, i)).toISOString(),
      });
    }
    const first = await (await request("/sections/paged")).text();
    expect(first).toContain('href="/sections/paged/page/2"');
    const second = await request("/sections/paged/page/2");
    expect(second.status).toBe(200);
    const html = await second.text();
    expect(html).toContain('href="/articles/paged-1"');
    expect(html).toContain('href="/articles/paged-0"');
    expect(html).not.toContain('href="/articles/paged-21"');
    expect((await request("/sections/paged/page/3")).status).toBe(404);
  }, 30_000);

  it("keeps a non-Latin name and the navigation on a listing's deeper pages", async () => {
    for (let i = 0; i < 21; i++) {
      await publish(`eco-${i}`, { category: "Économie", published: new Date(Date.UTC(2025, 0, 1, i)).toISOString() });
    }
    const second = await (await request("/sections/economie/page/2")).text();
    expect(second).toContain("<h1>Économie, page 2</h1>");
    expect(second).toContain('<a href="/sections/economie">Économie</a>');
  }, 30_000);

  it("drops an article from a tag's listing when the tag is taken off it", async () => {
    await publish("retagged", { title: "Retagged", tags: ["first", "second"] });
    await publish("retagged", { title: "Retagged", tags: ["second"] });
    expect(await (await request("/tags/first")).text()).not.toContain('href="/articles/retagged"');
    expect(await (await request("/tags/second")).text()).toContain('href="/articles/retagged"');
  });
});

describe("slugs", () => {
  it("never collide, match names without regard to case, and give non-Latin names a slug", async () => {
    await publish("plus", { category: "C++", tags: ["東京", "Tokyo"] });
    await publish("plain", { category: "C", tags: ["tokyo"] });
    const sections = (await (await request("/api/sections", { headers: authorized })).json()) as {
      sections: Array<{ slug: string; name: string }>;
    };
    const slugs = sections.sections.map((s) => s.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect(slugs).toHaveLength(2); // "C++" and "C" both slugify to "c": one of them gets "c-2"
    const tags = await env.DB.prepare("SELECT slug, name FROM tags ORDER BY slug").all<{ slug: string; name: string }>();
    expect(tags.results.map((t) => t.name)).toEqual(expect.arrayContaining(["東京", "Tokyo"]));
    expect(tags.results).toHaveLength(2); // "tokyo" is the tag "Tokyo"
    const tokyo = tags.results.find((t) => t.name === "東京");
    expect(tokyo?.slug).toMatch(/^[a-z0-9-]+$/);
    const page = await request(`/tags/${tokyo?.slug}`);
    expect(page.status).toBe(200);
    // Cache tags are printable ASCII and short, or Workers Caching would drop them.
    const cacheTag = page.headers.get("Cache-Tag") ?? "";
    expect(cacheTag).toMatch(/^[\x21-\x7e]+$/);
    expect(cacheTag.length).toBeLessThanOrEqual(1024);
  });

  it("survive a rename of the display name", async () => {
    await publish("renamed-section", { category: "Old Name" });
    const renamed = await putJson("/api/sections/old-name", { name: "New Name" });
    expect(renamed.status).toBe(200);
    const page = await (await request("/sections/old-name")).text();
    expect(page).toContain("<h1>New Name</h1>");
    // Saving the article again with its old category keeps it in the same section.
    await publish("renamed-section", { category: "Old Name", title: "Edited" });
    const row = await env.DB.prepare("SELECT section_slug FROM articles WHERE slug = 'renamed-section'").first<{
      section_slug: string;
    }>();
    expect(row?.section_slug).toBe("old-name");
  });
});

describe("authors", () => {
  it("have profiles that editors manage, shown on their pages and in JSON-LD", async () => {
    const created = await putJson("/api/authors/grace-hopper", {
      name: "Grace Hopper",
      bio: "Writes about compilers.",
      url: "https://grace.example/",
    });
    expect(created.status).toBe(201);
    await publish("compilers", { title: "On compilers", authors: ["Grace Hopper"] });
    const page = await (await request("/authors/grace-hopper")).text();
    expect(page).toContain("Writes about compilers.");
    expect(page).toContain('href="/articles/compilers"');
    const article = await (await request("/articles/compilers")).text();
    expect(article).toContain(`"url":"${SITE}/authors/grace-hopper"`);
    const fetched = (await (await request("/api/authors/grace-hopper", { headers: authorized })).json()) as { bio: string };
    expect(fetched.bio).toBe("Writes about compilers.");
  });

  it("refuses a bad profile by field, a clashing name, and deleting an author who has articles", async () => {
    const bad = await putJson("/api/authors/someone", { name: "", url: "javascript:alert(1)" });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { details: Array<{ field: string }> }).details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["name", "url"]));
    await publish("bylined", { authors: ["Ana Writer"] });
    const clash = await putJson("/api/authors/another", { name: "ana writer" });
    expect(clash.status).toBe(409);
    const refused = await request("/api/authors/ana-writer", { method: "DELETE", headers: authorized });
    expect(refused.status).toBe(409);
    await putJson("/api/authors/lonely", { name: "Lonely Author" });
    expect((await request("/api/authors/lonely", { method: "DELETE", headers: authorized })).status).toBe(200);
    expect((await request("/authors/lonely")).status).toBe(404);
  });
});

describe("sections", () => {
  it("appear in the navigation in the order editors give them", async () => {
    await publish("alpha", { category: "Alpha" });
    await publish("beta", { category: "Beta" });
    const order = (html: string) => {
      const nav = /<nav class="sections"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? "";
      return [...nav.matchAll(/<a href="\/sections\/([a-z-]+)">/g)].map((m) => m[1]);
    };
    expect(order(await (await request("/")).text())).toEqual(["alpha", "beta"]);
    expect((await putJson("/api/sections/beta", { position: 0 })).status).toBe(200);
    expect((await putJson("/api/sections/alpha", { position: 5 })).status).toBe(200);
    clock.advance(1000);
    const home = await (await request("/")).text();
    expect(order(home)).toEqual(["beta", "alpha"]);
    // Article pages carry the same navigation.
    expect(order(await (await request("/articles/alpha")).text())).toEqual(["beta", "alpha"]);
    expect((await putJson("/api/sections/beta", { position: -1 })).status).toBe(400);
  });
});

describe("for crawlers", () => {
  it("index sections, tags, authors and months in the sitemap, with lead images", async () => {
    await publish("mapped", {
      category: "Maps",
      tags: ["charts"],
      authors: ["Gerard Mercator"],
      published: "2025-04-02T10:00:00Z",
      image: { url: "/media/globe.jpg", alt: "A globe" },
    });
    const index = await (await request("/sitemap.xml")).text();
    for (const child of ["sections", "tags", "authors", "2025-04"]) {
      expect(index, child).toContain(`<loc>${SITE}/sitemaps/${child}.xml</loc>`);
    }
    const expected = { sections: "/sections/maps", tags: "/tags/charts", authors: "/authors/gerard-mercator" };
    for (const [child, path] of Object.entries(expected)) {
      const response = await request(`/sitemaps/${child}.xml`);
      expect(response.status, child).toBe(200);
      expect(await response.text(), child).toContain(`<loc>${SITE}${path}</loc>`);
    }
    const month = await (await request("/sitemaps/2025-04.xml")).text();
    expect(month).toContain(`<image:image><image:loc>${SITE}/media/globe.jpg</image:loc></image:image>`);
  });

  it("lists the last 48 hours in the news sitemap", async () => {
    await publish("fresh", { title: "Fresh news", published: new Date(clock.now() - 3_600_000).toISOString() });
    await publish("stale", { title: "Old news", published: new Date(clock.now() - 72 * 3_600_000).toISOString() });
    const body = await (await request("/news-sitemap.xml")).text();
    expect(body).toContain("<news:title>Fresh news</news:title>");
    expect(body).not.toContain("Old news");
  });

  it("serves a favicon, and turns AI crawlers away when the setting says so", async () => {
    const icon = await request("/favicon.ico");
    expect(icon.status).toBe(200);
    expect(icon.headers.get("Content-Type")).toContain("image/svg+xml");
    const robots = await (await request("/robots.txt")).text();
    expect(robots).toContain("Content-Signal: search=yes, ai-train=no");
    expect(robots).not.toContain("GPTBot");
    await emptyCache();
    const ctx = createExecutionContext();
    const blocking = await worker.fetch(new Request(`${SITE}/robots.txt`), { ...env, BLOCK_AI_CRAWLERS: "true" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(await blocking.text()).toMatch(/User-agent: GPTBot\nDisallow: \//);
  });

  it("lets a new section's page exist as soon as its first article does", async () => {
    expect((await request("/sections/brand-new")).status).toBe(404);
    expect((await putArticle("first-of-its-kind", articleFile({ category: "Brand New" }))).status).toBe(201);
    clock.advance(1000);
    expect((await request("/sections/brand-new")).status).toBe(200);
  });
});
