/**
 * The desk inside workerd: sign-in, sessions, CSRF, the rate limit, every route's refusal without a
 * session, the editor's save and conflict, history, rename, trash and draft preview links.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SESSION_COOKIE, sealSession } from "../../src/newsroom/desk/session";
import { articleFile, clock, kvSnapshot, publish, putArticle, request, SITE, TOKEN } from "./helpers";

const HTML = { Accept: "text/html" };
/** A 1×1 PNG, made for this test. */
const PNG_1X1 = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
  (ch) => ch.charCodeAt(0),
);

/** Signs in as ana and returns the Cookie header for the session. */
async function signIn(token = TOKEN, address = "192.0.2.1"): Promise<string> {
  const response = await post("/desk/sign-in", { token, next: "/desk" }, "", { "CF-Connecting-IP": address });
  expect(response.status).toBe(303);
  const cookie = response.headers.get("Set-Cookie") ?? "";
  expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
  return cookie.split(";")[0] ?? "";
}

function post(
  path: string,
  fields: Record<string, string | string[]>,
  cookie: string,
  headers: Record<string, string> = {},
  settings: Partial<Env> = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
  }
  return request(
    path,
    {
      method: "POST",
      body,
      redirect: "manual",
      headers: { Origin: SITE, Cookie: cookie, ...HTML, ...headers },
    },
    settings,
  );
}

/** Uploads a file through the desk, as its script does. */
function upload(cookie: string, file: File, alt: string): Promise<Response> {
  const body = new FormData();
  body.set("file", file);
  body.set("alt", alt);
  return request("/desk/media", { method: "POST", body, headers: { Origin: SITE, Cookie: cookie, Accept: "application/json" } });
}

const get = (path: string, cookie: string, settings: Partial<Env> = {}) =>
  request(path, { headers: { Cookie: cookie, ...HTML }, redirect: "manual" }, settings);

/** The editor's form for a new article, as a browser would post it. */
function articleForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    title: "Harbour plans",
    slug: "harbour-plans",
    category: "Local",
    tags: "harbour, council",
    authors_other: "Ana Reyes",
    summary: "",
    published: "2026-01-05T09:30",
    body: "The council met.\r\n\r\nIt voted.",
    ...overrides,
  };
}

/** The fields the editor's form would post as it stands, read with workerd's HTMLRewriter. */
async function formFields(html: string): Promise<Record<string, string[]>> {
  const fields: Record<string, string[]> = {};
  const add = (name: string, value: string) => {
    fields[name] = [...(fields[name] ?? []), value];
  };
  let textarea: { name: string; text: string } | undefined;
  await new HTMLRewriter()
    .on("#article-form input", {
      element(input) {
        const name = input.getAttribute("name");
        const type = input.getAttribute("type");
        if (!name || (type === "checkbox" && !input.hasAttribute("checked"))) return;
        add(
          name,
          (input.getAttribute("value") ?? (type === "checkbox" ? "on" : "")).replaceAll("&quot;", '"').replaceAll("&amp;", "&"),
        );
      },
    })
    .on("#article-form textarea", {
      element(element) {
        const current = { name: element.getAttribute("name") ?? "", text: "" };
        textarea = current;
        element.onEndTag(() => add(current.name, current.text));
      },
      text(chunk) {
        if (textarea) textarea.text += chunk.text;
      },
    })
    .transform(new Response(html))
    .text();
  return fields;
}

/** The version the editor page was loaded with. */
async function versionOf(slug: string, cookie: string): Promise<string> {
  const html = await (await get(`/desk/articles/${slug}`, cookie)).text();
  return /name="version" value="([^"]+)"/.exec(html)?.[1] ?? "";
}

describe("headers and refusals", () => {
  it("sends every desk page uncached, unindexed, unframed, with a CSP that allows only this site's scripts", async () => {
    const response = await request("/desk/sign-in", { headers: HTML });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(response.headers.get("X-Robots-Tag")).toContain("noindex");
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    const csp = response.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  });

  it.each([
    ["GET", "/desk"],
    ["GET", "/desk/new"],
    ["GET", "/desk/articles/anything"],
    ["GET", "/desk/articles/anything/history"],
    ["POST", "/desk/new"],
    ["POST", "/desk/preview"],
    ["POST", "/desk/media"],
    ["POST", "/desk/articles/anything"],
    ["POST", "/desk/articles/anything/move"],
    ["POST", "/desk/articles/anything/trash"],
    ["POST", "/desk/articles/anything/restore"],
    ["POST", "/desk/articles/anything/preview-link"],
    ["POST", "/desk/articles/anything/revisions/1/restore"],
  ])("refuses %s %s without a session: a redirect to sign in for pages, 401 for fetches", async (method, path) => {
    const init = { method, redirect: "manual" as const, headers: { Origin: SITE } };
    const page = await request(path, { ...init, headers: { ...init.headers, "Sec-Fetch-Mode": "navigate" } });
    expect(page.status).toBe(303);
    expect(page.headers.get("Location")).toMatch(/^\/desk\/sign-in\?next=%2Fdesk/);
    const fetched = await request(path, {
      ...init,
      headers: { ...init.headers, "Sec-Fetch-Mode": "cors", Accept: "application/json" },
    });
    expect(fetched.status).toBe(401);
    expect(fetched.headers.get("Cache-Control")).toBe("private, no-store");
  });

  it("refuses a cross-origin POST with 403, even with a valid session, and writes nothing", async () => {
    const cookie = await signIn();
    const before = await kvSnapshot();
    const response = await post("/desk/new", articleForm(), cookie, { Origin: "https://evil.example" });
    expect(response.status).toBe(403);
    const noOrigin = await post("/desk/new", articleForm(), cookie, { Origin: "", "Sec-Fetch-Site": "cross-site" });
    expect(noOrigin.status).toBe(403);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM articles").first("n")).toBe(0);
    expect(await kvSnapshot()).toEqual(before);
  });

  it("refuses forged, expired and tampered session cookies", async () => {
    const forged = `${SESSION_COOKIE}=${await sealSession({ id: "s", editor: "ana", key: "x", expires: clock.now() + 60_000 }, "another-secret-0123456789abcdef0123")}`;
    expect((await get("/desk", forged)).status).toBe(303);
    const cookie = await signIn();
    expect((await get("/desk", cookie)).status).toBe(200);
    expect((await get("/desk", `${cookie}x`)).status).toBe(303);
    clock.advance(12 * 60 * 60 * 1000 + 1);
    expect((await get("/desk", cookie)).status).toBe(303);
  });

  it("ends a session when its token is removed from EDITOR_TOKENS", async () => {
    const cookie = await signIn();
    const response = await request(
      "/desk",
      { headers: { Cookie: cookie, ...HTML }, redirect: "manual" },
      { EDITOR_TOKENS: "ana:a-new-token-0123456789abcdef0123456789" },
    );
    expect(response.status).toBe(303);
  });

  it("is closed without DESK_SECRET", async () => {
    const response = await request("/desk/sign-in", { headers: HTML }, { DESK_SECRET: "" });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("DESK_SECRET");
  });
});

describe("sign-in", () => {
  it("gives a signed, HttpOnly, Secure, SameSite=Strict cookie that expires, and signs out", async () => {
    const response = await post("/desk/sign-in", { token: TOKEN, next: "/desk/new" }, "");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/desk/new");
    const cookie = response.headers.get("Set-Cookie") ?? "";
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toMatch(/Max-Age=43200/);
    const session = cookie.split(";")[0] ?? "";
    const page = await get("/desk", session);
    expect(await page.text()).toContain("ana");
    const out = await post("/desk/sign-out", {}, session);
    expect(out.status).toBe(303);
    expect(out.headers.get("Set-Cookie")).toMatch(/Max-Age=0/);
    // A copy of the cookie kept elsewhere no longer works; a new sign-in does.
    expect((await get("/desk", session)).status).toBe(303);
    expect((await get("/desk", await signIn())).status).toBe(200);
  });

  it("never sends an editor to another site after signing in", async () => {
    const response = await post("/desk/sign-in", { token: TOKEN, next: "//evil.example/desk" }, "");
    expect(response.headers.get("Location")).toBe("/desk");
  });

  it("refuses a wrong token with 401, and the 11th failure in a minute from one address with 429", async () => {
    for (let i = 0; i < 10; i++) {
      const response = await post("/desk/sign-in", { token: `wrong-${i}` }, "", { "CF-Connecting-IP": "198.51.100.7" });
      expect(response.status).toBe(401);
      expect(await response.text()).toContain("That token is not valid.");
    }
    const blocked = await post("/desk/sign-in", { token: TOKEN }, "", { "CF-Connecting-IP": "198.51.100.7" });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    // Another address is not held back; and a minute later the first may try again.
    expect((await post("/desk/sign-in", { token: TOKEN }, "", { "CF-Connecting-IP": "198.51.100.8" })).status).toBe(303);
    clock.advance(61_000);
    expect((await post("/desk/sign-in", { token: TOKEN }, "", { "CF-Connecting-IP": "198.51.100.7" })).status).toBe(303);
  });
});

describe("writing", () => {
  it("creates an article from the form, in the site's time zone, and lists it", async () => {
    const cookie = await signIn();
    const response = await post("/desk/new", articleForm({ draft: "on" }), cookie);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/desk/articles/harbour-plans?n=saved");
    const stored = await (await request("/api/articles/harbour-plans", { headers: { Authorization: `Bearer ${TOKEN}` } })).json<{
      article: { published: string; body: string; draft: boolean; authors: string[] };
      changedBy: string;
    }>();
    expect(stored.article.published).toBe("2026-01-05T09:30:00Z");
    expect(stored.article.body).toBe("The council met.\n\nIt voted.\n");
    expect(stored.article.draft).toBe(true);
    expect(stored.article.authors).toEqual(["Ana Reyes"]);
    expect(stored.changedBy).toBe("ana");
    const editor = await (await get("/desk/articles/harbour-plans?n=saved", cookie)).text();
    expect(editor).toContain("Saved. Draft: not public.");
    const list = await (await get("/desk?status=draft&q=harbour", cookie)).text();
    expect(list).toContain('href="/desk/articles/harbour-plans"');
    expect(await (await get("/desk?status=published", cookie)).text()).not.toContain("harbour-plans");
  });

  it("reads publication times in SITE_TIME_ZONE", async () => {
    const cookie = await signIn();
    await post("/desk/new", articleForm({ published: "2026-07-01T09:00" }), cookie, {}, { SITE_TIME_ZONE: "Europe/London" });
    const row = await env.DB.prepare("SELECT published_at FROM articles WHERE slug = 'harbour-plans'").first<{
      published_at: number;
    }>();
    expect(row?.published_at).toBe(Date.parse("2026-07-01T08:00:00Z"));
  });

  it("shows each problem beside its field, keeps what the editor typed, and writes nothing", async () => {
    const cookie = await signIn();
    const before = await kvSnapshot();
    const response = await post("/desk/new", articleForm({ title: "", category: "", published: "2026-02-30T10:00" }), cookie);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('id="title-error"');
    expect(html).toMatch(/id="title"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="title"/);
    expect(html).toContain('id="category-error"');
    expect(html).toContain('id="published-error"');
    expect(html).toContain("The council met.");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM articles").first("n")).toBe(0);
    expect(await kvSnapshot()).toEqual(before);
  });

  it("refuses a taken slug on the slug field", async () => {
    await publish("harbour-plans");
    const cookie = await signIn();
    const response = await post("/desk/new", articleForm(), cookie);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("is taken");
  });

  it("changes nothing when an article is opened and saved untouched", async () => {
    await putArticle(
      "night-ferry",
      articleFile(
        {
          title: "Night ferry",
          published: "2025-07-01T08:00:45Z",
          updated: "2025-07-02T10:00:00+02:00",
          category: "Local",
          authors: ["Zed Young", "Ana Lopez", "Guest Writer"],
          tags: ["ferries, boats", "night"],
          image: { url: "https://images.example/ferry.jpg", alt: "The ferry", caption: "At night" },
          // Live coverage's times round-trip too, seconds and offset included.
          live: { start: "2025-07-01T08:00:45Z", end: "2025-07-02T09:30:00+02:00" },
        },
        "The last ferry leaves at eleven.",
      ),
    );
    const cookie = await signIn();
    const london = { SITE_TIME_ZONE: "Europe/London" };
    const html = await (await get("/desk/articles/night-ferry", cookie, london)).text();
    const response = await post(
      "/desk/articles/night-ferry",
      await formFields(html),
      cookie,
      {},
      { SITE_TIME_ZONE: "Europe/London" },
    );
    expect(response.status).toBe(303);
    const revisions = await env.DB.prepare("SELECT COUNT(*) AS n FROM revisions").first("n");
    expect(revisions).toBe(1);
  });

  it("turns a save over someone else's into a conflict page with both versions, and saves nothing until asked", async () => {
    const cookie = await signIn();
    await post("/desk/new", articleForm(), cookie);
    const loaded = await versionOf("harbour-plans", cookie);
    // Someone else saves through the API meanwhile.
    await putArticle(
      "harbour-plans",
      articleFile({ title: "Harbour plans", category: "Local", published: "2026-01-05T09:30:00Z" }, "Their text."),
      {
        "If-Match": `"${loaded}"`,
      },
    );
    const theirs = await versionOf("harbour-plans", cookie);
    const mine = await post("/desk/articles/harbour-plans", articleForm({ version: loaded, body: "My text." }), cookie);
    expect(mine.status).toBe(409);
    const html = await mine.text();
    expect(html).toContain("This article changed while you were editing");
    expect(html).toContain("Their text.");
    expect(html).toContain("My text.");
    expect(html).toMatch(/<del>Their text\.<\/del>/);
    expect(html).toMatch(/<ins>My text\.<\/ins>/);
    expect(await versionOf("harbour-plans", cookie)).toBe(theirs);
    // "Keep my version" posts mine with their version: an explicit overwrite.
    const kept = await post("/desk/articles/harbour-plans", articleForm({ version: theirs, body: "My text." }), cookie);
    expect(kept.status).toBe(303);
    const history = await (await get("/desk/articles/harbour-plans/history", cookie)).text();
    expect(history.match(/<th scope="row">/g)).toHaveLength(3);
  });

  it("previews with the site's own pipeline, without storing anything", async () => {
    const cookie = await signIn();
    const before = await kvSnapshot();
    const response = await post("/desk/preview", articleForm({ body: "# A heading\n\nSome *emphasis*." }), cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'self'");
    const html = await response.text();
    expect(html).toContain("<em>emphasis</em>");
    expect(html).toContain("<h1>Harbour plans</h1>");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM articles").first("n")).toBe(0);
    expect(await kvSnapshot()).toEqual(before);
  });

  it("restores a revision, renames with a 301, and trashes and restores", async () => {
    const cookie = await signIn();
    await post("/desk/new", articleForm(), cookie);
    await post(
      "/desk/articles/harbour-plans",
      articleForm({ version: await versionOf("harbour-plans", cookie), body: "Second." }),
      cookie,
    );
    const first = await env.DB.prepare("SELECT MIN(id) AS id FROM revisions").first<{ id: number }>();
    const restored = await post(
      `/desk/articles/harbour-plans/revisions/${first?.id}/restore`,
      { version: await versionOf("harbour-plans", cookie) },
      cookie,
    );
    expect(restored.status).toBe(303);
    expect(await (await get(restored.headers.get("Location") ?? "", cookie)).text()).toContain(`Restored revision ${first?.id}.`);
    const diff = await (
      await get(`/desk/articles/harbour-plans/history?from=${first?.id}&to=${(first?.id ?? 0) + 1}`, cookie)
    ).text();
    expect(diff).toContain("<ins>Second.</ins>");

    const moved = await post(
      "/desk/articles/harbour-plans/move",
      { to: "harbour-vote", version: await versionOf("harbour-plans", cookie) },
      cookie,
    );
    expect(moved.headers.get("Location")).toBe("/desk/articles/harbour-vote?n=renamed&from=harbour-plans");
    expect(await (await get(moved.headers.get("Location") ?? "", cookie)).text()).toContain(
      "/articles/harbour-plans now redirects (301) to /articles/harbour-vote.",
    );
    const old = await request("/articles/harbour-plans", { redirect: "manual" });
    expect(old.status).toBe(301);

    const trashed = await post("/desk/articles/harbour-vote/trash", { version: await versionOf("harbour-vote", cookie) }, cookie);
    expect(trashed.status).toBe(303);
    expect(await (await get("/desk?status=trash", cookie)).text()).toContain("harbour-vote");
    expect(await (await get("/desk", cookie)).text()).not.toContain("harbour-vote");
    const back = await post("/desk/articles/harbour-vote/restore", {}, cookie);
    expect(back.status).toBe(303);
    expect(await (await get("/desk", cookie)).text()).toContain("harbour-vote");
  });
});

describe("authors and sections", () => {
  it("adds, edits and deletes an author's profile, which the editor then offers as a byline", async () => {
    const cookie = await signIn();
    const added = await post(
      "/desk/authors",
      { name: "Kim Lee", bio: "Covers the courts.\r\nAnd the council.", url: "", photoUrl: "" },
      cookie,
    );
    expect(added.status).toBe(303);
    expect(added.headers.get("Location")).toBe("/desk/authors/kim-lee?n=saved");
    const api = await (await request("/api/authors/kim-lee", { headers: { Authorization: `Bearer ${TOKEN}` } })).json<{
      bio: string;
    }>();
    expect(api.bio).toBe("Covers the courts.\nAnd the council.");
    expect(await (await get("/desk/new", cookie)).text()).toMatch(/type="checkbox"[^>]*name="authors"[^>]*value="Kim Lee"/);

    const bad = await post("/desk/authors/kim-lee", { name: "Kim Lee", bio: "", url: "not a url", photoUrl: "" }, cookie);
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('id="url-error"');
    expect(html).toContain('aria-invalid="true"');
    const again = await post("/desk/authors", { name: "kim lee", bio: "", url: "", photoUrl: "" }, cookie);
    expect(again.status).toBe(409);

    const deleted = await post("/desk/authors/kim-lee/delete", {}, cookie);
    expect(deleted.status).toBe(200);
    expect(await deleted.text()).toContain("Deleted the profile of Kim Lee.");
    expect((await request("/api/authors/kim-lee", { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it("refuses to delete an author who still has articles, saying how many", async () => {
    await publish("courts-today", { authors: ["Kim Lee"] });
    const cookie = await signIn();
    const response = await post("/desk/authors/kim-lee/delete", {}, cookie);
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("1 article(s)");
  });

  it("renames a section and moves it in the navigation", async () => {
    await publish("harbour-plans", { category: "Local" });
    const cookie = await signIn();
    const saved = await post("/desk/sections/local", { name: "Around town", position: "3" }, cookie);
    expect(saved.status).toBe(303);
    const sections = await (await request("/api/sections", { headers: { Authorization: `Bearer ${TOKEN}` } })).json<{
      sections: { slug: string; name: string; position: number }[];
    }>();
    expect(sections.sections).toContainEqual({ slug: "local", name: "Around town", position: 3 });
    const refused = await post("/desk/sections/local", { name: "", position: "-1" }, cookie);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Not saved:");
  });
});

describe("the list", () => {
  it("pages through every article, 100 at a time, keeping the filters", async () => {
    // Rows written straight into D1: the list reads only the articles table, and 101 saves through
    // the API would each rebuild the read model.
    const insert = env.DB.prepare(
      `INSERT INTO articles (id, slug, feed_id, version, revision, write_id, title, section_slug, published_at, modified_at,
         draft, input, record, entry, rss_item, json_item, created_at, created_by, changed_at, changed_by)
       VALUES (?1, ?2, ?2, 'v', 1, 'w', ?3, 'local', 0, 0, 1, '{}', '{}', '{}', '', '', 0, 'ana', ?4, 'ana')`,
    );
    await env.DB.batch(
      Array.from({ length: 101 }, (_, i) => insert.bind(`id-${i}`, `draft-${i}`, `Draft number ${i}`, clock.now() - i * 1000)),
    );
    const cookie = await signIn();
    const first = await (await get("/desk?status=draft", cookie)).text();
    expect(first.match(/<th scope="row">/g)).toHaveLength(100);
    expect(first).toContain(">Draft number 0<");
    expect(first).not.toContain(">Draft number 100<");
    expect(first).toContain('href="/desk?status=draft&amp;page=2"');
    const second = await (await get("/desk?status=draft&page=2", cookie)).text();
    expect(second.match(/<th scope="row">/g)).toHaveLength(1);
    expect(second).toContain(">Draft number 100<");
    expect(second).toContain('href="/desk?status=draft"');
    expect(second).not.toContain("page=3");
  });
});

describe("draft preview links", () => {
  async function linkFor(cookie: string): Promise<string> {
    await post("/desk/new", articleForm({ draft: "on", body: "Secret draft text." }), cookie);
    const html = await (await post("/desk/articles/harbour-plans/preview-link", {}, cookie)).text();
    const url = /id="preview-link"[^>]*value="([^"]+)"/.exec(html)?.[1] ?? "";
    expect(url).toMatch(/^https:\/\/news\.example\/preview\//);
    return url.replaceAll("&amp;", "&");
  }

  it("shows a draft to anyone with the link, uncached and unindexed, for 24 hours", async () => {
    const url = await linkFor(await signIn());
    const response = await request(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Secret draft text.");
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(response.headers.get("X-Robots-Tag")).toContain("noindex");
    expect((await request("/articles/harbour-plans")).status).toBe(404);
    clock.advance(24 * 60 * 60 * 1000 + 1000);
    expect((await request(url)).status).toBe(410);
  });

  it("lasts as long as the editor chose, from an hour to a week", async () => {
    const cookie = await signIn();
    await post("/desk/new", articleForm({ draft: "on" }), cookie);
    const html = await (await post("/desk/articles/harbour-plans/preview-link", { hours: "1" }, cookie)).text();
    const url = (/id="preview-link"[^>]*value="([^"]+)"/.exec(html)?.[1] ?? "").replaceAll("&amp;", "&");
    expect(Number(/expires=(\d+)/.exec(url)?.[1]) * 1000).toBe(Math.floor(clock.now() / 1000) * 1000 + 3600_000);
    clock.advance(3600_000 + 1000);
    expect((await request(url)).status).toBe(410);
    // Anything else asked for is the default day.
    const other = await (await post("/desk/articles/harbour-plans/preview-link", { hours: "9999" }, cookie)).text();
    expect(Number(/expires=(\d+)/.exec(other)?.[1]) * 1000).toBe(Math.floor(clock.now() / 1000) * 1000 + 86_400_000);
  });

  it("refuses forged and tampered links", async () => {
    const url = await linkFor(await signIn());
    // Always a different first character: replacing it with a fixed "A" left 1 link in 64 unchanged.
    expect((await request(url.replace(/sig=(.)/, (_, c: string) => `sig=${c === "A" ? "B" : "A"}`))).status).toBe(403);
    expect((await request(url.replace(/expires=(\d+)/, (_, n) => `expires=${Number(n) + 3600}`))).status).toBe(403);
    expect((await request("/preview/some-id?expires=9999999999&sig=abc")).status).toBe(403);
  });
});

describe("uploads through the desk", () => {
  it("refuses a file that is not an image, or has a lying extension, and writes nothing to R2", async () => {
    const cookie = await signIn();
    const response = await upload(
      cookie,
      new File([new TextEncoder().encode("<svg xmlns='http://www.w3.org/2000/svg'/>")], "photo.png", { type: "image/png" }),
      "A photo",
    );
    expect(response.status).toBe(415);
    expect((await env.MEDIA.list()).objects).toHaveLength(0);
  });

  it("takes images up to 10 MiB, like the API, and refuses a larger one with 413, writing nothing", async () => {
    const cookie = await signIn();
    const response = await upload(
      cookie,
      new File([new Uint8Array(10 * 1024 * 1024 + 1)], "huge.jpg", { type: "image/jpeg" }),
      "Too big",
    );
    expect(response.status).toBe(413);
    expect((await env.MEDIA.list()).objects).toHaveLength(0);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM revisions").first("n")).toBe(0);
  });

  it("refuses an upload without alt text, naming the field", async () => {
    const cookie = await signIn();
    const response = await upload(cookie, new File([PNG_1X1], "dot.png", { type: "image/png" }), " ");
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('"field":"alt"');
    expect((await env.MEDIA.list()).objects).toHaveLength(0);
  });

  it("stores a real image uploaded through the desk, for the signed-in editor", async () => {
    const cookie = await signIn();
    const response = await upload(cookie, new File([PNG_1X1], "dot.png", { type: "image/png" }), "A dot");
    expect(response.status).toBe(201);
    const media = await response.json<{ url: string; width: number; height: number }>();
    expect(media.url).toMatch(/^\/media\/[0-9a-f]{32}\.png$/);
    expect([media.width, media.height]).toEqual([1, 1]);
  });
});
