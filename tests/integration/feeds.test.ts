/**
 * Feeds beyond the latest twenty: RFC 5005 archives a feed reader can walk to the first article,
 * and WebSub, advertised and pinged through the outbox to a fake hub inside the test runtime.
 */

import { env } from "cloudflare:workers";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { beforeEach, describe, expect, it } from "vitest";
import { clock, emptyCache, fakeHub, hubRequests, outbox, publish, request, SITE } from "./helpers";

const HUB = { WEBSUB_HUB: "https://hub.example/" };

beforeEach(async () => {
  await emptyCache();
  hubRequests.length = 0;
  fakeHub.status = 204;
  fakeHub.refusals = 0;
});

/** The href of an Atom link with `rel` in an RSS or Atom document. */
function link(xml: string, rel: string): string | undefined {
  const tag = [...xml.matchAll(/<(?:atom:)?link\b[^>]*>/g)].map((m) => m[0]).find((t) => t.includes(`rel="${rel}"`));
  return tag ? /href="([^"]+)"/.exec(tag)?.[1]?.replaceAll("&amp;", "&") : undefined;
}

describe("archived feeds (RFC 5005)", () => {
  it("lets a reader walk from the subscription feed back to the first article, in every format", async () => {
    const months = [0, 0, 1, 1, 2];
    for (const [i, month] of months.entries()) {
      await publish(`archived-${i}`, { title: `Archived ${i}`, published: new Date(Date.UTC(2025, month, 1 + i)).toISOString() });
    }
    // RSS and Atom: follow prev-archive from the subscription document to the oldest archive.
    for (const file of ["rss.xml", "atom.xml"]) {
      const seen: string[] = [];
      let url = link(await (await request(`/${file}`)).text(), "prev-archive");
      const visited: string[] = [];
      while (url) {
        visited.push(url);
        const response = await request(url);
        expect(response.status, url).toBe(200);
        const body = await response.text();
        expect(body, url).toContain("archive");
        expect(link(body, "current"), url).toBe(`${SITE}/${file}`);
        const titles =
          file === "rss.xml"
            ? (parseRssFeed(body).items ?? []).map((i) => i.title ?? "")
            : (parseAtomFeed(body).entries ?? []).map((e) => e.title?.value ?? "");
        seen.push(...titles);
        url = link(body, "prev-archive");
      }
      expect(visited, file).toEqual([2, 1, 0].map((m) => `${SITE}/archive/2025-0${m + 1}/1/${file}`));
      expect([...seen].sort(), file).toEqual(months.map((_, i) => `Archived ${i}`).sort());
    }
    // JSON Feed: next_url walks the same way.
    let next: string | undefined = parseJsonFeed(await (await request("/feed.json")).json()).next_url;
    const titles: string[] = [];
    while (next) {
      const feed = parseJsonFeed(await (await request(next)).json());
      titles.push(...(feed.items ?? []).map((i) => i.title ?? ""));
      next = feed.next_url;
    }
    expect(titles.sort()).toEqual(months.map((_, i) => `Archived ${i}`).sort());
  }, 30_000);

  it("caches an archive that newer articles cannot change for long, and the newest one like a feed", async () => {
    await publish("january", { published: "2025-01-10T00:00:00Z" });
    await publish("february", { published: "2025-02-10T00:00:00Z" });
    const old = await request("/archive/2025-01/1/rss.xml");
    expect(old.headers.get("Cache-Control")).toContain("max-age=86400");
    const newest = await request("/archive/2025-02/1/rss.xml");
    expect(newest.headers.get("Cache-Control")).toContain("max-age=60");
    expect((await request("/archive/2024-12/1/rss.xml")).status).toBe(404);
  });

  it("rewrites only the archive parts a change touches", async () => {
    await publish("old-one", { published: "2025-01-10T00:00:00Z" });
    await publish("new-one", { published: "2025-03-10T00:00:00Z" });
    const before = await request("/archive/2025-01/1/atom.xml");
    const etag = before.headers.get("ETag");
    await publish("newer-one", { published: "2025-03-20T00:00:00Z" });
    clock.advance(1000);
    const after = await request("/archive/2025-01/1/atom.xml");
    expect(after.headers.get("ETag")).toBe(etag);
    expect(await (await request("/archive/2025-03/1/atom.xml")).text()).toContain("newer-one");
  });

  it("archives each section, tag and author too", async () => {
    await publish("tagged-archive", { category: "World", tags: ["maps"], authors: ["Mercator"] });
    for (const base of ["/sections/world", "/tags/maps", "/authors/mercator"]) {
      const archive = link(await (await request(`${base}/rss.xml`)).text(), "prev-archive");
      expect(archive, base).toMatch(new RegExp(`^${SITE}${base}/archive/\\d{4}-\\d{2}/1/rss\\.xml$`));
      expect(await (await request(archive ?? "")).text(), base).toContain("/articles/tagged-archive");
    }
  });
});

describe("WebSub", () => {
  it("advertises the hub in every format and in a Link header, and pings it for each changed feed", async () => {
    await publish("pinged", { title: "Pinged", category: "World" });
    expect(hubRequests).toHaveLength(0); // no hub configured
    const put = await request(
      "/api/articles/pinged-too",
      {
        method: "PUT",
        headers: { Authorization: "Bearer test-token-current-0123456789abcdef", "Content-Type": "application/json" },
        body: JSON.stringify({ title: "Pinged too", published: "2025-01-15T10:00:00Z", category: "World", body: "Text." }),
      },
      HUB,
    );
    expect(put.status).toBe(201);
    expect(hubRequests.length).toBeGreaterThan(0);
    const pinged = new Set<string>();
    for (const hubRequest of hubRequests) {
      expect(hubRequest.url).toBe(HUB.WEBSUB_HUB);
      expect(hubRequest.method).toBe("POST");
      const form = new URLSearchParams(await hubRequest.text());
      expect(form.get("hub.mode")).toBe("publish");
      for (const url of form.getAll("hub.url")) pinged.add(url);
    }
    for (const feed of ["/rss.xml", "/atom.xml", "/feed.json", "/sections/world/rss.xml"]) {
      expect(pinged, feed).toContain(`${SITE}${feed}`);
    }
    await emptyCache();
    const rss = await request("/rss.xml", {}, HUB);
    expect(rss.headers.get("Link")).toBe(`<${HUB.WEBSUB_HUB}>; rel="hub", <${SITE}/rss.xml>; rel="self"`);
  });

  it("retries a ping the hub refused until it is accepted, without a cron run", async () => {
    fakeHub.refusals = 2;
    await request(
      "/api/articles/refused-ping",
      {
        method: "PUT",
        headers: { Authorization: "Bearer test-token-current-0123456789abcdef", "Content-Type": "text/markdown" },
        body: "---\ntitle: Refused\npublished: 2025-01-15T10:00:00Z\ncategory: Tests\n---\n\nText.\n",
      },
      HUB,
    );
    // One ping for every changed feed, refused twice, then accepted on the queue's third delivery.
    const bodies = await Promise.all(hubRequests.map((r) => r.text()));
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);
    expect(new URLSearchParams(bodies[0]).getAll("hub.url")).toContain(`${SITE}/rss.xml`);
    expect(await outbox("websub")).toHaveLength(0);
    const failures = await env.DB.prepare("SELECT kind, error FROM pipeline_failures").all<{ kind: string; error: string }>();
    expect(failures.results.length).toBeGreaterThan(0);
    expect(failures.results.every((f) => f.kind === "websub" && f.error.includes("refused"))).toBe(true);
  });

  it("keeps a ping the hub refuses every time as a dead letter, which an editor can replay", async () => {
    fakeHub.refusals = 1_000;
    const saved = await request(
      "/api/articles/never-pinged",
      {
        method: "PUT",
        headers: { Authorization: "Bearer test-token-current-0123456789abcdef", "Content-Type": "text/markdown" },
        body: "---\ntitle: Never pinged\npublished: 2025-01-15T10:00:00Z\ncategory: Tests\n---\n\nText.\n",
      },
      HUB,
    );
    expect(saved.status).toBe(201);
    const dead = await env.DB.prepare("SELECT body FROM dead_letters").all<{ body: string }>();
    expect(dead.results.map((row) => JSON.parse(row.body).kind)).toContain("websub");
    fakeHub.refusals = 0;
    hubRequests.length = 0;
    const replay = await request(
      "/api/pipeline/replay",
      { method: "POST", headers: { Authorization: "Bearer test-token-current-0123456789abcdef" } },
      HUB,
    );
    expect(replay.status).toBe(200);
    expect(hubRequests.length).toBeGreaterThan(0);
    expect(await outbox("websub")).toHaveLength(0);
  });
});
