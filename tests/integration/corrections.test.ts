/**
 * Corrections and clarifications: the editors' API in every state of an article, the dated note on
 * the page, what machines see (JSON-LD, the article's feed items), and the corrections page and its
 * feeds, all through real requests on real D1, KV and Cache API.
 */
import { env } from "cloudflare:workers";
import { XMLValidator } from "fast-xml-parser";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { siteFromEnv } from "../../src/core/config";
import type { ArticleInput } from "../../src/core/schema";
import { parseArticleFile } from "../../src/core/source";
import { addCorrection } from "../../src/editorial/corrections";
import { type PublishContext, saveArticle } from "../../src/editorial/publishing";
import {
  articleFile,
  clock,
  deleteArticle,
  emptyCache,
  kvSnapshot,
  publish,
  request,
  runCron,
  SITE,
  secondsFromNow,
  TOKEN,
} from "./helpers";

const AUTH = { Authorization: `Bearer ${TOKEN}` };
/** A moment well after the default articles' publication, 20:00 UTC: already the next day in Tokyo. */
const CORRECTED_AT = Date.parse("2030-12-02T20:00:00Z");
const TOKYO = { SITE_TIME_ZONE: "Asia/Tokyo" } as Partial<Env>;

interface NoteView {
  id: string;
  kind: string;
  text: string;
  html: string;
  version: string;
  published: string;
  url: string;
}

// Every test publishes and rebuilds its listings through real requests: seconds each on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

beforeEach(async () => {
  if (clock.now() < CORRECTED_AT) clock.advance(CORRECTED_AT - clock.now());
  await emptyCache();
});

function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, settings: Partial<Env> = {}) {
  return request(
    path,
    {
      method,
      headers: { ...AUTH, ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    },
    settings,
  );
}

/** Adds a note through the API and fails the test unless it was stored. */
async function correct(slug: string, text: string, kind = "correction", settings: Partial<Env> = {}): Promise<NoteView> {
  const response = await send("POST", `/api/articles/${slug}/corrections`, { kind, text }, {}, settings);
  if (response.status !== 201) throw new Error(`correcting ${slug}: ${response.status} ${await response.text()}`);
  return (await response.json()) as NoteView;
}

const page = async (slug: string, settings: Partial<Env> = {}) => (await request(`/articles/${slug}`, {}, settings)).text();

/** The page's text, tags taken out and entities decoded, to read notes as readers do. */
const textOf = (html: string): string =>
  html
    .replace(/<[^>]*>/g, "")
    .replace(/&amp;/g, "&")
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, " ");

/** A time as feeds and structured data write it (RFC 3339, whole seconds, UTC). */
const stamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function jsonLd(html: string): Record<string, unknown> {
  const script = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!script) throw new Error("no JSON-LD on the page");
  return JSON.parse(script) as Record<string, unknown>;
}

describe("a correction on a published article", () => {
  it("shows as a dated note after the body, in the site's time zone, and in its structured data", async () => {
    await publish("budget", { title: "The budget", tags: ["Money"] }, "The council will spend £3m.\n\nMore text.");
    // Some seconds after 20:00 UTC on 2 December: 05:00 on 3 December in Tokyo.
    const at = stamp(clock.now());
    const note = await correct("budget", "The council will spend **£3.5m**, not £3m.", "correction", TOKYO);
    expect(note.kind).toBe("correction");
    expect(note.html).toBe("The council will spend <strong>£3.5m</strong>, not £3m.");
    expect(note.url).toBe(`${SITE}/articles/budget#correction-${note.id}`);

    const html = await page("budget", TOKYO);
    expect(textOf(html)).toContain("Correction, December 3, 2030: The council will spend £3.5m, not £3m.");
    // One place: after the body, before the tags.
    const body = html.indexOf('<div class="body">');
    const notes = html.indexOf('<section class="corrections"');
    const tags = html.indexOf('<ul class="tags"');
    expect(body).toBeGreaterThan(0);
    expect(notes).toBeGreaterThan(body);
    expect(tags).toBeGreaterThan(notes);
    expect(html).toContain(`id="correction-${note.id}"`);
    expect(html).toContain(`<time datetime="${at}">December 3, 2030</time>`);

    const ld = jsonLd(html);
    expect(ld.dateModified).toBe(at);
    expect(ld.datePublished).toBe("2025-01-15T10:00:00Z");
    expect(ld.correction).toEqual([
      {
        "@type": "CorrectionComment",
        url: `${SITE}/articles/budget#correction-${note.id}`,
        name: "Correction",
        text: "The council will spend £3.5m, not £3m.",
        datePublished: at,
      },
    ]);
  });

  it("moves the article's Atom updated and JSON Feed date_modified, keeps its RSS guid, and carries the note", async () => {
    await publish("budget", { title: "The budget", tags: ["Money"] });
    const rssBefore = parseRssFeed(await (await request("/rss.xml")).text()).items?.[0];
    const atomBefore = parseAtomFeed(await (await request("/atom.xml")).text()).entries?.[0];
    const jsonBefore = parseJsonFeed(await (await request("/feed.json")).json()).items?.[0];
    expect(atomBefore?.updated).toBe("2025-01-15T10:00:00Z");

    clock.advance(60_000);
    const at = stamp(clock.now());
    await correct("budget", "An earlier version gave the wrong total.", "clarification");
    for (const base of ["", "/tags/money"]) {
      const rss = parseRssFeed(await (await request(`${base}/rss.xml`)).text()).items?.[0];
      expect(rss?.guid).toEqual(rssBefore?.guid);
      expect(rss?.content?.encoded).toContain("<strong>Clarification, December 2, 2030:</strong> An earlier version gave");
      const atom = parseAtomFeed(await (await request(`${base}/atom.xml`)).text()).entries?.[0];
      expect(atom?.id).toBe(atomBefore?.id);
      expect(atom?.updated).toBe(at);
      expect(atom?.content?.value).toContain("Clarification, December 2, 2030:");
      const json = parseJsonFeed(await (await request(`${base}/feed.json`)).json()).items?.[0];
      expect(json?.id).toBe(jsonBefore?.id);
      expect(json?.date_modified).toBe(at);
      expect(json?.content_html).toContain("Clarification, December 2, 2030:");
    }
    // The sitemap's lastmod moves with it.
    const month = await (await request("/sitemaps/2025-01.xml")).text();
    expect(month).toContain(`<lastmod>${at}</lastmod>`);
  });

  it("rebuilds the article's page and the listings that carry it, not the others", async () => {
    await publish("budget", { title: "The budget", tags: ["Money"] });
    await publish("weather", { title: "Weather", tags: ["Sky"], category: "Other" });
    const generations = async () =>
      Object.fromEntries(
        (await env.DB.prepare("SELECT name, generation FROM listings").all<{ name: string; generation: number }>()).results.map(
          (r) => [r.name, r.generation],
        ),
      ) as Record<string, number>;
    const before = await generations();
    await correct("budget", "A figure was wrong.");
    const after = await generations();
    expect(after.corrections).toBe(1);
    for (const name of ["home", "tag:money", "section:tests", "archive:home", "archive:tag:money"])
      expect(after[name], name).toBe((before[name] ?? 0) + 1);
    for (const name of ["tag:sky", "section:other", "archive:tag:sky"]) expect(after[name], name).toBe(before[name]);
    // Every outbox row was applied by the request.
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM outbox WHERE kind != 'purge'").first<{ n: number }>())?.n).toBe(0);
  });

  it("keeps its notes through later saves and a rename of the article", async () => {
    await publish("budget", { title: "The budget" });
    const note = await correct("budget", "The total was wrong.");
    await publish("budget", { title: "The budget, revised" }, "New text entirely.");
    expect(textOf(await page("budget"))).toContain("Correction, December 2, 2030: The total was wrong.");
    expect(parseRssFeed(await (await request("/rss.xml")).text()).items?.[0]?.content?.encoded).toContain("The total was wrong.");
    const moved = await send("POST", "/api/articles/budget/move", { to: "council-budget" });
    expect(moved.status).toBe(200);
    expect(textOf(await page("council-budget"))).toContain("Correction, December 2, 2030: The total was wrong.");
    const list = await (await request("/corrections")).text();
    expect(list).toContain(`href="/articles/council-budget#correction-${note.id}"`);
    expect(list).toContain("The budget, revised");
  });
});

describe("a save that races a correction", () => {
  const context = (db: D1Database): PublishContext => ({ db, site: siteFromEnv(env), clock, editor: "bo" });

  /** D1 that lets a correction land just before the save's own transaction, as a second editor's would. */
  function racingDb(slug: string): D1Database {
    let raced = false;
    return new Proxy(env.DB, {
      get(target, property) {
        if (property === "batch")
          return async (statements: D1PreparedStatement[]) => {
            if (!raced) {
              raced = true;
              const added = await addCorrection(context(env.DB), slug, { kind: "correction", text: "Landed meanwhile." });
              expect(added.ok).toBe(true);
            }
            return target.batch(statements);
          };
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }
  const input = (body: string): ArticleInput => {
    const parsed = parseArticleFile(articleFile({ title: "The budget" }, body));
    if (!parsed.ok) throw new Error("bad fixture");
    return parsed.value;
  };
  const storedNotes = async (slug: string) => {
    const row = await env.DB.prepare("SELECT record FROM articles WHERE slug = ?").bind(slug).first<{ record: string }>();
    return (JSON.parse(row?.record ?? "{}") as { corrections?: Array<{ text: string }> }).corrections?.map((note) => note.text);
  };

  it("never drops the note: with If-Match the save is refused, without it the save retries and keeps it", async () => {
    await publish("budget", { title: "The budget" });
    const etag = (await send("GET", "/api/articles/budget")).headers.get("ETag") ?? "";
    const refused = await saveArticle(context(racingDb("budget")), "budget", input("Edited text."), { ifMatch: etag });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.status).toBe(412);
    expect(await storedNotes("budget")).toEqual(["Landed meanwhile."]);

    const saved = await saveArticle(context(racingDb("budget")), "budget", input("Edited again."), {});
    expect(saved.ok && saved.outcome).toBe("updated");
    expect(await storedNotes("budget")).toEqual(["Landed meanwhile.", "Landed meanwhile."]);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM corrections").first<{ n: number }>())?.n).toBe(2);
  });
});

describe("editing and withdrawing a correction", () => {
  it("replaces the text only at the version If-Match names, and keeps every revision", async () => {
    await publish("budget");
    const note = await correct("budget", "The total was £3m.");
    const one = await send("GET", `/api/articles/budget/corrections/${note.id}`);
    expect(one.headers.get("ETag")).toBe(`"${note.version}"`);

    const before = await kvSnapshot();
    const stale = await send(
      "PUT",
      `/api/articles/budget/corrections/${note.id}`,
      { kind: "correction", text: "Other." },
      {
        "If-Match": '"not-the-version"',
      },
    );
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { details: Array<{ field: string }> }).details[0]?.field).toBe("If-Match");
    expect(await kvSnapshot()).toEqual(before);

    const edited = await send(
      "PUT",
      `/api/articles/budget/corrections/${note.id}`,
      { kind: "correction", text: "The total was £3.5m." },
      { "If-Match": `"${note.version}"` },
    );
    expect(edited.status).toBe(200);
    const newTag = edited.headers.get("ETag");
    expect(newTag).not.toBe(`"${note.version}"`);
    const html = await page("budget");
    expect(textOf(html)).toContain("Correction, December 2, 2030: The total was £3.5m.");
    expect(html).not.toContain("The total was £3m.");

    // The same text again changes nothing.
    const again = await send("PUT", `/api/articles/budget/corrections/${note.id}`, {
      kind: "correction",
      text: "The total was £3.5m.",
    });
    expect(((await again.json()) as { unchanged: boolean }).unchanged).toBe(true);
    expect(again.headers.get("ETag")).toBe(newTag);

    // The old ETag no longer works for a withdrawal either.
    const staleDelete = await send("DELETE", `/api/articles/budget/corrections/${note.id}`, undefined, {
      "If-Match": `"${note.version}"`,
    });
    expect(staleDelete.status).toBe(412);
    const withdrawn = await send("DELETE", `/api/articles/budget/corrections/${note.id}`, undefined, {
      "If-Match": newTag ?? "",
    });
    expect(withdrawn.status).toBe(200);
    expect(await page("budget")).not.toContain('class="corrections"');
    expect(jsonLd(await page("budget")).correction).toBeUndefined();
    expect((await send("GET", `/api/articles/budget/corrections/${note.id}`)).status).toBe(404);
    expect((await send("PUT", `/api/articles/budget/corrections/${note.id}`, { kind: "correction", text: "x" })).status).toBe(
      404,
    );

    const revisions = (await (await send("GET", `/api/articles/budget/corrections/${note.id}/revisions`)).json()) as {
      revisions: Array<{ action: string; text: string; editor: string }>;
    };
    expect(revisions.revisions.map((r) => [r.action, r.text])).toEqual([
      ["delete", "The total was £3.5m."],
      ["update", "The total was £3.5m."],
      ["create", "The total was £3m."],
    ]);
    expect(revisions.revisions.every((r) => r.editor === "ana")).toBe(true);
  });

  it("moves the feeds' dates again when a note is withdrawn", async () => {
    await publish("budget");
    const note = await correct("budget", "Wrong.");
    clock.advance(120_000);
    await send("DELETE", `/api/articles/budget/corrections/${note.id}`);
    const json = parseJsonFeed(await (await request("/feed.json")).json()).items?.[0];
    expect(json?.date_modified).toBe(stamp(clock.now()));
    expect(json?.content_html).not.toContain("Correction,");
  });

  it("lists an article's notes, oldest first", async () => {
    await publish("budget");
    const first = await correct("budget", "First.");
    clock.advance(1000);
    const second = await correct("budget", "Second.", "clarification");
    const list = (await (await send("GET", "/api/articles/budget/corrections")).json()) as { corrections: NoteView[] };
    expect(list.corrections.map((n) => [n.id, n.kind])).toEqual([
      [first.id, "correction"],
      [second.id, "clarification"],
    ]);
    const html = await page("budget");
    expect(html.indexOf("First.")).toBeLessThan(html.indexOf("Second."));
  });
});

describe("corrections on articles that are not public", () => {
  it("keeps a scheduled article's note until it goes live, then shows it everywhere", async () => {
    await publish("embargo", { title: "Embargoed", published: secondsFromNow(600) });
    const note = await correct("embargo", "A name was misspelt.");
    expect((await request("/articles/embargo")).status).toBe(404);
    expect(await (await request("/corrections")).text()).not.toContain("Embargoed");
    clock.advance(601_000);
    await runCron();
    await emptyCache();
    expect(textOf(await page("embargo"))).toContain("Correction, December 2, 2030: A name was misspelt.");
    const list = await (await request("/corrections")).text();
    expect(list).toContain(`href="/articles/embargo#correction-${note.id}"`);
    expect(parseRssFeed(await (await request("/rss.xml")).text()).items?.[0]?.content?.encoded).toContain("A name was misspelt.");
  });

  it("stores a trashed article's note without showing it, and shows it when the article is restored", async () => {
    await publish("removed", { title: "Removed story" });
    expect((await deleteArticle("removed")).status).toBe(200);
    const response = await send("POST", "/api/articles/removed/corrections", {
      kind: "correction",
      text: "Kept for the record.",
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { status: string }).status).toBe("trash");
    expect((await request("/articles/removed")).status).toBe(410);
    expect(await (await request("/corrections")).text()).not.toContain("Removed story");
    expect((await send("POST", "/api/articles/removed/restore")).status).toBe(200);
    await emptyCache();
    expect(textOf(await page("removed"))).toContain("Correction, December 2, 2030: Kept for the record.");
    expect(await (await request("/corrections")).text()).toContain("Removed story");
  });

  it("refuses a note on a draft, and writes nothing", async () => {
    await publish("unfinished", { draft: true });
    const before = await kvSnapshot();
    const response = await send("POST", "/api/articles/unfinished/corrections", { kind: "correction", text: "Nope." });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { details: Array<{ field: string; problem: string }> }).details[0]).toEqual({
      field: "slug",
      problem: "is a draft: correct its text instead, before it is published",
    });
    expect(await kvSnapshot()).toEqual(before);
  });
});

describe("bad input", () => {
  const cases: Array<[string, unknown, number, string]> = [
    ["an unknown kind", { kind: "retraction", text: "x" }, 400, "kind"],
    ["no kind", { text: "x" }, 400, "kind"],
    ["empty text", { kind: "correction", text: "   " }, 400, "text"],
    ["text that is not text", { kind: "correction", text: 42 }, 400, "text"],
    ["an unknown field", { kind: "correction", text: "x", editor: "mallory" }, 400, "editor"],
    ["oversized text", { kind: "correction", text: "word ".repeat(1000) }, 400, "text"],
    ["a heading", { kind: "correction", text: "# Big news" }, 400, "text"],
    ["two paragraphs", { kind: "correction", text: "One.\n\nTwo." }, 400, "text"],
    ["an image", { kind: "correction", text: "See ![x](https://evil.example/x.png)" }, 400, "text"],
    ["only a script", { kind: "correction", text: "<script>alert(1)</script>" }, 400, "text"],
    ["too much inline markup", { kind: "correction", text: "*a* ".repeat(150) }, 400, "text"],
    ["a control character", { kind: "correction", text: "a\u0000b" }, 400, "text"],
    ["a list, not an object", ["correction", "x"], 400, "kind"],
    ["broken JSON", "{", 400, "body"],
  ];
  for (const [name, body, status, field] of cases) {
    it(`refuses ${name}, naming the field, and writes nothing`, async () => {
      await publish("budget");
      const before = await kvSnapshot();
      const response = await send("POST", "/api/articles/budget/corrections", body);
      expect(response.status).toBe(status);
      const error = (await response.json()) as { error: string; details: Array<{ field: string; problem: string }> };
      expect(error.details[0]?.field).toBe(field);
      expect(error.details[0]?.problem.length).toBeGreaterThan(3);
      expect(await kvSnapshot()).toEqual(before);
    });
  }

  it("refuses an unknown article, a bad slug or id, another content type, a huge body and no token", async () => {
    await publish("budget");
    const before = await kvSnapshot();
    const note = { kind: "correction", text: "x" };
    expect((await send("POST", "/api/articles/nowhere/corrections", note)).status).toBe(404);
    expect((await send("GET", "/api/articles/nowhere/corrections")).status).toBe(404);
    expect((await send("POST", "/api/articles/Bad_Slug/corrections", note)).status).toBe(400);
    expect((await send("PUT", "/api/articles/budget/corrections/not-an-id", note)).status).toBe(404);
    expect((await send("DELETE", `/api/articles/budget/corrections/${crypto.randomUUID()}`)).status).toBe(404);
    expect(
      (await send("POST", "/api/articles/budget/corrections", "kind=correction", { "Content-Type": "text/plain" })).status,
    ).toBe(415);
    const huge = JSON.stringify({ kind: "correction", text: "x".repeat(100_000) });
    expect((await send("POST", "/api/articles/budget/corrections", huge)).status).toBe(413);
    const anonymous = await request("/api/articles/budget/corrections", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(note),
    });
    expect(anonymous.status).toBe(401);
    expect(await kvSnapshot()).toEqual(before);
  });

  it("sanitizes a hostile link, and escapes HTML in the text wherever it goes", async () => {
    await publish("budget");
    await correct("budget", 'See [this](javascript:alert(1)) and <img src=x onerror="alert(1)"> & <b onclick="x()">that</b>.');
    const html = await page("budget");
    const notes = /<section class="corrections"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    expect(notes).toContain("See");
    expect(notes).not.toMatch(/javascript:|onerror|onclick|<img/);
    const feed = await (await request("/corrections/rss.xml")).text();
    expect(XMLValidator.validate(feed)).toBe(true);
    expect(parseRssFeed(feed).items?.[0]?.content?.encoded).not.toMatch(/javascript:|onerror|onclick/);
  });
});

describe("the corrections page and its feeds", () => {
  it("lists every public note, newest first, linked to its article, with three feeds", async () => {
    await publish("first-story", { title: "First story" });
    await publish("second-story", { title: "Second story" });
    const a = await correct("first-story", "A date was wrong.");
    clock.advance(3_600_000);
    const b = await correct("second-story", "A quote needed context.", "clarification");
    const response = await request("/corrections");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<h1>Corrections and clarifications</h1>");
    expect(html.indexOf(`#correction-${b.id}`)).toBeLessThan(html.indexOf(`#correction-${a.id}`));
    expect(html).toContain(`href="/articles/first-story#correction-${a.id}"`);
    expect(textOf(html)).toContain("Clarification, December 2, 2030");
    // Autodiscovery of its own feeds.
    expect(html).toContain(
      `<link rel="alternate" type="application/rss+xml" title="Corrections and clarifications · Broadsheet (RSS)" href="${SITE}/corrections/rss.xml"/>`,
    );
    expect(html).toContain(`href="${SITE}/corrections/atom.xml"`);
    expect(html).toContain(`href="${SITE}/corrections/feed.json"`);

    const rss = await request("/corrections/rss.xml");
    expect(rss.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
    const rssFeed = parseRssFeed(await rss.text());
    expect(rssFeed.title).toBe("Corrections and clarifications · Broadsheet");
    expect(rssFeed.items?.map((i) => [i.title, i.link, i.guid?.value])).toEqual([
      ["Clarification: Second story", `${SITE}/articles/second-story#correction-${b.id}`, `urn:uuid:${b.id}`],
      ["Correction: First story", `${SITE}/articles/first-story#correction-${a.id}`, `urn:uuid:${a.id}`],
    ]);
    expect(rssFeed.items?.[0]?.content?.encoded).toContain("Clarification, December 2, 2030:</strong> A quote needed context.");

    const atom = parseAtomFeed(await (await request("/corrections/atom.xml")).text());
    expect(atom.entries?.map((e) => e.id)).toEqual([`urn:uuid:${b.id}`, `urn:uuid:${a.id}`]);
    expect(atom.updated).toBe(stamp(clock.now()));
    const json = parseJsonFeed(await (await request("/corrections/feed.json")).json());
    expect(json.home_page_url).toBe(`${SITE}/corrections`);
    expect(json.items?.map((i) => i.summary)).toEqual(["A quote needed context.", "A date was wrong."]);
  });

  it("answers GET, HEAD and conditional requests like every document, and is purged when a note changes", async () => {
    await publish("budget", { title: "The budget" });
    for (const path of ["/corrections", "/corrections/rss.xml", "/corrections/atom.xml", "/corrections/feed.json"]) {
      const first = await request(path);
      expect(first.status, path).toBe(200);
      const etag = first.headers.get("ETag") ?? "";
      expect(etag, path).toMatch(/^"/);
      expect(first.headers.get("Cache-Control"), path).toContain("public");
      expect((await request(path, { headers: { "If-None-Match": etag } })).status, path).toBe(304);
      const head = await request(path, { method: "HEAD" });
      expect(head.status, path).toBe(200);
      expect(await head.text(), path).toBe("");
      expect((await request(path, { method: "POST" })).status, path).toBe(405);
    }
    const cachedPage = await (await request("/corrections")).text();
    expect(cachedPage).toContain("No corrections or clarifications have been published.");
    await correct("budget", "Now there is one.");
    // Served from the cache before: the change purged it.
    const after = await (await request("/corrections")).text();
    expect(after).toContain("Now there is one.");
    // One KV read on a miss.
    await emptyCache();
    expect((await request("/corrections/feed.json")).headers.get("Server-Timing")).toBe('kv;desc="reads=1 lists=0"');
  });

  it("is linked from every page's footer", async () => {
    await publish("budget", { title: "The budget", tags: ["Money"] });
    for (const path of ["/", "/articles/budget", "/tags/money", "/corrections", "/no-such-page"]) {
      expect(await (await request(path)).text(), path).toContain('<a href="/corrections">Corrections and clarifications</a>');
    }
  });
});

describe("the desk", () => {
  /** Signs in through the desk's form and returns the session cookie. */
  async function signIn(): Promise<string> {
    const response = await form("/desk/sign-in", { token: TOKEN, next: "/desk" }, "");
    expect(response.status).toBe(303);
    return (response.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
  }
  function form(path: string, fields: Record<string, string>, cookie: string): Promise<Response> {
    return request(path, {
      method: "POST",
      body: new URLSearchParams(fields),
      redirect: "manual",
      headers: { Origin: SITE, Cookie: cookie, Accept: "text/html", "CF-Connecting-IP": "192.0.2.9" },
    });
  }
  const editor = async (slug: string, cookie: string) =>
    (await request(`/desk/articles/${slug}`, { headers: { Cookie: cookie, Accept: "text/html" } })).text();

  it("lists an article's notes beside it, adds one with a short form, and withdraws one", async () => {
    await publish("budget", { title: "The budget" });
    const cookie = await signIn();
    expect(await editor("budget", cookie)).toContain('<form method="post" action="/desk/articles/budget/corrections"');

    const added = await form(
      "/desk/articles/budget/corrections",
      { kind: "clarification", text: "Context\r\nwas missing." },
      cookie,
    );
    expect(added.status).toBe(303);
    expect(added.headers.get("Location")).toBe("/desk/articles/budget?n=corrected#corrections-heading");
    const html = await (await request(added.headers.get("Location") ?? "", { headers: { Cookie: cookie } })).text();
    expect(html).toContain("Note published.");
    // Stored with LF line ends, as the desk stores every text.
    expect(html).toContain("(ana): Context\nwas missing.");
    expect(textOf(await page("budget"))).toContain("Clarification, December 2, 2030: Context was missing.");

    const before = await kvSnapshot();
    const refused = await form("/desk/articles/budget/corrections", { kind: "correction", text: "# A heading" }, cookie);
    expect(refused.status).toBe(400);
    const again = await refused.text();
    expect(again).toContain('id="correction-text-error"');
    expect(again).toContain("# A heading");
    expect(await kvSnapshot()).toEqual(before);

    const [note] = (await listed("budget")).corrections;
    const stale = await form(`/desk/articles/budget/corrections/${note?.id}/withdraw`, { version: "stale" }, cookie);
    expect(stale.status).toBe(409);
    const withdrawn = await form(
      `/desk/articles/budget/corrections/${note?.id}/withdraw`,
      { version: note?.version ?? "" },
      cookie,
    );
    expect(withdrawn.status).toBe(303);
    expect(await page("budget")).not.toContain("Context was missing.");
  });

  it("offers no form on a draft, and refuses a post to one", async () => {
    await publish("unfinished", { draft: true });
    const cookie = await signIn();
    const html = await editor("unfinished", cookie);
    expect(html).not.toContain('action="/desk/articles/unfinished/corrections"');
    expect(html).toContain("A draft has no corrections");
    expect((await form("/desk/articles/unfinished/corrections", { kind: "correction", text: "x" }, cookie)).status).toBe(400);
  });
});

async function listed(slug: string): Promise<{ corrections: NoteView[] }> {
  return (await (await send("GET", `/api/articles/${slug}/corrections`)).json()) as { corrections: NoteView[] };
}
