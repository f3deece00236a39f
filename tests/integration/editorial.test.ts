/**
 * The editorial database: exact If-Match, named editors, revisions, the trash, moves, the KV
 * migration, and what happens when D1, KV or a purge fails. Real D1, KV and Cache API throughout.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parseJsonFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { localCache } from "../../src/cache/local-cache";
import { siteFromEnv } from "../../src/core/config";
import { queueListings } from "../../src/data/pipeline";
import { consumeBatch } from "../../src/pipeline/consumer";
import type { Materialiser } from "../../src/pipeline/materialise";
import { LEASE_MS } from "../../src/pipeline/materialise";
import type { MessageBody } from "../../src/pipeline/messages";
import { RESEND_AFTER_MS } from "../../src/pipeline/outbox";
import { createStore, getDocument } from "../../src/readmodel/store";
import { HOME, listingName } from "../../src/targets/document-name";
import {
  articleFile,
  clock,
  deleteArticle,
  drainQueues,
  kvSnapshot,
  OLD_TOKEN,
  publish,
  putArticle,
  request,
  runCron,
  SITE,
  TOKEN,
  testEnv,
  worker,
} from "./helpers";

const authorized = { Authorization: `Bearer ${TOKEN}` };

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function versionOf(slug: string): Promise<string> {
  const response = await request(`/api/articles/${slug}`, { headers: authorized });
  return response.headers.get("ETag") ?? "";
}

function post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request(path, {
    method: "POST",
    headers: { ...authorized, "Content-Type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/**
 * A materialiser over real D1 and KV, with a KV or cache that fails as the test says. Its messages
 * go to the real queues, which no test drains, unless `queues` (testEnv()'s watched ones) is given.
 */
function materialiser(
  options: {
    failPuts?: number;
    refusePurges?: boolean;
    kv?: KVNamespace;
    queues?: Pick<Cloudflare.Env, "PIPELINE" | "REBUILD">;
  } = {},
): Materialiser {
  let failures = options.failPuts ?? 0;
  const kv = new Proxy(options.kv ?? env.ARTICLES, {
    get(target, name) {
      if (name === "put") {
        return (...args: Parameters<KVNamespace["put"]>) => {
          if (failures > 0) {
            failures--;
            return Promise.reject(new Error("KV put failed (injected)"));
          }
          return target.put(...args);
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const site = siteFromEnv(env);
  const real = localCache(caches.default, createExecutionContext(), site.url, clock);
  const cache = options.refusePurges ? { ...real, purge: async () => false, invalidate: async () => false } : real;
  return {
    db: env.DB,
    store: createStore(kv),
    cache,
    pacing: { ratePerMinute: 60_000, burst: 10_000 },
    queues: { urgent: (options.queues ?? env).PIPELINE, bulk: (options.queues ?? env).REBUILD },
    site,
    clock,
    fetch: (request) => fetch(request),
  };
}

/** Delivers the outbox's article rows to the consumer as one batch, as the queue would, with `m`. */
async function applyOutbox(m: Materialiser) {
  const { results } = await env.DB.prepare("SELECT id, kind, target FROM outbox WHERE kind = 'article' ORDER BY id").all<{
    id: number;
    kind: "article";
    target: string;
  }>();
  const messages = results.map((row, i) => ({
    id: `m${i}`,
    timestamp: new Date(clock.now()),
    attempts: 1,
    body: { kind: row.kind, target: row.target, id: row.id } satisfies MessageBody,
  }));
  const batch = createMessageBatch("broadsheet-pipeline", messages);
  const ctx = createExecutionContext();
  const report = await consumeBatch(m, batch);
  await waitOnExecutionContext(ctx);
  return { ...report, result: await getQueueResult(batch, ctx) };
}

describe("exact If-Match", () => {
  it("lets exactly one of 20 concurrent PUTs with the same If-Match win; the other 19 get 412", async () => {
    await publish("contested", { title: "Contested" });
    const etag = await versionOf("contested");
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => putArticle("contested", articleFile({ title: `Edit ${i}` }), { "If-Match": etag })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    // The losers wrote nothing: one revision for the create, one for the winner.
    const revisions = await json<{ revisions: unknown[] }>(
      await request("/api/articles/contested/revisions", { headers: authorized }),
    );
    expect(revisions.revisions).toHaveLength(2);
  });

  it("lands all of 50 concurrent PUTs to different slugs", async () => {
    const slugs = Array.from({ length: 50 }, (_, i) => `parallel-${i}`);
    const responses = await Promise.all(slugs.map((slug) => putArticle(slug, articleFile({ title: slug }))));
    expect(responses.map((r) => r.status)).toEqual(slugs.map(() => 201));
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM articles").first<{ n: number }>()) ?? { n: 0 };
    expect(n).toBe(50);
  }, 60_000);
});

describe("revisions", () => {
  it("records every save with the editor's name, newest first, and the fields that changed", async () => {
    await publish("history", { title: "First title" });
    const second = await request("/api/articles/history", {
      method: "PUT",
      headers: { Authorization: `Bearer ${OLD_TOKEN}`, "Content-Type": "text/markdown" },
      body: articleFile({ title: "Second title" }),
    });
    expect(second.status).toBe(200);
    const { revisions } = await json<{ revisions: Array<{ id: number; editor: string; action: string; changed: string[] }> }>(
      await request("/api/articles/history/revisions", { headers: authorized }),
    );
    expect(revisions.map((r) => [r.editor, r.action])).toEqual([
      ["editor", "update"],
      ["ana", "create"],
    ]);
    expect(revisions[0]?.changed).toEqual(["title"]);
    const first = await json<{ article: { title: string } }>(
      await request(`/api/articles/history/revisions/${revisions[1]?.id}`, { headers: authorized }),
    );
    expect(first.article.title).toBe("First title");
  });

  it("restores a revision as a new one, honouring If-Match", async () => {
    await publish("restorable", { title: "Original" });
    await publish("restorable", { title: "Rewritten" });
    const { revisions } = await json<{ revisions: Array<{ id: number }> }>(
      await request("/api/articles/restorable/revisions", { headers: authorized }),
    );
    const original = revisions.at(-1)?.id;
    const stale = await post(`/api/articles/restorable/revisions/${original}/restore`, undefined, { "If-Match": '"0000"' });
    expect(stale.status).toBe(412);
    const restored = await post(`/api/articles/restorable/revisions/${original}/restore`, undefined, {
      "If-Match": await versionOf("restorable"),
    });
    expect(restored.status).toBe(200);
    expect(await (await request("/articles/restorable")).text()).toContain("Original");
    const after = await json<{ revisions: Array<{ action: string }> }>(
      await request("/api/articles/restorable/revisions", { headers: authorized }),
    );
    expect(after.revisions.map((r) => r.action)).toEqual(["restore-revision", "update", "create"]);
  });
});

describe("the trash", () => {
  it("answers 410 for a deleted article, restores it, and forgets it after 30 days", async () => {
    await publish("binned", { title: "Binned story" });
    expect((await deleteArticle("binned")).status).toBe(200);
    expect((await request("/articles/binned")).status).toBe(410);

    expect((await post("/api/articles/binned/restore")).status).toBe(200);
    expect((await request("/articles/binned")).status).toBe(200);
    expect(await (await request("/")).text()).toContain("Binned story");

    expect((await deleteArticle("binned")).status).toBe(200);
    clock.advance(31 * 86_400_000);
    await runCron();
    expect((await request("/articles/binned")).status).toBe(410);
    expect((await post("/api/articles/binned/restore")).status).toBe(404);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM articles WHERE slug = 'binned'").first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("refuses to overwrite an article in the trash", async () => {
    await publish("trashed", { title: "Trashed" });
    await deleteArticle("trashed");
    const response = await putArticle("trashed", articleFile({ title: "Again" }));
    expect(response.status).toBe(409);
    expect((await json<{ details: Array<{ field: string }> }>(response)).details[0]?.field).toBe("slug");
  });
});

describe("moves", () => {
  it("renames an article: 301 from the old URL, and the feed keeps the item's id", async () => {
    await publish("old-name", { title: "Moving story" });
    const moved = await post("/api/articles/old-name/move", { to: "new-name" }, { "If-Match": await versionOf("old-name") });
    expect(moved.status).toBe(200);
    const old = await request("/articles/old-name");
    expect(old.status).toBe(301);
    expect(old.headers.get("Location")).toBe(`${SITE}/articles/new-name`);
    expect((await request("/articles/new-name")).status).toBe(200);
    const feed = parseJsonFeed(await (await request("/feed.json")).json());
    expect(feed.items?.map((i) => [i.id, i.url])).toEqual([[`${SITE}/articles/old-name`, `${SITE}/articles/new-name`]]);

    // A second move keeps every old URL one hop from the article.
    await post("/api/articles/new-name/move", { to: "newest-name" });
    expect((await request("/articles/old-name")).headers.get("Location")).toBe(`${SITE}/articles/newest-name`);
    expect((await request("/articles/new-name")).headers.get("Location")).toBe(`${SITE}/articles/newest-name`);
  });

  it("refuses a taken slug with 409 and a bad one with 400, writing nothing", async () => {
    await publish("one", { title: "One" });
    await publish("two", { title: "Two" });
    const before = await kvSnapshot();
    expect((await post("/api/articles/one/move", { to: "two" })).status).toBe(409);
    expect((await post("/api/articles/one/move", { to: "Not A Slug" })).status).toBe(400);
    expect(await kvSnapshot()).toEqual(before);
  });
});

describe("failures", () => {
  it("answers 503 with Retry-After when D1 is unavailable, and readers are unaffected", async () => {
    await publish("still-here", { title: "Still here" });
    const ctx = createExecutionContext();
    const broken = { ...env, DB: env.UNMIGRATED_DB };
    const put = await worker.fetch(
      new Request(`${SITE}/api/articles/still-here`, {
        method: "PUT",
        headers: { ...authorized, "Content-Type": "text/markdown" },
        body: articleFile({ title: "Changed" }),
      }),
      broken,
      ctx,
    );
    expect(put.status).toBe(503);
    expect(put.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect((await json<{ error: string }>(put)).error).toContain("unavailable");
    const page = await worker.fetch(new Request(`${SITE}/articles/still-here`), broken, ctx);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Still here");
    await waitOnExecutionContext(ctx);
  });

  /** Changes an article in D1 and leaves its outbox row unapplied, as if the Worker stopped right after the commit. */
  async function changedButNotApplied(slug: string, from: string, to: string): Promise<void> {
    await env.DB.prepare("UPDATE articles SET record = replace(record, ?, ?), revision = revision + 1 WHERE slug = ?")
      .bind(from, to, slug)
      .run();
    await env.DB.prepare("INSERT INTO outbox (kind, target, due_at, created_at) VALUES ('article', ?, ?, ?)")
      .bind(slug, clock.now(), clock.now())
      .run();
  }

  it("applies a change whose KV write failed, from its outbox row, even if the queue never retries it", async () => {
    await publish("late-one", { title: "Late one" });
    await changedButNotApplied("late-one", "Late one", "Late one, corrected");
    const report = await applyOutbox(materialiser({ failPuts: 1 }));
    expect(report.failed).toEqual(["article:late-one"]);
    expect(report.result.retryMessages).toHaveLength(1);
    expect(await (await request("/articles/late-one")).text()).not.toContain("Late one, corrected");
    // Suppose the retry is lost. The row stays in D1, sent but never acknowledged: the cron sends it
    // again once it has waited RESEND_AFTER_MS, and not before.
    clock.advance(RESEND_AFTER_MS - 60_000);
    await runCron();
    expect(await (await request("/articles/late-one")).text()).not.toContain("Late one, corrected");
    clock.advance(61_000);
    await runCron();
    expect(await (await request("/articles/late-one")).text()).toContain("Late one, corrected");
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'article'").first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("queues a refused purge and purges it on the cron's next run", async () => {
    await publish("purge-me", { title: "Purge me" });
    clock.advance(1000); // a purge at the very moment a render starts wins over it
    expect((await request("/articles/purge-me")).headers.get("X-Cache")).toBe("MISS");
    await changedButNotApplied("purge-me", "Purge me", "Purge me, corrected");
    await applyOutbox(materialiser({ refusePurges: true }));
    // KV has the correction, but the cache was never told: readers still get the old page.
    const cached = await request("/articles/purge-me");
    expect(cached.headers.get("X-Cache")).toBe("HIT");
    expect(await cached.text()).not.toContain("Purge me, corrected");
    const queued = await env.DB.prepare("SELECT tag FROM pending_purges").all<{ tag: string }>();
    expect(queued.results.map((r) => r.tag)).toContain("article:purge-me");
    clock.advance(2 * 60_000);
    await runCron();
    expect(await (await request("/articles/purge-me")).text()).toContain("Purge me, corrected");
  });

  it("does no harm when two cron runs overlap", async () => {
    await publish("overlap", { title: "Overlap" });
    await Promise.all([runCron(), runCron(), runCron()]);
    expect((await request("/articles/overlap")).status).toBe(200);
    expect(await (await request("/")).text()).toContain("Overlap");
  });

  it("serves the stale copy when a refresh fails, and nothing once an article is purged", async () => {
    await publish("resilient", { title: "Resilient" });
    expect((await request("/articles/resilient")).headers.get("X-Cache")).toBe("MISS");
    clock.advance(3 * 86_400_000); // far past the edge TTL and its stale-while-revalidate window
    const failingKv = new Proxy(env.ARTICLES, {
      get: (target, name) =>
        name === "getWithMetadata" ? () => Promise.reject(new Error("KV down (injected)")) : Reflect.get(target, name),
    });
    const ctx = createExecutionContext();
    const stale = await worker.fetch(new Request(`${SITE}/articles/resilient`), { ...env, ARTICLES: failingKv }, ctx);
    await waitOnExecutionContext(ctx);
    expect(stale.status).toBe(200);
    expect(stale.headers.get("X-Cache")).toBe("STALE-IF-ERROR");
    expect(await stale.text()).toContain("Resilient");

    await deleteArticle("resilient"); // a purge, not an invalidate: nothing stale may remain
    const ctx2 = createExecutionContext();
    const after = await worker.fetch(new Request(`${SITE}/articles/resilient`), { ...env, ARTICLES: failingKv }, ctx2);
    await waitOnExecutionContext(ctx2);
    expect(after.status).toBe(500);
  });
});

describe("coalesced listings", () => {
  it("rebuilds the home listing at most once a second however many saves land, and ends right", async () => {
    const slugs = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
    await Promise.all(
      slugs.map((slug, i) =>
        putArticle(slug, articleFile({ title: `Burst ${i}`, published: new Date(Date.UTC(2025, 1, 1, 0, i)).toISOString() })),
      ),
    );
    await runCron();
    const home = await (await request("/")).text();
    expect(home).toContain('href="/articles/burst-39"');
    expect(home).toContain('href="/articles/burst-20"');
    expect(home).not.toContain('href="/articles/burst-19"');
    const listing = await env.DB.prepare("SELECT generation, built_generation FROM listings WHERE name = 'home'").first<{
      generation: number;
      built_generation: number;
    }>();
    expect(listing?.built_generation).toBe(listing?.generation);
    // 40 saves (and the new section's rebuild of every page) were folded into far fewer rebuilds.
    expect(listing?.generation).toBeGreaterThanOrEqual(40);
  });

  it("repairs a listing that an older build, which outlived its lease, wrote over a newer one", async () => {
    await publish("early", { title: "Early story", published: "2025-01-01T00:00:00Z" });
    // An older build reads the home page's state, then stalls at its first KV write.
    let stalled = false;
    let reachedPut: () => void = () => undefined;
    let resume: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      reachedPut = resolve;
    });
    const resumed = new Promise<void>((resolve) => {
      resume = resolve;
    });
    const stalling = new Proxy(env.ARTICLES, {
      get(target, name) {
        if (name === "put")
          return async (...args: Parameters<KVNamespace["put"]>) => {
            if (!stalled && String(args[0]).startsWith("listing:")) {
              stalled = true;
              reachedPut();
              await resumed;
            }
            return target.put(...args);
          };
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    await queueListings(env.DB, ["home"], clock.now());
    const older = consumeBatch(
      materialiser({ kv: stalling, queues: testEnv() }),
      createMessageBatch("broadsheet-pipeline", [
        { id: "old", timestamp: new Date(clock.now()), attempts: 1, body: { kind: "listing", target: "home" } },
      ]),
    );
    await reached;
    // Its lease runs out, and a newer build, for a newer article, finishes first.
    clock.advance(LEASE_MS + 1000);
    await publish("later", { title: "Later story", published: "2025-02-01T00:00:00Z" });
    const store = createStore(env.ARTICLES);
    expect((await getDocument(store, listingName(HOME)))?.body).toContain("Later story");
    // Then the older build wakes and finishes last. It finds D1's generation moved past what it
    // wrote, and builds again from D1's current state: no cron run is needed.
    resume();
    expect((await older).failed).toEqual([]);
    await drainQueues();
    expect((await getDocument(store, listingName(HOME)))?.body).toContain("Later story");
    expect(await (await request("/")).text()).toContain("Later story");
  });
});

describe("migrating a KV-only site", () => {
  it("moves every old article record into D1 with one call, keeping feed ids, and removes the old keys", async () => {
    const old = {
      slug: "legacy",
      title: "A legacy article",
      published: "2024-05-01T08:00:00Z",
      category: "Archive",
      authors: ["Old Hand"],
      summary: "From before the database.",
      tags: [],
      draft: false,
      markdown: "The body, as it was written.\n",
      html: "<p>The body, as it was written.</p>\n",
      readingMinutes: 1,
      version: "0123456789abcdef0123456789abcdef",
    };
    await env.ARTICLES.put("article:legacy", JSON.stringify(old));
    await env.ARTICLES.put("index:7770000000000:legacy", "", { metadata: { slug: "legacy" } });
    const response = await post("/api/migrate-kv");
    expect(response.status).toBe(200);
    const report = await json<{ migrated: string[]; remaining: number }>(response);
    expect(report).toMatchObject({ migrated: ["legacy"], remaining: 0 });
    expect(await (await request("/articles/legacy")).text()).toContain("The body, as it was written.");
    const feed = parseJsonFeed(await (await request("/feed.json")).json());
    expect(feed.items?.[0]?.id).toBe(`${SITE}/articles/legacy`);
    expect(await env.ARTICLES.get("article:legacy")).toBeNull();
    expect(await env.ARTICLES.get("index:7770000000000:legacy")).toBeNull();
    const { revisions } = await json<{ revisions: Array<{ action: string }> }>(
      await request("/api/articles/legacy/revisions", { headers: authorized }),
    );
    expect(revisions.map((r) => r.action)).toEqual(["import"]);
  });
});
