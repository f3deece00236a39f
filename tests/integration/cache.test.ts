import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { edgeCacheFor } from "../../src/cache/edge-cache";
import { localCache } from "../../src/cache/local-cache";
import { schedulePurgeStatements } from "../../src/data/pipeline";
import { REPURGE_DELAY_MS } from "../../src/pipeline/purges";
import {
  articleFile,
  clock,
  deleteArticle,
  emptyCache,
  fakeReader,
  outbox,
  pendingPurges,
  publish,
  putArticle,
  readerPurges,
  request,
  runCron,
  SITE,
  secondsFromNow,
  worker,
} from "./helpers";

/**
 * A request a moment after the last: the local layer counts a response rendered in the same
 * millisecond as a purge as purged (it cannot tell which came first), and the test clock would
 * otherwise never move between a publish and the next request.
 */
async function get(path: string, init?: RequestInit) {
  clock.advance(1);
  const response = await request(path, init);
  const body = await response.text();
  return { status: response.status, cache: response.headers.get("X-Cache"), headers: response.headers, body };
}

/** Replaces a KV value behind the Worker's back, keeping its metadata (a page's ETag and state). */
async function overwriteKv(key: string, change: (value: string) => string): Promise<void> {
  const { value, metadata } = await env.ARTICLES.getWithMetadata(key);
  if (value === null) throw new Error(`KV has no ${key}`);
  await env.ARTICLES.put(key, change(value), { metadata });
}

beforeEach(emptyCache);

/** Outbox rows due now that no consumer has applied yet. */
async function dueOutbox() {
  return (await outbox()).filter((row) => row.due_at <= clock.now());
}

describe("edge cache", () => {
  it("answers a hit without reading KV or rendering", async () => {
    await publish("cached-story", { title: "Original title" });
    const miss = await get("/articles/cached-story");
    expect(miss.cache).toBe("MISS");
    expect(miss.headers.get("Server-Timing")).toBe('kv;desc="reads=1 lists=0"');

    // Change KV behind the Worker's back (no purge): a hit cannot see it, because it reads nothing.
    await overwriteKv("page:cached-story", (html) => html.replaceAll("Original title", "Changed in KV"));
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

  it("refreshes the page and feeds but leaves the lists and sitemaps cached when only the body changes", async () => {
    await publish("body-edit", { title: "Body edit", summary: "A fixed summary." }, "First wording.");
    const lists = ["/", "/sitemap.xml", "/sitemaps/2025-01.xml"];
    for (const path of ["/articles/body-edit", "/rss.xml", "/feed.json", ...lists]) await get(path);
    await publish("body-edit", { title: "Body edit", summary: "A fixed summary." }, "Second wording.");
    expect((await get("/articles/body-edit")).body).toContain("Second wording.");
    expect((await get("/rss.xml")).body).toContain("Second wording.");
    expect((await get("/feed.json")).body).toContain("Second wording.");
    for (const path of lists) expect((await get(path)).cache, path).toBe("HIT");
  });

  it("serves a 410 and drops the article from lists, feeds and the sitemap right after a DELETE", async () => {
    await publish("short-lived", { title: "Short-lived story" });
    const lists = ["/", "/rss.xml", "/feed.json", "/sitemaps/2025-01.xml"];
    for (const path of ["/articles/short-lived", ...lists]) await get(path);
    const response = await deleteArticle("short-lived");
    expect(response.status).toBe(200);
    const gone = await get("/articles/short-lived");
    expect(gone.status).toBe(410);
    expect(gone.body).toContain("Article removed");
    for (const path of lists) {
      const fresh = await get(path);
      expect(fresh.cache, path).toBe("MISS");
      expect(fresh.body, path).not.toContain("Short-lived story");
      expect(fresh.body, path).not.toContain("short-lived");
    }
    // The 410 is cached like any page, until the article comes back.
    expect((await get("/articles/short-lived")).cache).toBe("HIT");
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

  it("drops a cached 404 when the article is published", async () => {
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
      expect(response.headers.get("Location"), query).toBe(`${SITE}/articles/shared-link`);
      expect(response.headers.get("Cache-Control"), query).toBe("private, no-store");
    }
    expect((await get("/articles/shared-link")).cache).toBe("MISS");
    expect((await get("/articles/shared-link")).cache).toBe("HIT");
  });

  it("never lets the Host header or other request headers change a cached body", async () => {
    await publish("host-test", { title: "Host test" });
    clock.advance(1);
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("https://attacker.example/articles/host-test", { headers: { "X-Forwarded-Host": "evil.example" } }),
      env,
      ctx,
    );
    const viaOtherHost = await response.text();
    await waitOnExecutionContext(ctx);
    expect(viaOtherHost).toContain(`${SITE}/articles/host-test`);
    expect(viaOtherHost).not.toContain("attacker.example");
    expect(viaOtherHost).not.toContain("evil.example");
    const normal = await get("/articles/host-test", { headers: { "Accept-Language": "fr", Cookie: "a=b" } });
    expect(normal.cache).toBe("HIT");
    expect(normal.body).toBe(viaOtherHost);
  });

  it("answers conditional requests from the cache: If-None-Match, and If-Modified-Since on feeds", async () => {
    await publish("conditional", { title: "Conditional", published: "2025-05-01T12:00:00Z" });
    for (const path of ["/articles/conditional", "/", "/rss.xml", "/feed.json", "/sitemap.xml"]) {
      const first = await get(path);
      const etag = first.headers.get("ETag") ?? "";
      const response = await request(path, { headers: { "If-None-Match": etag } });
      expect(response.status, path).toBe(304);
      expect(response.headers.get("X-Cache"), path).toBe("HIT");
      expect(response.headers.get("Cloudflare-CDN-Cache-Control"), path).toBe(first.headers.get("Cloudflare-CDN-Cache-Control"));
    }
    for (const path of ["/rss.xml", "/feed.json"]) {
      const lastModified = (await get(path)).headers.get("Last-Modified") ?? "";
      // When the feed was built, on the Worker's clock.
      expect(Date.parse(lastModified), path).toBeGreaterThan(clock.now() - 60_000);
      expect(Date.parse(lastModified), path).toBeLessThanOrEqual(clock.now());
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
    for (const path of ["/rss.xml", "/feed.json"]) {
      const polled = await get(path);
      expect(polled.body, path).toContain("Leaver");
    }
    const since = (await get("/rss.xml")).headers.get("Last-Modified") ?? "";
    clock.advance(1000);
    expect((await deleteArticle("leaver")).status).toBe(200);
    for (const path of ["/rss.xml", "/feed.json"]) {
      const next = await request(path, { headers: { "If-Modified-Since": since } });
      expect(next.status, path).toBe(200);
      expect(await next.text(), path).not.toContain("Leaver");
    }
  });

  it("answers HEAD from the same entry as GET", async () => {
    await publish("head-story", { title: "Head story" });
    clock.advance(1);
    const head = await request("/articles/head-story", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
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
    await publish("tagged", { title: "Tagged", published: "2025-03-01T00:00:00Z" });
    const expected: Record<string, string> = {
      "/articles/tagged": "article:tagged",
      "/": "list,list:1",
      "/rss.xml": "feed:rss",
      "/feed.json": "feed:json",
      "/sitemap.xml": "sitemap",
      "/sitemaps/2025-03.xml": "sitemap:2025-03",
      "/robots.txt": "robots",
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
    expect(home.body).not.toContain("Scheduled soon");
    const edge = home.headers.get("Cloudflare-CDN-Cache-Control") ?? "";
    const ttl = Number(/max-age=(\d+)/.exec(edge)?.[1]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
    expect(edge).toContain("stale-while-revalidate=0");
    const page = await get("/articles/scheduled-soon");
    expect(page.status).toBe(404);
    expect(Number(/max-age=(\d+)/.exec(page.headers.get("Cloudflare-CDN-Cache-Control") ?? "")?.[1])).toBeLessThanOrEqual(30);

    // Its time comes, and the cron rebuilds the lists: nothing cached hides it.
    clock.advance(31_000);
    await runCron();
    expect((await get("/articles/scheduled-soon")).status).toBe(200);
    for (const path of ["/", "/rss.xml", "/feed.json"]) expect((await get(path)).body, path).toContain("Scheduled soon");
  });
});

describe("closing the KV propagation race", () => {
  it("re-purges once KV's propagation window has passed, replacing a stale render", async () => {
    await publish("racy", { title: "Racy, version 1" });
    const v1 = await env.ARTICLES.getWithMetadata("page:racy");
    await publish("racy", { title: "Racy, version 2" });
    const v2 = await env.ARTICLES.getWithMetadata("page:racy");
    // The save's page was invalidated at once, and once more is owed after KV's propagation window.
    expect(readerPurges).toContainEqual({ mode: "invalidate", tags: expect.arrayContaining(["article:racy"]), answer: "accept" });
    const owed = (await pendingPurges()).filter((row) => row.tag === "article:racy");
    expect(owed).toEqual([expect.objectContaining({ mode: "invalidate", repurge: 0 })]);
    expect(owed[0]?.due_at).toBeGreaterThan(clock.now());

    // Another location still reads version 1 from KV just after the purge, and caches it.
    clock.advance(1);
    await env.ARTICLES.put("page:racy", v1.value ?? "", { metadata: v1.metadata });
    expect((await get("/articles/racy")).body).toContain("version 1");
    await env.ARTICLES.put("page:racy", v2.value ?? "", { metadata: v2.metadata });
    const stale = await get("/articles/racy");
    expect(stale.cache).toBe("HIT");
    expect(stale.body).toContain("version 1");

    // A cron run before the window has passed leaves it; the first one after purges it.
    clock.advance(1000);
    await runCron();
    expect((await get("/articles/racy")).body).toContain("version 1");
    clock.advance(REPURGE_DELAY_MS);
    await runCron();
    const fresh = await get("/articles/racy");
    expect(fresh.cache).toBe("MISS");
    expect(fresh.body).toContain("version 2");
    expect((await pendingPurges()).filter((row) => row.tag === "article:racy")).toEqual([]);
  });

  it("sends waiting tags at most 100 a request, as fast as the token bucket allows, leaving the rest queued", async () => {
    // The cron's own periodic work (the news sitemap's refresh) first, unpaced.
    await runCron();
    const fillers = Array.from({ length: 150 }, (_, i) => `t-${String(i).padStart(3, "0")}`);
    await env.DB.batch([
      ...schedulePurgeStatements(env.DB, fillers, "purge", clock.now() - 2000, false),
      ...schedulePurgeStatements(env.DB, ["t-page"], "purge", clock.now() - 1000, false),
    ]);
    // A page tagged with the tag due last stays cached until that tag is purged.
    const ctx = createExecutionContext();
    const cache = localCache(caches.default, ctx, SITE, clock);
    const render = async () =>
      new Response("tagged with t-page", { headers: { "Cache-Control": "public, max-age=86400", "Cache-Tag": "t-page" } });
    const req = new Request(`${SITE}/purge-batch-test`);
    await cache.serve(req, render);
    await waitOnExecutionContext(ctx);
    clock.advance(1);

    // One request a burst, five a minute: the first run sends the 100 oldest tags.
    const paced = { PURGE_RATE_PER_MINUTE: "5", PURGE_BURST: "1" };
    const ours = async () => (await pendingPurges()).filter((row) => row.tag.startsWith("t-"));
    readerPurges.length = 0;
    await runCron(paced);
    expect(readerPurges.map((r) => r.tags)).toEqual([fillers.slice(0, 100)]);
    expect((await ours()).map((row) => row.tag)).toEqual([...fillers.slice(100), "t-page"]);
    expect((await cache.serve(req, render)).headers.get("X-Cache")).toBe("HIT");

    // Six seconds on, the bucket has half a token: nothing goes.
    clock.advance(6000);
    await runCron(paced);
    expect(await ours()).toHaveLength(51);
    expect((await cache.serve(req, render)).headers.get("X-Cache")).toBe("HIT");

    // Twelve seconds after the first, a token: the rest goes in one request.
    clock.advance(6000);
    await runCron(paced);
    expect(readerPurges.map((r) => r.tags.length)).toEqual([100, 51]);
    expect(await ours()).toEqual([]);
    expect((await cache.serve(req, render)).headers.get("X-Cache")).toBe("MISS");
  });

  it("refreshes lists, feeds, the sitemap and the page when a scheduled article goes live", async () => {
    await publish("already-out", { title: "Already out" });
    // Far enough ahead that the wait between the two saves' rebuilds (up to a second) does not reach it.
    const goesLiveAt = secondsFromNow(30);
    const month = goesLiveAt.slice(0, 7);
    await publish("goes-live", { title: "Goes live", published: goesLiveAt });
    const paths = ["/", "/rss.xml", "/feed.json", "/sitemap.xml", "/articles/goes-live"];
    for (const path of paths) expect((await get(path)).body, path).not.toContain("Goes live");
    const sitemap = await get("/sitemap.xml");
    expect(sitemap.cache).toBe("HIT");
    expect(sitemap.body).not.toContain(`/sitemaps/${month}.xml`);

    clock.advance(31_000);
    await runCron();
    expect((await get("/articles/goes-live")).body).toContain("Goes live");
    for (const path of ["/", "/rss.xml", "/feed.json"]) expect((await get(path)).body, path).toContain("Goes live");
    // The sitemap index has a day's TTL: only the cron's refresh can have replaced it.
    const refreshed = await get("/sitemap.xml");
    expect(refreshed.cache).toBe("MISS");
    expect(refreshed.body).toContain(`${SITE}/sitemaps/${month}.xml`);
    expect((await get(`/sitemaps/${month}.xml`)).body).toContain(`${SITE}/articles/goes-live`);
    // And every refresh is repeated once KV's propagation window has passed.
    const repurges = (await pendingPurges()).filter((row) => row.due_at > clock.now());
    expect(repurges.map((row) => row.tag)).toEqual(expect.arrayContaining(["list", "feed:rss", "feed:json", "sitemap"]));
    clock.advance(REPURGE_DELAY_MS);
    await runCron();
    expect(await dueOutbox()).toEqual([]);
    expect(await pendingPurges({ due: true })).toEqual([]);
  });

  it("splits a platform purge into requests of 100 tags, and reports a refusal", async () => {
    const refused: string[][] = [];
    // Miniflare has no Workers Caching, so stand in for the platform's purge: refuse everything.
    const ctx = createExecutionContext();
    const refuse = async ({ tags = [] }: CachePurgeOptions): Promise<CachePurgeResult> => {
      refused.push(tags);
      return { success: false, errors: [{ code: 429, message: "rate limited" }] };
    };
    ctx.cache = { purge: refuse, invalidate: refuse };
    const edge = edgeCacheFor(ctx, SITE, clock);
    expect(edge.kind).toBe("workers-cache");
    expect(await edge.purge(Array.from({ length: 150 }, (_, i) => `t${i}`))).toBe(false);
    expect(refused.map((batch) => batch.length)).toEqual([100, 50]);
  });

  for (const answer of ["refuse", "throw"] as const) {
    it(`still saves when the reader's purge ${answer === "refuse" ? "is refused" : "throws"}, and sends its tags later`, async () => {
      fakeReader.purges = answer;
      const response = await putArticle(`purge-${answer}`, articleFile({ title: "A purge that failed" }));
      expect(response.status).toBe(201);
      // The article is in KV all the same; only the cache is behind.
      expect(await env.ARTICLES.get(`page:purge-${answer}`)).toContain("A purge that failed");
      expect(readerPurges.some((r) => r.answer === answer)).toBe(true);
      // Its tags wait, none dropped, backing off before the next attempt.
      const waiting = (await pendingPurges()).filter((row) => row.tag === `article:purge-${answer}` || row.tag === "list");
      expect(waiting.map((row) => row.tag).sort()).toEqual([`article:purge-${answer}`, "list"]);
      const retried = waiting.filter((row) => row.attempts > 0);
      expect(retried.length).toBeGreaterThan(0);
      for (const row of retried) expect(row.due_at).toBeGreaterThan(clock.now());

      // Once the reader accepts again, the cron sends them; their re-purge, after KV's window, too.
      fakeReader.purges = "accept";
      clock.advance(10_000);
      await runCron();
      for (const tag of [`article:purge-${answer}`, "list"])
        expect(readerPurges.filter((r) => r.answer === "accept").flatMap((r) => r.tags)).toContain(tag);
      clock.advance(REPURGE_DELAY_MS + 1000);
      await runCron();
      expect(await pendingPurges({ due: true })).toEqual([]);
      expect((await pendingPurges()).filter((row) => row.tag === `article:purge-${answer}`)).toEqual([]);
    });
  }
});

describe("the local layer", () => {
  const tagged = (body: string, etag: string, cacheControl = "public, max-age=1, stale-while-revalidate=30") =>
    new Response(body, { headers: { "Cache-Control": cacheControl, "Cache-Tag": "layer-test", ETag: etag } });

  it("serves a stale entry once past its TTL and refreshes it in the background", async () => {
    const ctx = createExecutionContext();
    const cache = localCache(caches.default, ctx, SITE, clock);
    let renders = 0;
    const render = async () => {
      renders++;
      return tagged(`render ${renders}`, `"r${renders}"`);
    };
    const req = new Request(`${SITE}/swr-test`);
    expect((await cache.serve(req, render)).headers.get("X-Cache")).toBe("MISS");
    await waitOnExecutionContext(ctx);
    expect((await cache.serve(req, render)).headers.get("X-Cache")).toBe("HIT");
    clock.advance(1100);
    const stale = await cache.serve(req, render);
    expect(stale.headers.get("X-Cache")).toBe("STALE");
    expect(stale.headers.get("Age")).toBe("1");
    expect(await stale.text()).toBe("render 1");
    await waitOnExecutionContext(ctx);
    const refreshed = await cache.serve(req, render);
    expect(refreshed.headers.get("X-Cache")).toBe("HIT");
    expect(await refreshed.text()).toBe("render 2");
    // Past the stale window as well, it is rendered again while the client waits.
    clock.advance(40_000);
    const expired = await cache.serve(req, render);
    expect(expired.headers.get("X-Cache")).toBe("MISS");
    expect(await expired.text()).toBe("render 3");
  });

  it("revalidates an invalidated entry, keeping it when its ETag has not changed, and drops a purged one", async () => {
    const ctx = createExecutionContext();
    const cache = localCache(caches.default, ctx, SITE, clock);
    let body = "same";
    let renders = 0;
    const render = async () => {
      renders++;
      return tagged(body, `"${body}"`, "public, max-age=86400");
    };
    const req = new Request(`${SITE}/invalidate-test`);
    await cache.serve(req, render);
    await waitOnExecutionContext(ctx);
    clock.advance(1);

    expect(await cache.invalidate(["layer-test"])).toBe(true);
    clock.advance(1);
    const revalidated = await cache.serve(req, render);
    expect(revalidated.headers.get("X-Cache")).toBe("REVALIDATED");
    expect(await revalidated.text()).toBe("same");
    expect(renders).toBe(2);
    await waitOnExecutionContext(ctx);
    clock.advance(1);
    expect((await cache.serve(req, render)).headers.get("X-Cache")).toBe("HIT");

    body = "changed";
    expect(await cache.invalidate(["layer-test"])).toBe(true);
    clock.advance(1);
    const changed = await cache.serve(req, render);
    expect(changed.headers.get("X-Cache")).toBe("MISS");
    expect(await changed.text()).toBe("changed");
    await waitOnExecutionContext(ctx);
    clock.advance(1);

    expect(await cache.purge(["layer-test"])).toBe(true);
    clock.advance(1);
    const purged = await cache.serve(req, render);
    expect(purged.headers.get("X-Cache")).toBe("MISS");
    expect(renders).toBe(4);
  });

  it("serves the stale copy when a refresh throws or answers 5xx, and the error when there is none", async () => {
    const ctx = createExecutionContext();
    const cache = localCache(caches.default, ctx, SITE, clock);
    const req = new Request(`${SITE}/stale-if-error-test`);
    await cache.serve(req, async () => tagged("the good copy", '"good"', "public, max-age=60, stale-while-revalidate=0"));
    await waitOnExecutionContext(ctx);

    clock.advance(120_000);
    const thrown = await cache.serve(req, async () => {
      throw new Error("KV is down");
    });
    expect(thrown.headers.get("X-Cache")).toBe("STALE-IF-ERROR");
    expect(await thrown.text()).toBe("the good copy");
    const failed = await cache.serve(req, async () => new Response("Internal Server Error\n", { status: 500 }));
    expect(failed.headers.get("X-Cache")).toBe("STALE-IF-ERROR");
    expect(await failed.text()).toBe("the good copy");

    // An invalidated copy is also better than an error.
    expect(await cache.invalidate(["layer-test"])).toBe(true);
    clock.advance(1);
    const invalidated = await cache.serve(req, async () => new Response("Bad Gateway\n", { status: 502 }));
    expect(invalidated.headers.get("X-Cache")).toBe("STALE-IF-ERROR");

    const elsewhere = new Request(`${SITE}/never-cached`);
    await expect(
      cache.serve(elsewhere, async () => {
        throw new Error("KV is down");
      }),
    ).rejects.toThrow("KV is down");
    const error = await cache.serve(elsewhere, async () => new Response("Internal Server Error\n", { status: 500 }));
    expect(error.status).toBe(500);
    expect(error.headers.get("X-Cache")).toBe("BYPASS");
  });

  it("stores only GET and HEAD", async () => {
    const ctx = createExecutionContext();
    const cache = localCache(caches.default, ctx, SITE, clock);
    const cacheable = async () => tagged("cacheable", '"c"', "public, max-age=86400");
    const post = await cache.serve(new Request(`${SITE}/method-test`, { method: "POST", body: "x" }), cacheable);
    expect(post.headers.get("X-Cache")).toBe("BYPASS");
    await waitOnExecutionContext(ctx);
    expect((await cache.serve(new Request(`${SITE}/method-test`), cacheable)).headers.get("X-Cache")).toBe("MISS");
  });
});
