/**
 * Live coverage: a live article's updates through the editors' API, and what readers, feed readers
 * and search engines get of them, applied by the pipeline right after each request (no cron).
 */
import { env } from "cloudflare:workers";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { parseHTML } from "linkedom";
import { beforeEach, describe, expect, it } from "vitest";
import { LIVE_PAGE_SIZE } from "../../src/core/live";
import { LIMITS } from "../../src/core/schema";
import { LIVE_SCRIPT_PATH } from "../../src/render/live-script";
import { clock, emptyCache, hubRequests, kvSnapshot, publish, request, SITE, TOKEN } from "./helpers";

const authorized = { Authorization: `Bearer ${TOKEN}` };
const START = "2026-11-30T08:00:00Z";

interface UpdateView {
  id: string;
  url: string;
  at: string;
  version: string;
  headline?: string;
  body: string;
  pinned: boolean;
}

beforeEach(async () => {
  await emptyCache();
  hubRequests.length = 0;
  clock.at = Date.parse("2026-12-01T12:00:00Z");
});

function postUpdate(slug: string, body: unknown, settings: Partial<Env> = {}): Promise<Response> {
  return request(
    `/api/articles/${slug}/updates`,
    { method: "POST", headers: { ...authorized, "Content-Type": "application/json" }, body: JSON.stringify(body) },
    settings,
  );
}

async function addUpdate(slug: string, body: unknown, settings: Partial<Env> = {}): Promise<UpdateView> {
  const response = await postUpdate(slug, body, settings);
  if (response.status !== 201) throw new Error(`adding an update failed with ${response.status}: ${await response.text()}`);
  return (await response.json()) as UpdateView;
}

function putUpdate(slug: string, id: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request(`/api/articles/${slug}/updates/${id}`, {
    method: "PUT",
    headers: { ...authorized, "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

function deleteUpdate(slug: string, id: string, headers: Record<string, string> = {}): Promise<Response> {
  return request(`/api/articles/${slug}/updates/${id}`, { method: "DELETE", headers: { ...authorized, ...headers } });
}

/** A page's JSON-LD, parsed. */
function jsonLdOf(html: string): Record<string, unknown> {
  return JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1] ?? "null");
}

async function page(path: string): Promise<{ html: string; document: ReturnType<typeof parseHTML>["document"] }> {
  const response = await request(path);
  expect(response.status, path).toBe(200);
  const html = await response.text();
  return { html, document: parseHTML(html).document };
}

async function publishLive(slug: string, live: unknown = { start: START }, fields: Record<string, unknown> = {}) {
  await publish(
    slug,
    { title: "Election night", published: START, category: "Politics", live, ...fields },
    "The count is under way.",
  );
}

describe("an article with live coverage", () => {
  it("validates live like any other field, naming the field", async () => {
    const cases: Array<[unknown, string]> = [
      ["yes", "live"],
      [{ start: "tonight" }, "live.start"],
      [{ start: START, end: "2026-11-30T07:00:00Z" }, "live.end"],
      [{ start: START, finish: START }, "live.finish"],
    ];
    for (const [live, field] of cases) {
      const response = await request("/api/articles/bad-live", {
        method: "PUT",
        headers: { ...authorized, "Content-Type": "application/json" },
        body: JSON.stringify({ title: "T", published: START, category: "C", body: "Text.", live }),
      });
      expect(response.status, JSON.stringify(live)).toBe(400);
      const { details } = (await response.json()) as { details: Array<{ field: string; problem: string }> };
      expect(
        details.map((d) => d.field),
        JSON.stringify(live),
      ).toContain(field);
    }
  });

  it("shows the Live label, updates newest first with permalinks and times in the site's time zone", async () => {
    const paris = { SITE_TIME_ZONE: "Europe/Paris" };
    await publishLive("election");
    const first = await addUpdate("election", { body: "Polls have closed." }, paris);
    clock.advance(60_000);
    const second = await addUpdate("election", { headline: "First result", body: "Sunderland declares." }, paris);
    const { html, document } = await page("/articles/election");
    expect(document.querySelector("h1 .live-label")?.textContent).toBe("Live");
    const items = [...document.querySelectorAll("ol.updates > li")];
    expect(items.map((li) => li.id)).toEqual([`update-${second.id}`, `update-${first.id}`]);
    expect(items[0]?.querySelector("h3")?.textContent).toBe("First result");
    // 12:01 UTC is 13:01 in Paris in December (the site's language, en, writes it 01:01 PM).
    expect(items[0]?.querySelector("time")?.getAttribute("datetime")).toBe(second.at.replace(/\.\d{3}Z$/, "Z"));
    expect(items[0]?.querySelector("time")?.textContent).toMatch(/Dec 1, 01:0\d PM GMT\+1/);
    expect(items[0]?.querySelector("a")?.getAttribute("href")).toBe(`#update-${second.id}`);
    expect(second.url).toBe(`${SITE}/articles/election#update-${second.id}`);
    // The script is offered while coverage is open, from this site, allowed by the page's CSP.
    expect(html).toContain(`<script src="${LIVE_SCRIPT_PATH}" defer`);
    expect(document.querySelector("[data-live-status]")?.getAttribute("data-live-status")).toBe("/articles/election/live.json");
    const response = await request("/articles/election");
    expect(response.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    const script = await request(LIVE_SCRIPT_PATH);
    expect(script.status).toBe(200);
    expect(script.headers.get("Content-Type")).toContain("text/javascript");
    // Feed autodiscovery points at the live feeds.
    expect(document.querySelector('link[type="application/atom+xml"]')?.getAttribute("href")).toBe(
      `${SITE}/articles/election/atom.xml`,
    );
  });

  it("describes itself as a LiveBlogPosting with its coverage times and newest updates", async () => {
    await publishLive("ld", { start: START });
    const update = await addUpdate("ld", { headline: "Turnout is up", body: "Turnout is 68%." });
    const ld = jsonLdOf((await page("/articles/ld")).html);
    expect(ld["@type"]).toBe("LiveBlogPosting");
    expect(ld.coverageStartTime).toBe(START);
    expect(ld).not.toHaveProperty("coverageEndTime");
    const at = update.at.replace(/\.\d{3}Z$/, "Z");
    expect(ld.dateModified).toBe(at);
    expect(ld.liveBlogUpdate).toEqual([
      {
        "@type": "BlogPosting",
        headline: "Turnout is up",
        datePublished: at,
        dateModified: at,
        url: `${SITE}/articles/ld#update-${update.id}`,
      },
    ]);
  });

  it("ends: no label and no script, the end time in the structured data and the JSON document", async () => {
    await publishLive("ended", { start: START, end: "2026-12-01T06:00:00Z" });
    await addUpdate("ended", { body: "That is all from us tonight." });
    const { html, document } = await page("/articles/ended");
    expect(document.querySelector(".live-label")).toBeNull();
    expect(html).not.toContain(LIVE_SCRIPT_PATH);
    expect(document.querySelectorAll("ol.updates > li")).toHaveLength(1);
    expect(jsonLdOf(html).coverageEndTime).toBe("2026-12-01T06:00:00Z");
    const status = (await (await request("/articles/ended/live.json")).json()) as { open: boolean; end: string };
    expect(status.open).toBe(false);
    expect(status.end).toBe("2026-12-01T06:00:00Z");
  });

  it("accepts live: true, with coverage from the publication time", async () => {
    await publishLive("simple", true);
    const ld = jsonLdOf((await page("/articles/simple")).html);
    expect(ld.coverageStartTime).toBe(START);
    expect((await (await request("/articles/simple/live.json")).json()) as object).toMatchObject({ open: true, total: 0 });
  });
});

describe("editing updates", () => {
  it("edits with If-Match, refuses a stale one with 412 and writes nothing", async () => {
    await publishLive("edits");
    const update = await addUpdate("edits", { body: "Polls close at 22:00." });
    const got = await request(`/api/articles/edits/updates/${update.id}`, { headers: authorized });
    expect(got.headers.get("ETag")).toBe(`"${update.version}"`);
    clock.advance(5_000);
    const edited = await putUpdate("edits", update.id, { body: "Polls closed at 22:00." }, { "If-Match": `"${update.version}"` });
    expect(edited.status).toBe(200);
    const after = (await edited.json()) as UpdateView;
    expect(after.version).not.toBe(update.version);
    expect(after.at).toBe(update.at); // an edit keeps the update's time
    expect(edited.headers.get("ETag")).toBe(`"${after.version}"`);
    expect((await page("/articles/edits")).html).toContain("Polls closed at 22:00.");

    const before = await kvSnapshot();
    const stale = await putUpdate("edits", update.id, { body: "Something else." }, { "If-Match": `"${update.version}"` });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { details: Array<{ field: string }> }).details[0]?.field).toBe("If-Match");
    const staleDelete = await deleteUpdate("edits", update.id, { "If-Match": `"${update.version}"` });
    expect(staleDelete.status).toBe(412);
    expect(await kvSnapshot()).toEqual(before);

    const revisions = (await (
      await request(`/api/articles/edits/updates/${update.id}/revisions`, { headers: authorized })
    ).json()) as {
      revisions: Array<{ action: string; editor: string; update: { body: string } }>;
    };
    expect(revisions.revisions.map((r) => r.action)).toEqual(["update", "create"]);
    expect(revisions.revisions[0]?.editor).toBe("ana");
    expect(revisions.revisions[1]?.update.body).toBe("Polls close at 22:00.\n");
  });

  it("pins a key event, listed at the top of the page as a link to it", async () => {
    await publishLive("pins");
    const update = await addUpdate("pins", { body: "A quiet start." });
    clock.advance(1000);
    await addUpdate("pins", { body: "More of the same." });
    const pinned = await putUpdate("pins", update.id, { headline: "Polls open", body: "A quiet start.", pinned: true });
    expect(pinned.status).toBe(200);
    const { document } = await page("/articles/pins");
    const links = [...document.querySelectorAll(".key-events a")];
    expect(links.map((a) => [a.getAttribute("href"), a.textContent?.trim()])).toEqual([[`#update-${update.id}`, "Polls open"]]);
    expect(document.querySelector(`#update-${update.id} .meta`)?.textContent).toContain("Key event");
  });

  it("removes an update from the page, the feeds and the JSON document", async () => {
    await publishLive("removal");
    const kept = await addUpdate("removal", { body: "Kept." });
    clock.advance(1000);
    const gone = await addUpdate("removal", { body: "A mistake." });
    const removed = await deleteUpdate("removal", gone.id, { "If-Match": `"${gone.version}"` });
    expect(removed.status).toBe(200);
    const { html } = await page("/articles/removal");
    expect(html).not.toContain("A mistake.");
    expect(html).toContain(`update-${kept.id}`);
    const status = (await (await request("/articles/removal/live.json")).json()) as { updates: Array<{ id: string }> };
    expect(status.updates.map((u) => u.id)).toEqual([kept.id]);
    const atom = parseAtomFeed(await (await request("/articles/removal/atom.xml")).text());
    expect(atom.entries?.map((e) => e.id)).toEqual([`${SITE}/articles/removal#update-${kept.id}`]);
    expect((await request(`/api/articles/removal/updates/${gone.id}`, { headers: authorized })).status).toBe(404);
  });
});

describe("bad input", () => {
  it("refuses hostile, oversized and unknown input with field-named errors, and writes nothing", async () => {
    await publishLive("guarded");
    await publish("not-live", {}, "Plain.");
    const before = await kvSnapshot();
    const cases: Array<[string, unknown, number, string]> = [
      ["guarded", { body: `${"> ".repeat(LIMITS.nestingDepth + 5)}deep` }, 400, "body"],
      ["guarded", { body: "x".repeat(LIMITS.bodyBytes + 1) }, 400, "body"],
      ["guarded", { body: "" }, 400, "body"],
      ["guarded", { body: "Text.", headline: "x".repeat(LIMITS.titleLength + 1) }, 400, "headline"],
      ["guarded", { body: "Text.", pinned: "yes" }, 400, "pinned"],
      ["guarded", { body: "Text.", author: "me" }, 400, "author"],
      ["guarded", ["not", "an", "object"], 400, ""],
      ["no-such-article", { body: "Text." }, 404, "slug"],
      ["not-live", { body: "Text." }, 409, "slug"],
    ];
    for (const [slug, body, status, field] of cases) {
      const response = await postUpdate(slug, body);
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(status);
      const json = (await response.json()) as { error: string; details: Array<{ field: string }> };
      expect(
        json.details.map((d) => d.field),
        JSON.stringify(body).slice(0, 60),
      ).toContain(field);
    }
    const wrongType = await request("/api/articles/guarded/updates", {
      method: "POST",
      headers: { ...authorized, "Content-Type": "text/plain" },
      body: "Text.",
    });
    expect(wrongType.status).toBe(415);
    expect((await postUpdate("guarded", "{")).status).toBe(400);
    expect((await request("/api/articles/guarded/updates/nope", { headers: authorized })).status).toBe(404);
    expect((await request("/api/articles/guarded/updates", { method: "POST" })).status).toBe(401);
    expect(await kvSnapshot()).toEqual(before);
  });

  it("sanitizes hostile Markdown like an article's", async () => {
    await publishLive("hostile");
    await addUpdate("hostile", { body: 'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3))' });
    const { document } = await page("/articles/hostile");
    const body = document.querySelector("ol.updates .body");
    expect(body?.innerHTML).not.toMatch(/<script|onerror|javascript:/i);
    expect([...document.querySelectorAll("script")].map((s) => s.getAttribute("src") ?? s.getAttribute("type"))).toEqual([
      "application/ld+json",
      LIVE_SCRIPT_PATH,
    ]);
  });
});

describe("the live documents", () => {
  it("offers Atom, JSON Feed and RSS of the updates, linked from the page", async () => {
    await publishLive("feeds");
    const one = await addUpdate("feeds", { body: "One." });
    clock.advance(1000);
    const two = await addUpdate("feeds", { headline: "Two", body: "Two, with a [link](/articles/feeds)." });
    const atomResponse = await request("/articles/feeds/atom.xml");
    expect(atomResponse.headers.get("Content-Type")).toContain("application/atom+xml");
    expect(atomResponse.headers.get("Last-Modified")).toBeTruthy();
    const atom = parseAtomFeed(await atomResponse.text());
    expect(atom.entries?.map((e) => e.id)).toEqual([
      `${SITE}/articles/feeds#update-${two.id}`,
      `${SITE}/articles/feeds#update-${one.id}`,
    ]);
    expect(atom.entries?.[0]?.title?.value).toBe("Two");
    expect(atom.entries?.[0]?.content?.value).toContain(`href="${SITE}/articles/feeds"`);
    const json = parseJsonFeed(await (await request("/articles/feeds/feed.json")).json());
    expect(json.items?.map((i) => i.url)).toEqual([
      `${SITE}/articles/feeds#update-${two.id}`,
      `${SITE}/articles/feeds#update-${one.id}`,
    ]);
    expect(json.feed_url).toBe(`${SITE}/articles/feeds/feed.json`);
    const rss = parseRssFeed(await (await request("/articles/feeds/rss.xml")).text());
    expect(rss.items).toHaveLength(2);
    // Conditional GET works as for every document.
    const etag = atomResponse.headers.get("ETag") ?? "";
    expect((await request("/articles/feeds/atom.xml", { headers: { "If-None-Match": etag } })).status).toBe(304);
    // A non-live article has no such documents.
    await publish("plain", {}, "Plain.");
    expect((await request("/articles/plain/atom.xml")).status).toBe(404);
    expect((await request("/articles/plain/live.json")).status).toBe(404);
  });

  it("pings the WebSub hub for the live feeds on every update", async () => {
    const hub = { WEBSUB_HUB: "https://hub.example/" };
    await publishLive("pinged");
    hubRequests.length = 0;
    await addUpdate("pinged", { body: "News." }, hub);
    const urls = (await Promise.all(hubRequests.map((r) => r.text()))).flatMap((body) =>
      new URLSearchParams(body).getAll("hub.url"),
    );
    expect(urls).toEqual(expect.arrayContaining([`${SITE}/articles/pinged/atom.xml`, `${SITE}/articles/pinged/feed.json`]));
  });

  it("serves a small JSON document, purged on each update", async () => {
    await publishLive("status");
    const first = await request("/articles/status/live.json");
    expect(first.headers.get("Content-Type")).toContain("application/json");
    expect(first.headers.get("Cache-Tag")).toContain("live:status");
    expect(((await first.json()) as { total: number }).total).toBe(0);
    const update = await addUpdate("status", { body: "News." });
    const second = await request("/articles/status/live.json");
    expect(second.headers.get("X-Cache")).toBe("MISS");
    expect(await second.json()).toEqual({
      open: true,
      start: START,
      total: 1,
      updates: [{ id: update.id, at: Date.parse(update.at), changed: Date.parse(update.at) }],
    });
  });

  it("shows the newest 50 on the page and the rest on prebuilt pages of older updates", async () => {
    await publishLive("long");
    const article = await env.DB.prepare("SELECT id FROM articles WHERE slug = 'long'").first<{ id: string }>();
    // Seeded straight into D1: 50 updates an hour ago, a minute apart.
    const seeded = Array.from({ length: LIVE_PAGE_SIZE }, (_, i) => ({
      id: `00000000${String(i).padStart(4, "0")}`,
      at: clock.now() - 3_600_000 + i * 60_000,
    }));
    await env.DB.batch(
      seeded.map(({ id, at }) =>
        env.DB.prepare(
          `INSERT INTO live_updates (id, article_id, created_at, created_by, changed_at, changed_by, version, headline, body, html, summary, pinned)
           VALUES (?, ?, ?, 'ana', ?, 'ana', 'v', NULL, 'Seeded.', '<p>Seeded.</p>', 'Seeded.', ?)`,
        ).bind(id, article?.id, at, at, id.endsWith("0000") ? 1 : 0),
      ),
    );
    const newest = await addUpdate("long", { body: "The newest." });
    const { document } = await page("/articles/long");
    const ids = [...document.querySelectorAll("ol.updates > li")].map((li) => li.id);
    expect(ids).toHaveLength(LIVE_PAGE_SIZE);
    expect(ids[0]).toBe(`update-${newest.id}`);
    expect(ids).not.toContain("update-000000000000");
    // The pinned update that fell off the page links to its page of older updates.
    expect(document.querySelector(".key-events a")?.getAttribute("href")).toBe("/articles/long/updates/1#update-000000000000");
    expect(document.querySelector('nav[aria-label="Older updates"] a')?.getAttribute("href")).toBe("/articles/long/updates/1");
    const older = await page("/articles/long/updates/1");
    const olderIds = [...older.document.querySelectorAll("ol.updates > li")].map((li) => li.id);
    expect(olderIds).toHaveLength(LIVE_PAGE_SIZE);
    expect(olderIds.at(-1)).toBe("update-000000000000");
    // Pages are cut from the oldest update, so they never shift: the last one holds the newest.
    const last = await page("/articles/long/updates/2");
    expect([...last.document.querySelectorAll("ol.updates > li")].map((li) => li.id)).toEqual([`update-${newest.id}`]);
    expect(last.document.querySelector('nav[aria-label="More updates"] a[href="/articles/long/updates/1"]')).not.toBeNull();
    expect((await request("/articles/long/updates/3")).status).toBe(404);
    expect((await request("/articles/long/updates/0")).status).toBe(404);
  });

  it("rebuilds only the article's own documents and the listings it is in, never the archive", async () => {
    await publishLive("focused", { start: START }, { tags: ["Elections"] });
    await publish("bystander", { published: "2026-11-29T08:00:00Z", category: "Sport" }, "Unrelated.");
    const before = await kvSnapshot();
    clock.advance(60_000);
    await addUpdate("focused", { body: "Only this changes." });
    const after = await kvSnapshot();
    const changed = Object.keys(after).filter(
      (key) => !key.startsWith("d1:") && JSON.stringify(after[key]) !== JSON.stringify(before[key]),
    );
    for (const key of changed) {
      expect(key).toMatch(
        /^(page:focused|listing:(home|section:politics|tag:elections)(:(rss|atom|json))?|listing:live:focused:(status|rss|atom|json)|archive:live:focused:updates:\d+|index:.*:focused)$/,
      );
    }
    expect(changed).toContain("page:focused");
    expect(changed).toContain("listing:live:focused:status");
    expect(changed).not.toContain("page:bystander");
    expect(changed.filter((key) => /^(archive:(?!live:focused:)|listing:sitemap|listing:news)/.test(key))).toEqual([]);
  });

  it("shows the article as updated in the home feeds, once", async () => {
    await publishLive("home-feed");
    clock.advance(3_600_000);
    const update = await addUpdate("home-feed", { body: "An hour later." });
    const at = update.at.replace(/\.\d{3}Z$/, "Z");
    const atom = parseAtomFeed(await (await request("/atom.xml")).text());
    const entries = atom.entries?.filter((e) => e.id === `${SITE}/articles/home-feed`) ?? [];
    expect(entries).toHaveLength(1);
    expect(entries[0]?.updated).toBe(at);
    const json = parseJsonFeed(await (await request("/feed.json")).json());
    expect(json.items?.find((i) => i.id === `${SITE}/articles/home-feed`)?.date_modified).toBe(at);
    // A later save of the article itself keeps the time its newest update gave it.
    clock.advance(60_000);
    await publish(
      "home-feed",
      { title: "Election night", published: START, category: "Politics", live: { start: START } },
      "Edited.",
    );
    const again = parseAtomFeed(await (await request("/atom.xml")).text());
    expect(again.entries?.find((e) => e.id === `${SITE}/articles/home-feed`)?.updated).toBe(at);
  });

  it("takes the live documents down when the article leaves the trash's way or stops being live", async () => {
    await publishLive("stops");
    await addUpdate("stops", { body: "News." });
    expect((await request("/articles/stops/atom.xml")).status).toBe(200);
    await publish("stops", { title: "Election night", published: START, category: "Politics" }, "The count is under way.");
    expect((await request("/articles/stops/atom.xml")).status).toBe(404);
    expect((await request("/articles/stops/live.json")).status).toBe(404);
    expect((await page("/articles/stops")).document.querySelector("ol.updates")).toBeNull();
    expect((await postUpdate("stops", { body: "More." })).status).toBe(409);
  });
});

describe("the desk", () => {
  async function signIn(): Promise<string> {
    const response = await deskPost("/desk/sign-in", { token: TOKEN, next: "/desk" }, "");
    expect(response.status).toBe(303);
    return (response.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
  }

  function deskPost(path: string, fields: Record<string, string>, cookie: string): Promise<Response> {
    return request(path, {
      method: "POST",
      body: new URLSearchParams(fields),
      redirect: "manual",
      headers: { Origin: SITE, Cookie: cookie, Accept: "text/html", "CF-Connecting-IP": "192.0.2.7" },
    });
  }

  it("posts an update from one short form beside the article, and keeps a refused one in the form", async () => {
    await publishLive("desk-live");
    const cookie = await signIn();
    const editor = await (await request("/desk/articles/desk-live", { headers: { Cookie: cookie, Accept: "text/html" } })).text();
    const { document } = parseHTML(editor);
    expect(document.querySelector('form[action="/desk/articles/desk-live/updates"] textarea[name="body"]')).not.toBeNull();
    expect(document.querySelector("#live")?.hasAttribute("checked")).toBe(true);

    const posted = await deskPost(
      "/desk/articles/desk-live/updates",
      { headline: "Results", body: "Turnout: 71%.", pinned: "on" },
      cookie,
    );
    expect(posted.status).toBe(303);
    expect(posted.headers.get("Location")).toBe("/desk/articles/desk-live?n=update-posted#live-updates");
    const live = await page("/articles/desk-live");
    expect(live.document.querySelector("ol.updates h3")?.textContent).toBe("Results");
    expect(live.document.querySelector(".key-events a")?.textContent?.trim()).toBe("Results");

    const before = await kvSnapshot();
    const refused = await deskPost("/desk/articles/desk-live/updates", { headline: "Oops", body: "> ".repeat(40) }, cookie);
    expect(refused.status).toBe(400);
    const again = parseHTML(await refused.text()).document;
    expect(again.querySelector("#update-headline")?.getAttribute("value")).toBe("Oops");
    expect(again.querySelector("#update-body-error")?.textContent).toContain("nests");
    expect(await kvSnapshot()).toEqual(before);
  });

  it("has no update form for an article that is not live", async () => {
    await publish("desk-plain", {}, "Plain.");
    const cookie = await signIn();
    const editor = await (
      await request("/desk/articles/desk-plain", { headers: { Cookie: cookie, Accept: "text/html" } })
    ).text();
    expect(editor).not.toContain("/desk/articles/desk-plain/updates");
  });
});
