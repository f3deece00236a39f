/**
 * The pipeline on Queues: the consumer inside workerd, fed with the plugin's createMessageBatch and
 * checked with getQueueResult, against real D1, KV and the Cache API. Each fault the issue names is
 * a test here.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { localCache } from "../../src/cache/local-cache";
import { siteFromEnv } from "../../src/core/config";
import { schedulePurgeStatements } from "../../src/data/pipeline";
import { consumeBatch } from "../../src/pipeline/consumer";
import type { Materialiser } from "../../src/pipeline/materialise";
import type { MessageBody } from "../../src/pipeline/messages";
import { flushPurges } from "../../src/pipeline/purges";
import { createStore } from "../../src/readmodel/store";
import { navFromHtml } from "../support/nav";
import { clock, drainQueues, FANOUT_PAGE_IN_TESTS, publish, publishSeries, request, runCron, TOKEN } from "./helpers";

const auth = { Authorization: `Bearer ${TOKEN}` };

/** A materialiser over the real bindings; `kv` and `purge` may be wrapped to fail. */
function materialiser(options: { kv?: KVNamespace; purge?: (tags: string[]) => Promise<boolean> } = {}): Materialiser {
  const site = siteFromEnv(env);
  const real = localCache(caches.default, createExecutionContext(), site.url, clock);
  return {
    db: env.DB,
    store: createStore(options.kv ?? env.ARTICLES),
    cache: options.purge ? { purge: options.purge, invalidate: options.purge } : real,
    pacing: { ratePerMinute: 60_000, burst: 10_000 },
    queues: { urgent: env.PIPELINE, bulk: env.REBUILD },
    site,
    clock,
    fetch: (r) => fetch(r),
  };
}

/** A batch of messages as the queue would deliver them. */
function batchOf(bodies: MessageBody[], attempts = 1) {
  return createMessageBatch(
    "broadsheet-pipeline",
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(clock.now()), attempts, body })),
  );
}

/** Changes an article's text in D1 without telling the pipeline, as a commit whose send never happened. */
async function changeQuietly(slug: string, from: string, to: string): Promise<void> {
  await env.DB.prepare("UPDATE articles SET record = replace(record, ?, ?), revision = revision + 1 WHERE slug = ?")
    .bind(from, to, slug)
    .run();
}

describe("the queue consumer", () => {
  it("acknowledges each message on its own: one that throws half-way is retried, the rest are done", async () => {
    for (const slug of ["first", "second", "third"]) await publish(slug, { title: `Title ${slug}` });
    for (const slug of ["first", "second", "third"]) await changeQuietly(slug, `Title ${slug}`, `New ${slug}`);
    let puts = 0;
    const failingSecond = new Proxy(env.ARTICLES, {
      get(target, name) {
        if (name === "put")
          return (...args: Parameters<KVNamespace["put"]>) => {
            puts++;
            return String(args[0]) === "page:second"
              ? Promise.reject(new Error("KV put failed (injected)"))
              : target.put(...args);
          };
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const batch = batchOf(["first", "second", "third"].map((slug) => ({ kind: "article" as const, target: slug })));
    const ctx = createExecutionContext();
    const report = await consumeBatch(materialiser({ kv: failingSecond }), batch);
    await waitOnExecutionContext(ctx);
    const result = await getQueueResult(batch, ctx);
    expect(puts).toBeGreaterThan(0);
    expect(report.failed).toEqual(["article:second"]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m2"]);
    // (The plugin reports no per-message delay; retryDelaySeconds has its own unit test.)
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
    expect(await (await request("/articles/first")).text()).toContain("New first");
    expect(await (await request("/articles/second")).text()).not.toContain("New second");
    // The retry, delivered again, finishes the work: nothing is lost.
    await consumeBatch(materialiser(), batchOf([{ kind: "article", target: "second" }], 2));
    expect(await (await request("/articles/second")).text()).toContain("New second");
    const failures = await env.DB.prepare("SELECT kind, target FROM pipeline_failures").all();
    expect(failures.results).toEqual([{ kind: "article", target: "second" }]);
  });

  it("does nothing with a message for an older generation than D1 has built", async () => {
    await publish("gen", { title: "Generation" });
    const built = await env.DB.prepare("SELECT built_generation FROM listings WHERE name = 'home'").first<{
      built_generation: number;
    }>();
    expect(built?.built_generation).toBeGreaterThan(0);
    const before = await env.ARTICLES.getWithMetadata("listing:home");
    const report = await consumeBatch(materialiser(), batchOf([{ kind: "listing", target: "home", generation: 0 }]));
    expect(report.skipped).toEqual(["listing:home"]);
    const after = await env.ARTICLES.getWithMetadata("listing:home");
    expect(after.metadata).toEqual(before.metadata);
  });

  it("sends the outbox rows later from the cron when sendBatch fails after the commit", async () => {
    const failingQueue = new Proxy(env.PIPELINE, {
      get(target, name) {
        if (name === "sendBatch" || name === "send") return () => Promise.reject(new Error("queue unavailable (injected)"));
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const saved = await request(
      "/api/articles/late",
      {
        method: "PUT",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ title: "Late", published: "2025-01-01T00:00:00Z", category: "Tests", body: "Text." }),
      },
      { PIPELINE: failingQueue },
    );
    expect(saved.status).toBe(201);
    expect((await request("/articles/late")).status).toBe(404);
    const unsent = await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL").first<{ n: number }>();
    expect(unsent?.n).toBeGreaterThan(0);
    await runCron();
    expect((await request("/articles/late")).status).toBe(200);
    expect(await (await request("/")).text()).toContain("Late");
  });

  it("puts a message that fails every retry in the dead-letter queue, shows it to editors, and replays it", async () => {
    await publish("doomed", { title: "Doomed" });
    await changeQuietly("doomed", "Doomed", "Saved at last");
    const brokenKv = new Proxy(env.ARTICLES, {
      get(target, name) {
        if (name === "put") return () => Promise.reject(new Error("KV is down (injected)"));
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    // The cron's own periodic work (the news sitemap's refresh) is done first, with KV working, so
    // that the one message sent while KV is down is the page's.
    await runCron();
    await env.DB.prepare("INSERT INTO outbox (kind, target, due_at, created_at) VALUES ('article', 'doomed', 0, 0)").run();
    await runCron({ ARTICLES: brokenKv });
    const status = (await (await request("/api/pipeline", { headers: auth })).json()) as {
      deadLetters: Array<{ body: string; error: string | null }>;
      failures: unknown[];
    };
    expect(status.deadLetters).toHaveLength(1);
    expect(JSON.parse(status.deadLetters[0]?.body ?? "{}")).toMatchObject({ kind: "article", target: "doomed" });
    expect(status.deadLetters[0]?.error).toContain("KV is down");
    // Its outbox row is not sent again by the cron while it is dead.
    const dead = await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE dead_at IS NOT NULL").first<{ n: number }>();
    expect(dead?.n).toBe(1);
    const replay = await request("/api/pipeline/replay", { method: "POST", headers: auth });
    expect(((await replay.json()) as { replayed: number }).replayed).toBe(1);
    await drainQueues();
    expect(await (await request("/articles/doomed")).text()).toContain("Saved at last");
  });
});

describe("purges", () => {
  it("keeps a refused purge's tags and sends them later, within the bucket, at most 100 tags a request", async () => {
    const tags = Array.from({ length: 250 }, (_, i) => `tag-${i}`);
    await env.DB.batch(schedulePurgeStatements(env.DB, tags, "purge", clock.now(), false));
    const sent: number[] = [];
    let refuse = true;
    const purger = {
      purge: async (batch: string[]) => {
        sent.push(batch.length);
        return !refuse;
      },
      invalidate: async () => true,
    };
    const pacing = { ratePerMinute: 5, burst: 2 };
    const first = await flushPurges(env.DB, purger, pacing, clock.now());
    expect(first.refused).toBe(1);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM pending_purges").first<{ n: number }>();
    expect(left?.n).toBe(250);
    refuse = false;
    clock.advance(10_000);
    // One token is left of the burst of 2: one request of 100 tags, then it waits.
    const second = await flushPurges(env.DB, purger, pacing, clock.now());
    expect(second.requests).toEqual([100]);
    expect(second.waiting).toBe(true);
    // 5 a minute: a minute later, 5 tokens, and the last 150 tags go out in two requests.
    clock.advance(60_000);
    const third = await flushPurges(env.DB, purger, pacing, clock.now());
    expect(third.requests).toEqual([100, 50]);
    expect(Math.max(...sent)).toBeLessThanOrEqual(100);
    const rest = await env.DB.prepare("SELECT count(*) AS n FROM pending_purges").first<{ n: number }>();
    expect(rest?.n).toBe(0);
  });
});

describe("fan-out", () => {
  it("brings a navigation change to every article page, over several fan-out pages, without a cron run", async () => {
    const count = FANOUT_PAGE_IN_TESTS * 2 + 10;
    await publishSeries("story", count);
    await publish("other", { title: "Other", category: "Zeta" });
    const before = await (await request("/articles/story-0")).text();
    expect(navFromHtml(before)).toEqual([
      { slug: "tests", name: "Tests" },
      { slug: "zeta", name: "Zeta" },
    ]);
    const reorder = await request("/api/sections/tests", {
      method: "PUT",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Tests Later", position: 1 }),
    });
    expect(reorder.status).toBe(200);
    for (let i = 0; i < count; i++) {
      const page = await (await request(`/articles/story-${i}`)).text();
      expect(navFromHtml(page), `story-${i}`).toEqual([
        { slug: "zeta", name: "Zeta" },
        { slug: "tests", name: "Tests Later" },
      ]);
    }
    expect(navFromHtml(await (await request("/")).text())[0]?.slug).toBe("zeta");
    const rebuild = await env.DB.prepare("SELECT total, done, finished_at FROM rebuilds ORDER BY id DESC").first<{
      total: number;
      done: number;
      finished_at: number | null;
    }>();
    expect(rebuild?.total).toBeGreaterThan(count);
    expect(rebuild?.done).toBe(rebuild?.total);
    expect(rebuild?.finished_at).not.toBeNull();
  }, 60_000);
});
