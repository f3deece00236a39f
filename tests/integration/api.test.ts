import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parseJsonFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/newsroom/api";
import {
  articleFile,
  clock,
  deleteArticle,
  kvSnapshot,
  OLD_TOKEN,
  publish,
  putArticle,
  request,
  runCron,
  SITE,
  secondsFromNow,
  TOKEN,
  worker,
} from "./helpers";

const authorized = { Authorization: `Bearer ${TOKEN}` };

describe("authentication", () => {
  it("refuses a request without a token with 401 and WWW-Authenticate", async () => {
    const response = await request("/api/articles");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm=/);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = (await response.json()) as { error: string; details: unknown[] };
    expect(body.error).toBe("A valid bearer token is required");
    expect(JSON.stringify(body)).not.toContain(TOKEN);
  });

  it("refuses a wrong token, and one of a different length, without revealing anything", async () => {
    for (const token of [`${TOKEN.slice(0, -1)}X`, "short", `${TOKEN}-and-more`]) {
      const response = await request("/api/articles", { headers: { Authorization: `Bearer ${token}` } });
      expect(response.status, token).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toBeTruthy();
      expect(await response.text()).not.toContain("test-token");
    }
  });

  it("answers a malformed Authorization header with 400 invalid_request (RFC 6750)", async () => {
    for (const header of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer two words"]) {
      const response = await request("/api/articles", { headers: { Authorization: header } });
      expect(response.status, header).toBe(400);
      expect(response.headers.get("WWW-Authenticate"), header).toContain('error="invalid_request"');
      expect(((await response.json()) as { error: string }).error).toBe("A valid bearer token is required");
    }
  });

  it("accepts every token in the rotation list", async () => {
    for (const token of [TOKEN, OLD_TOKEN]) {
      const response = await request("/api/articles", { headers: { Authorization: `Bearer ${token}` } });
      expect(response.status, token).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
    }
  });

  it("is never open when no EDITOR_TOKENS secret is set: the bootstrap tokens are refused", async () => {
    for (const tokens of [undefined, "", " , "]) {
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        new Request(`${SITE}/api/articles`, { headers: authorized }),
        // An unset secret is absent from env at run time, whatever the generated type says.
        { ...env, EDITOR_TOKENS: tokens as string },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe("A valid bearer token is required");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
    }
  });
});

describe("unknown API routes", () => {
  it("answer 404 in JSON, never cached", async () => {
    for (const [method, path] of [
      ["GET", "/api/nothing-here"],
      ["POST", "/api/articles/some-slug"],
      ["PATCH", "/api/articles"],
    ] as const) {
      const response = await request(path, { method, headers: authorized });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.headers.get("Cache-Control"), `${method} ${path}`).toBe("no-store");
      expect(((await response.json()) as { error: string }).error).toContain(path);
    }
  });
});

describe("publishing", () => {
  it("creates with 201, replaces with 200, and reports the URL, version and warnings", async () => {
    const created = await putArticle("first-post", articleFile({ title: "First" }));
    expect(created.status).toBe(201);
    const body = (await created.json()) as { url: string; version: string; warnings: string[]; created: boolean };
    expect(body.url).toBe(`${SITE}/articles/first-post`);
    expect(body.version).toMatch(/^[0-9a-f]{32}$/);
    expect(created.headers.get("ETag")).toBe(`"${body.version}"`);
    expect(created.headers.get("Location")).toBe(body.url);
    expect(body.warnings).toContain("summary: none given, so the first paragraph is used");

    const replaced = await putArticle("first-post", articleFile({ title: "First, corrected" }));
    expect(replaced.status).toBe(200);
    const page = await (await request("/articles/first-post")).text();
    expect(page).toContain("First, corrected");
  });

  it("accepts the same fields as JSON, with the same version as the file form", async () => {
    const fields = { title: "Same", published: "2025-01-15T10:00:00Z", category: "Tests", body: "Text.\n" };
    const asJson = await request("/api/articles/json-post", {
      method: "PUT",
      headers: { ...authorized, "Content-Type": "application/json" },
      body: JSON.stringify(fields),
    });
    expect(asJson.status).toBe(201);
    const asFile = await putArticle("file-post", articleFile({ title: "Same" }, "Text."));
    const [a, b] = (await Promise.all([asJson.json(), asFile.json()])) as Array<{ version: string }>;
    expect(a?.version).toBe(b?.version);
  });

  it("returns the stored article with its ETag, and lists every article with its status", async () => {
    await publish("live-one", { title: "Live" });
    await publish("draft-one", { title: "Draft", draft: true });
    await publish("later-one", { title: "Later", published: "2999-01-01T00:00:00Z" });

    const one = await request("/api/articles/live-one", { headers: authorized });
    expect(one.status).toBe(200);
    const stored = (await one.json()) as {
      slug: string;
      url: string;
      version: string;
      status: string;
      article: { title: string; body: string };
    };
    expect(stored.slug).toBe("live-one");
    expect(stored.url).toBe(`${SITE}/articles/live-one`);
    expect(stored.status).toBe("published");
    expect(stored.article.title).toBe("Live");
    expect(stored.article.body).toContain("A first paragraph");
    expect(one.headers.get("ETag")).toBe(`"${stored.version}"`);

    const list = (await (await request("/api/articles", { headers: authorized })).json()) as {
      articles: Array<{ slug: string; status: string; version: string }>;
    };
    const statuses = Object.fromEntries(list.articles.map((a) => [a.slug, a.status]));
    expect(statuses).toEqual({ "live-one": "published", "draft-one": "draft", "later-one": "scheduled" });
  });

  it("returns what the editor wrote, so a GET sent back as a PUT changes nothing", async () => {
    await publish("round-trip", { title: "Round trip", tags: ["a"], image: { alt: "A picture", caption: "A caption" } });
    const stored = (await (await request("/api/articles/round-trip", { headers: authorized })).json()) as {
      article: Record<string, unknown>;
    };
    expect(stored.article.summary).toBeUndefined();
    const again = await request("/api/articles/round-trip", {
      method: "PUT",
      headers: { ...authorized, "Content-Type": "application/json" },
      body: JSON.stringify(stored.article),
    });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { unchanged?: boolean }).unchanged).toBe(true);
  });

  it("stores titles and summaries that are long in bytes, shortening only the list metadata", async () => {
    const title = "頭".repeat(200);
    const summary = "🌍".repeat(250);
    const response = await putArticle("wide-characters", articleFile({ title, summary, category: "类".repeat(60) }));
    expect(response.status).toBe(201);
    const page = await (await request("/articles/wide-characters")).text();
    expect(page).toContain(title);
    const home = await (await request("/")).text();
    expect(home).toContain('href="/articles/wide-characters"');
    const list = (await (await request("/api/articles", { headers: authorized })).json()) as {
      articles: Array<{ slug: string }>;
    };
    expect(list.articles.map((a) => a.slug)).toEqual(["wide-characters"]);
  });

  it("does not rewrite an article whose content is unchanged", async () => {
    await publish("steady", { title: "Steady" });
    const before = await kvSnapshot();
    const again = await putArticle("steady", articleFile({ title: "Steady" }));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { unchanged?: boolean }).unchanged).toBe(true);
    expect(await kvSnapshot()).toEqual(before);
  });

  it("moves a deleted article to the trash: 410 Gone on its page, out of the lists and both feeds", async () => {
    await publish("doomed", { title: "Doomed story" });
    await publish("survivor", { title: "Survivor story" });
    expect((await request("/articles/doomed")).status).toBe(200);
    expect(await (await request("/")).text()).toContain("Doomed story");

    const deleted = await deleteArticle("doomed");
    expect(deleted.status).toBe(200);
    const gone = await request("/articles/doomed");
    expect(gone.status).toBe(410);
    expect(await gone.text()).not.toContain("Doomed story");
    const home = await (await request("/")).text();
    expect(home).not.toContain("Doomed story");
    expect(home).toContain("Survivor story");
    const rss = parseRssFeed(await (await request("/rss.xml")).text());
    expect(rss.items?.map((i) => i.title)).toEqual(["Survivor story"]);
    const json = parseJsonFeed(await (await request("/feed.json")).json());
    expect(json.items?.map((i) => i.title)).toEqual(["Survivor story"]);
    const list = (await (await request("/api/articles", { headers: authorized })).json()) as {
      articles: Array<{ slug: string; status: string }>;
    };
    expect(list.articles.find((a) => a.slug === "doomed")?.status).toBe("trash");
    // Nothing of the article is left in KV but the marker that answers 410.
    const kv = JSON.stringify(Object.entries(await kvSnapshot()).filter(([key]) => !key.startsWith("d1:")));
    expect(kv).not.toContain("Doomed story");
  });
});

describe("errors write nothing", () => {
  async function expectError(response: Response, status: number, field?: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get("Content-Type")).toContain("application/json");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = (await response.json()) as { error: string; details: Array<{ field: string; problem: string }> };
    expect(typeof body.error).toBe("string");
    expect(Array.isArray(body.details)).toBe(true);
    if (field !== undefined) expect(body.details.map((d) => d.field)).toContain(field);
    return body;
  }

  it("400 for a missing title, a bad date, broken frontmatter and an unknown field", async () => {
    await publish("existing", { title: "Existing" });
    const before = await kvSnapshot();
    const { title: _title, ...noTitle } = { title: "x", published: "2025-01-15T10:00:00Z", category: "Tests" };
    const missingTitle = await expectError(
      await putArticle("existing", articleFile({ ...noTitle, title: undefined })),
      400,
      "title",
    );
    expect(missingTitle.details.find((d) => d.field === "title")?.problem).toBe("is required");
    const badDate = await expectError(await putArticle("existing", articleFile({ published: "28/03/2025" })), 400, "published");
    expect(badDate.details[0]?.problem).toContain("time zone");
    await expectError(await putArticle("existing", "---\ntitle: [unclosed\n---\nBody"), 400, "frontmatter");
    await expectError(await putArticle("existing", articleFile({ categroy: "typo" })), 400, "categroy");
    await expectError(
      await request("/api/articles/existing", {
        method: "PUT",
        headers: { ...authorized, "Content-Type": "application/json" },
        body: "{not json",
      }),
      400,
      "body",
    );
    expect(await kvSnapshot()).toEqual(before);
  });

  it("400 for malformed slugs", async () => {
    const before = await kvSnapshot();
    for (const slug of ["Upper-Case", "caf%C3%A9", "two--hyphens", "-leading", "a_b", "x".repeat(101), "..%2Fx"]) {
      await expectError(await putArticle(slug, articleFile()), 400, "slug");
    }
    const traversal = await putArticle("..%2F..%2Fx", articleFile());
    expect([400, 404]).toContain(traversal.status);
    expect(await kvSnapshot()).toEqual(before);
  });

  it("401 for a bad token", async () => {
    const before = await kvSnapshot();
    const response = await request("/api/articles/sneaky", {
      method: "PUT",
      headers: { Authorization: "Bearer nope", "Content-Type": "text/markdown" },
      body: articleFile(),
    });
    await expectError(response, 401, "Authorization");
    expect(await kvSnapshot()).toEqual(before);
  });

  it("404 for reading or deleting an article that does not exist", async () => {
    const before = await kvSnapshot();
    await expectError(await request("/api/articles/ghost", { headers: authorized }), 404);
    await expectError(await deleteArticle("ghost"), 404);
    expect(await kvSnapshot()).toEqual(before);
  });

  it("412 when If-Match does not match the stored version", async () => {
    await publish("contested", { title: "Original" });
    const before = await kvSnapshot();
    await expectError(await putArticle("contested", articleFile({ title: "Mine" }), { "If-Match": '"0000"' }), 412, "If-Match");
    await expectError(await putArticle("new-one", articleFile(), { "If-Match": '"0000"' }), 412, "If-Match");
    await expectError(await putArticle("contested", articleFile(), { "If-None-Match": "*" }), 412, "If-None-Match");
    await expectError(await deleteArticle("contested", { "If-Match": '"0000"' }), 412, "If-Match");
    expect(await kvSnapshot()).toEqual(before);
  });

  it("413 for a body over the limit", async () => {
    const before = await kvSnapshot();
    const huge = articleFile({}, "x".repeat(MAX_BODY_BYTES + 1));
    await expectError(await putArticle("huge", huge), 413, "body");
    expect(await kvSnapshot()).toEqual(before);
  });

  it("415 for a content type that is neither Markdown nor JSON", async () => {
    const before = await kvSnapshot();
    for (const type of ["text/html", "application/x-www-form-urlencoded"]) {
      await expectError(await putArticle("wrong-type", articleFile(), { "Content-Type": type }), 415, "Content-Type");
    }
    expect(await kvSnapshot()).toEqual(before);
  });
});

describe("drafts and scheduling", () => {
  it("keeps a draft out of its page, the lists and the feeds", async () => {
    await publish("visible", { title: "Visible story" });
    await publish("secret", { title: "Secret draft", draft: true });
    expect((await request("/articles/secret")).status).toBe(404);
    expect(await (await request("/")).text()).not.toContain("Secret draft");
    expect(await (await request("/rss.xml")).text()).not.toContain("Secret draft");
    expect(await (await request("/feed.json")).text()).not.toContain("Secret draft");

    await publish("secret", { title: "Secret draft", draft: false });
    expect((await request("/articles/secret")).status).toBe(200);
    expect(await (await request("/")).text()).toContain("Secret draft");
  });

  it("hides a scheduled article until its time, then shows it once the cron has run, with no editor's action", async () => {
    await publish("now-story", { title: "Story of now" });
    await publish("future-story", { title: "Story of the future", published: secondsFromNow(2) });
    // Warm the caches while it is hidden: they must not keep it hidden past its time.
    expect((await request("/articles/future-story")).status).toBe(404);
    expect(await (await request("/")).text()).not.toContain("Story of the future");
    expect(await (await request("/rss.xml")).text()).not.toContain("Story of the future");
    expect(await (await request("/feed.json")).text()).not.toContain("Story of the future");

    clock.advance(2500);
    // The page goes live by itself; the lists and feeds are rebuilt by the cron's next run.
    expect((await request("/articles/future-story")).status).toBe(200);
    await runCron();
    expect(await (await request("/")).text()).toContain("Story of the future");
    expect(await (await request("/rss.xml")).text()).toContain("Story of the future");
    expect(await (await request("/feed.json")).text()).toContain("Story of the future");
  });
});

describe("concurrency", () => {
  it("keeps all 50 articles when 50 different slugs are PUT at once", async () => {
    const slugs = Array.from({ length: 50 }, (_, i) => `concurrent-${i}`);
    const responses = await Promise.all(
      slugs.map((slug, i) =>
        putArticle(
          slug,
          articleFile({ title: `Concurrent ${i}`, published: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString() }),
        ),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(slugs.map(() => 201));
    const list = (await (await request("/api/articles", { headers: authorized })).json()) as {
      articles: Array<{ slug: string }>;
    };
    expect(list.articles.map((a) => a.slug).sort()).toEqual([...slugs].sort());
    const rss = parseRssFeed(await (await request("/rss.xml")).text());
    const json = parseJsonFeed(await (await request("/feed.json")).json());
    // The feeds carry the latest 20: the 20 latest of the 50.
    const latest = slugs
      .slice(30)
      .reverse()
      .map((s) => `${SITE}/articles/${s}`);
    expect(rss.items?.map((i) => i.link)).toEqual(latest);
    expect(json.items?.map((i) => i.url)).toEqual(latest);
    const pages = [
      await (await request("/")).text(),
      await (await request("/page/2")).text(),
      await (await request("/page/3")).text(),
    ].join("");
    for (const slug of slugs) expect(pages).toContain(`/articles/${slug}"`);
  }, 60_000);

  it("gives one 200 and one 412 to two PUTs with the same If-Match", async () => {
    const created = await publish("shared-draft", { title: "Version 1" });
    const etag = created.headers.get("ETag") ?? "";
    const [a, b] = await Promise.all([
      putArticle("shared-draft", articleFile({ title: "Editor A" }), { "If-Match": etag }),
      putArticle("shared-draft", articleFile({ title: "Editor B" }), { "If-Match": etag }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const winner = a.status === 200 ? "Editor A" : "Editor B";
    const stored = (await (await request("/api/articles/shared-draft", { headers: authorized })).json()) as {
      article: { title: string };
    };
    expect(stored.article.title).toBe(winner);
  });
});
