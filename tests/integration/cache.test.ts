import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { edgeCacheFor } from "../../src/cache/edge-cache";
import { REPURGE_DELAY_MS, runDuePurges } from "../../src/cache/invalidate";
import { localCache } from "../../src/cache/local-cache";
import { createStore } from "../../src/content/store";
import worker from "../../src/index";
import { articleFile, publish, request, SITE, secondsFromNow, sleep, TOKEN } from "./helpers";

/** Lets the cache writes a response scheduled with waitUntil land before the next request. */
const settle = () => sleep(50);

async function get(path: string, init?: RequestInit) {
  const response = await request(path, init);
  const body = await response.text();
  await settle();
  return { status: response.status, cache: response.headers.get("X-Cache"), headers: response.headers, body };
}

async function runCron(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("edge cache", () => {
  it("answers a hit without reading KV or rendering", async () => {
    await publish("cached-story", { title: "Original title" });
    const miss = await get("/articles/cached-story");
    expect(miss.cache).toBe("MISS");
    expect(miss.headers.get("Server-Timing")).toBe('kv;desc="reads=1 lists=0"');

    // Change KV behind the Worker's back (no purge): a hit cannot see it, because it reads nothing.
    const raw = (await env.ARTICLES.get("article:cached-story")) ?? "";
    await env.ARTICLES.put("article:cached-story", raw.replaceAll("Original title", "Changed in KV"));
    const hit = await get("/articles/cached-story");
    expect(hit.cache).toBe("HIT");
    expect(hit.body).toContain("Original title");
    expect(hit.body).toBe(miss.body);
    expect(hit.headers.get("Server-Timing")).toBeNull();
    expect(hit.headers.get("ETag")).toBe(miss.headers.get("ETag"));
  });

  it("serves fresh pages and feeds right after a PUT, and keeps unaffected pages cached", async () => {
    await publish("story-a", { title: "Story A, first draft" });
    await publish("story-b", { title: "Story B" });
    const paths = ["/articles/story-a", "/", "/rss.xml", "/feed.json"];
    for (const path of [...paths, "/articles/story-b"]) {
      await get(path);
      expect((await get(path)).cache, path).toBe("HIT");
    }

    await publish("story-a", { title: "Story A, corrected" });
    for (const path of paths) {
      const fresh = await get(path);
      expect(fresh.cache, path).toBe("MISS");
      expect(fresh.body, path).toContain("Story A, corrected");
      expect(fresh.body, path).not.toContain("first draft");
    }
    const untouched = await get("/articles/story-b");
    expect(untouched.cache).toBe("HIT");
  });

  it("purges the page and feeds but leaves the lists cached when only the body changes", async () => {
    await publish("body-edit", { title: "Body edit", summary: "A fixed summary." }, "First wording.");
    for (const path of ["/articles/body-edit", "/", "/rss.xml", "/feed.json", "/sitemap.xml"]) await get(path);
    await publish("body-edit", { title: "Body edit", summary: "A fixed summary." }, "Second wording.");
    expect((await get("/articles/body-edit")).body).toContain("Second wording.");
    expect((await get("/rss.xml")).body).toContain("Second wording.");
    expect((await get("/feed.json")).body).toContain("Second wording.");
    expect((await get("/")).cache).toBe("HIT");
    expect((await get("/sitemap.xml")).cache).toBe("HIT");
  });

  it("serves a 404 and drops the article from lists and feeds right after a DELETE", async () => {
    await publish("short-lived", { title: "Short-lived story" });
    for (const path of ["/articles/short-lived", "/", "/rss.xml", "/feed.json"]) await get(path);
    const response = await request("/api/articles/short-lived", {
      method: "DELETE",
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect((await get("/articles/short-lived")).status).toBe(404);
    for (const path of ["/", "/rss.xml", "/feed.json"]) {
      const fresh = await get(path);
      expect(fresh.cache, path).toBe("MISS");
      expect(fresh.body, path).not.toContain("Short-lived story");
    }
  });

  it("leaves lists and feeds cached when only a draft changes", async () => {
    await publish("public-one", { title: "Public one" });
    await publish("quiet-draft", { title: "Quiet draft", draft: true });
    await get("/");
    await get("/rss.xml");
    await publish("quiet-draft", { title: "Quiet draft, revised", draft: true });
    expect((await get("/")).cache).toBe("HIT");
    expect((await get("/rss.xml")).cache).toBe("HIT");
  });

  it("purges a cached 404 when the article is published", async () => {
    expect((await get("/articles/coming-soon")).status).toBe(404);
    expect((await get("/articles/coming-soon")).cache).toBe("HIT");
    await publish("coming-soon", { title: "Here now" });
    const page = await get("/articles/coming-soon");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Here now");
  });

  it("redirects tracking and unknown query parameters to the one canonical URL, uncached", async () => {
    await publish("shared-link", { title: "Shared link" });
    for (const query of ["?utm_source=newsletter&utm_medium=email", "?fbclid=abc", "?gclid=1", "?anything=1", "?x"]) {
      const response = await request(`/articles/shared-link${query}`, { redirect: "manual" });
      expect(response.status, query).toBe(301);
      expect(response.headers.get("Location"), query).toBe("/articles/shared-link");
      expect(response.headers.get("Cache-Control"), query).toBe("private, no-store");
    }
    expect((await get("/articles/shared-link")).cache).toBe("MISS");
    expect((await get("/articles/shared-link")).cache).toBe("HIT");
  });

  it("never lets the Host header or other request headers change a cached body", async () => {
    await publish("host-test", { title: "Host test" });
    const viaOtherHost = await (
      await worker.fetch(
        new Request("https://attacker.example/articles/host-test", { headers: { "X-Forwarded-Host": "evil.example" } }),
        env,
        createExecutionContext(),
      )
    ).text();
    await settle();
    expect(viaOtherHost).toContain(`${SITE}/articles/host-test`);
    expect(viaOtherHost).not.toContain("attacker.example");
    expect(viaOtherHost).not.toContain("evil.example");
    const normal = await get("/articles/host-test", { headers: { "Accept-Language": "fr", Cookie: "a=b" } });
    expect(normal.cache).toBe("HIT");
    expect(normal.body).toBe(viaOtherHost);
  });

  it("answers conditional requests from the cache: If-None-Match, and If-Modified-Since on feeds", async () => {
    await publish("conditional", { title: "Conditional", published: "2025-05-01T12:00:00Z" });
    for (const path of ["/articles/conditional", "/", "/rss.xml", "/feed.json"]) {
      const first = await get(path);
      const etag = first.headers.get("ETag") ?? "";
      const response = await request(path, { headers: { "If-None-Match": etag } });
      expect(response.status, path).toBe(304);
      expect(response.headers.get("X-Cache"), path).toBe("HIT");
      expect(response.headers.get("Cloudflare-CDN-Cache-Control"), path).toBe(first.headers.get("Cloudflare-CDN-Cache-Control"));
    }
    for (const path of ["/rss.xml", "/feed.json"]) {
      const lastModified = (await get(path)).headers.get("Last-Modified") ?? "";
      expect(Date.parse(lastModified), path).toBeGreaterThan(Date.now() - 60_000);
      expect((await request(path, { headers: { "If-Modified-Since": lastModified } })).status, path).toBe(304);
      const before = new Date(Date.parse(lastModified) - 1000).toUTCString();
      expect((await request(path, { headers: { "If-Modified-Since": before } })).status, path).toBe(200);
      // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
      const both = await request(path, { headers: { "If-None-Match": '"stale"', "If-Modified-Since": lastModified } });
      expect(both.status, path).toBe(200);
    }
  });

  it("never answers 304 to If-Modified-Since after an article leaves a feed", async () => {
    await publish("keeper", { title: "Keeper", published: "2025-05-01T12:00:00Z" });
    await publish("leaver", { title: "Leaver", published: "2025-04-01T12:00:00Z" });
    const polled = await get("/rss.xml");
    const since = polled.headers.get("Last-Modified") ?? "";
    await sleep(1000);
    const response = await request("/api/articles/leaver", { method: "DELETE", headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const next = await request("/rss.xml", { headers: { "If-Modified-Since": since } });
    expect(next.status).toBe(200);
    expect(await next.text()).not.toContain("Leaver");
  });

  it("answers HEAD from the same entry as GET", async () => {
    await publish("head-story", { title: "Head story" });
    const head = await request("/articles/head-story", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    await settle();
    const getAfter = await get("/articles/head-story");
    expect(getAfter.cache).toBe("HIT");
    expect(getAfter.body).toContain("Head story");
  });

  it("never caches a request that carries Authorization", async () => {
    await publish("private-view", { title: "Private view" });
    const authorized = await get("/articles/private-view", { headers: { Authorization: "Bearer anything" } });
    expect(authorized.status).toBe(200);
    expect(authorized.cache).toBe("BYPASS");
    expect(authorized.headers.get("Cache-Control")).toBe("private, no-store");
    expect(authorized.headers.get("Cloudflare-CDN-Cache-Control")).toBeNull();
    expect((await get("/articles/private-view")).cache).toBe("MISS");
  });

  it("marks every public response with its tags and a deliberate Cache-Control", async () => {
    await publish("tagged", { title: "Tagged" });
    const expected: Record<string, string> = {
      "/articles/tagged": "article:tagged",
      "/": "list,list:1",
      "/rss.xml": "feed:rss",
      "/feed.json": "feed:json",
      "/articles/missing": "article:missing",
      "/no/such/path": "404",
    };
    for (const [path, tags] of Object.entries(expected)) {
      const response = await get(path);
      expect(response.headers.get("Cache-Tag"), path).toBe(tags);
      expect(response.headers.get("Cache-Control"), path).toMatch(/^public, max-age=60, stale-while-revalidate=60$/);
      expect(response.headers.get("Cloudflare-CDN-Cache-Control"), path).toMatch(
        /^max-age=(86400|60), stale-while-revalidate=60$/,
      );
    }
  });

  it("caps the lifetime of lists while a scheduled article waits, so it appears on time", async () => {
    await publish("already-out", { title: "Already out" });
    await publish("scheduled-soon", { title: "Scheduled soon", published: secondsFromNow(30) });
    const home = await get("/");
    const edge = home.headers.get("Cloudflare-CDN-Cache-Control") ?? "";
    const ttl = Number(/max-age=(\d+)/.exec(edge)?.[1]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
    expect(edge).toContain("stale-while-revalidate=0");
    const page = await get("/articles/scheduled-soon");
    expect(page.status).toBe(404);
    expect(Number(/max-age=(\d+)/.exec(page.headers.get("Cloudflare-CDN-Cache-Control") ?? "")?.[1])).toBeLessThanOrEqual(30);
  });
});

describe("closing the KV propagation race", () => {
  it("re-purges once KV's propagation window has passed, replacing a stale render", async () => {
    await publish("racy", { title: "Racy, version 1" });
    const v1 = (await env.ARTICLES.get("article:racy")) ?? "";
    await publish("racy", { title: "Racy, version 2" });
    const v2 = (await env.ARTICLES.get("article:racy")) ?? "";

    // Another location still reads version 1 from KV just after the purge, and caches it.
    await env.ARTICLES.put("article:racy", v1);
    expect((await get("/articles/racy")).body).toContain("version 1");
    await env.ARTICLES.put("article:racy", v2);
    const stale = await get("/articles/racy");
    expect(stale.cache).toBe("HIT");
    expect(stale.body).toContain("version 1");

    // A cron run before the window has passed leaves it; the first one after purges it.
    await runCron(Date.now() + 1000);
    expect((await get("/articles/racy")).body).toContain("version 1");
    await runCron(Date.now() + REPURGE_DELAY_MS + 1000);
    const fresh = await get("/articles/racy");
    expect(fresh.cache).toBe("MISS");
    expect(fresh.body).toContain("version 2");
    const queue = await env.ARTICLES.list({ prefix: "repurge:" });
    expect(queue.keys).toEqual([]);
  });

  it("purges at most one request's worth of tags a run, leaving the rest queued", async () => {
    const due = String(Date.now() - 1000).padStart(13, "0");
    for (const batch of [0, 1, 2]) {
      const tags = Array.from({ length: 40 }, (_, i) => `t${batch}-${i}`);
      await env.ARTICLES.put(`repurge:${due}:${batch}`, "", { metadata: tags, expirationTtl: 3600 });
    }
    const store = createStore(env.ARTICLES);
    const cache = localCache(caches.default, createExecutionContext(), SITE);
    expect(await runDuePurges(cache, store, Date.now())).toHaveLength(80);
    expect((await env.ARTICLES.list({ prefix: "repurge:" })).keys.map((k) => k.name)).toEqual([`repurge:${due}:2`]);
    expect(await runDuePurges(cache, store, Date.now())).toHaveLength(40);
    expect((await env.ARTICLES.list({ prefix: "repurge:" })).keys).toEqual([]);
  });

  it("purges lists, feeds and the page when a scheduled article goes live", async () => {
    await publish("goes-live", { title: "Goes live", published: secondsFromNow(1) });
    const store = createStore(env.ARTICLES);
    const cache = localCache(caches.default, createExecutionContext(), SITE);
    expect(await runDuePurges(cache, store, Date.now() - 1000)).toEqual([]);
    await sleep(1100);
    const purged = await runDuePurges(cache, store, Date.now() + REPURGE_DELAY_MS + 1000);
    expect(purged).toEqual(expect.arrayContaining(["article:goes-live", "list", "feed:rss", "feed:json"]));
  });

  it("queues a purge for the next cron run when the platform refuses one", async () => {
    const refused: string[][] = [];
    // Miniflare has no Workers Caching, so stand in for the platform's purge: refuse everything.
    const ctx = createExecutionContext();
    const refuse = async ({ tags = [] }: CachePurgeOptions): Promise<CachePurgeResult> => {
      refused.push(tags);
      return { success: false, errors: [{ code: 429, message: "rate limited" }] };
    };
    ctx.cache = { purge: refuse, invalidate: refuse };
    const edge = edgeCacheFor(ctx, SITE);
    expect(edge.kind).toBe("workers-cache");
    expect(await edge.purge(Array.from({ length: 150 }, (_, i) => `t${i}`))).toBe(false);
    expect(refused.map((batch) => batch.length)).toEqual([100, 50]);

    const response = await worker.fetch(
      new Request(`${SITE}/api/articles/refused`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "text/markdown" },
        body: articleFile({ title: "Refused purge" }),
      }),
      env,
      ctx,
    );
    expect(response.status).toBe(201);
    const queued = await env.ARTICLES.list({ prefix: "repurge:" });
    const dueTimes = queued.keys.map((k) => Number(k.name.split(":")[1]));
    expect(dueTimes.filter((due) => due <= Date.now())).toHaveLength(1);
    expect(dueTimes.filter((due) => due > Date.now())).toHaveLength(1);
  });
});

describe("a purge that throws", () => {
  it("still saves the article, answers success, and leaves the purge to the cron", async () => {
    const ctx = createExecutionContext();
    const explode = async (): Promise<CachePurgeResult> => {
      throw new Error("purge service unavailable");
    };
    ctx.cache = { purge: explode, invalidate: explode };
    const response = await worker.fetch(
      new Request(`${SITE}/api/articles/thrown`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "text/markdown" },
        body: articleFile({ title: "Thrown purge" }),
      }),
      env,
      ctx,
    );
    expect(response.status).toBe(201);
    expect(await env.ARTICLES.get("article:thrown")).toContain("Thrown purge");
    const due = (await env.ARTICLES.list({ prefix: "repurge:" })).keys.map((k) => Number(k.name.split(":")[1]));
    expect(due.filter((at) => at <= Date.now())).toHaveLength(1);
  });
});

describe("stale-while-revalidate in the local layer", () => {
  it("serves a stale entry once past its TTL and refreshes it in the background", async () => {
    const ctx = createExecutionContext();
    const cache = localCache(caches.default, ctx, SITE);
    let renders = 0;
    const render = async () =>
      new Response(`render ${++renders}`, {
        headers: { "Cache-Control": "public, max-age=1, stale-while-revalidate=30", "Cache-Tag": "swr-test" },
      });
    const req = new Request(`${SITE}/swr-test`);
    expect((await cache.serve(req, render)).headers.get("X-Cache")).toBe("MISS");
    await waitOnExecutionContext(ctx);
    expect((await cache.serve(req, render)).headers.get("X-Cache")).toBe("HIT");
    await sleep(1100);
    const stale = await cache.serve(req, render);
    expect(stale.headers.get("X-Cache")).toBe("STALE");
    expect(await stale.text()).toBe("render 1");
    await sleep(100);
    const refreshed = await cache.serve(req, render);
    expect(refreshed.headers.get("X-Cache")).toBe("HIT");
    expect(await refreshed.text()).toBe("render 2");
  });
});
