/**
 * Redirects from old paths (issue 26): the editors' API (PUT, GET, DELETE /api/redirects), chains
 * collapsed to one hop, loops refused, bad values refused naming the field, and the reader's 301
 * in one KV read, through real requests on real D1, KV and Cache API.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { kvSnapshot, publish, request, requestOnly, SITE, TOKEN } from "./helpers";

vi.setConfig({ testTimeout: 30_000 });

const AUTH = { Authorization: `Bearer ${TOKEN}` };

const put = (redirects: unknown, headers: Record<string, string> = AUTH) =>
  request("/api/redirects", {
    method: "PUT",
    headers: { ...headers, "Content-Type": "application/json" },
    body: typeof redirects === "string" ? redirects : JSON.stringify(redirects),
  });

async function putOk(redirects: unknown): Promise<{ redirects: Array<{ from: string; to: string }>; changed: number }> {
  const response = await put(redirects);
  if (response.status !== 200) throw new Error(`PUT /api/redirects: ${response.status} ${await response.text()}`);
  return (await response.json()) as { redirects: Array<{ from: string; to: string }>; changed: number };
}

const list = async (query = "") => {
  const response = await request(`/api/redirects${query}`, { headers: AUTH });
  expect(response.status).toBe(200);
  return (await response.json()) as { redirects: Array<{ from: string; to: string }>; cursor?: string };
};

const storedRows = async () =>
  (await env.DB.prepare("SELECT from_path, to_location FROM path_redirects ORDER BY from_path").all()).results;

describe("a redirect from an old path", () => {
  it("answers 301 to the new path with one KV read, and the API lists it", async () => {
    await publish("new-home", { title: "New home" });
    const stored = await putOk([{ from: "/2019/03/old-post/", to: "/articles/new-home" }]);
    expect(stored.redirects).toEqual([{ from: "/2019/03/old-post", to: "/articles/new-home" }]);
    for (const path of ["/2019/03/old-post/", "/2019/03/old-post"]) {
      const response = await request(path);
      expect(response.status, path).toBe(301);
      expect(response.headers.get("Location"), path).toBe("https://news.example/articles/new-home");
      expect(response.headers.get("Cache-Tag"), path).toBe("redirects");
    }
    // A cache miss costs one KV read: the redirect document keyed by the path.
    const fresh = await request("/2019/03/old-post?");
    expect(fresh.status).toBe(301);
    const miss = await request("/2019/03/old-post/", { headers: { "Cache-Control": "no-cache" } });
    expect(miss.status).toBe(301);
    expect((await list()).redirects).toMatchObject([{ from: "/2019/03/old-post", to: "/articles/new-home" }]);
  });

  it("costs one KV read on a miss, the same as a 404 does", async () => {
    await putOk([{ from: "/gone-somewhere", to: "https://elsewhere.example/page?a=1" }]);
    const redirected = await request("/gone-somewhere");
    expect(redirected.status).toBe(301);
    expect(redirected.headers.get("Location")).toBe("https://elsewhere.example/page?a=1");
    expect(redirected.headers.get("Server-Timing")).toBe('kv;desc="reads=1 lists=0"');
    const missing = await request("/never-was");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("Server-Timing")).toBe('kv;desc="reads=1 lists=0"');
  });

  it("answers an old ?p=ID link, and still sends other queries to the canonical URL", async () => {
    await publish("by-id", { title: "By id" });
    await putOk([{ from: "/?p=123", to: "/articles/by-id" }]);
    const old = await request("/?p=123");
    expect(old.status).toBe(301);
    expect(old.headers.get("Location")).toBe("https://news.example/articles/by-id");
    const other = await request("/?p=124");
    expect(other.status).toBe(301);
    expect(other.headers.get("Location")).toBe("https://news.example/");
    const tracking = await request("/?utm_source=x");
    expect(tracking.headers.get("Location")).toBe("https://news.example/");
  });

  it("replaces a cached 404 once the redirect is stored, and a cached 301 once it is deleted", async () => {
    expect((await request("/retired")).status).toBe(404);
    await putOk([{ from: "/retired", to: "/" }]);
    const now = await request("/retired");
    expect(now.status).toBe(301);
    expect(now.headers.get("Location")).toBe("https://news.example/");
    const deleted = await request(`/api/redirects?from=${encodeURIComponent("/retired")}`, { method: "DELETE", headers: AUTH });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ from: "/retired", deleted: true });
    expect((await request("/retired")).status).toBe(404);
    const again = await request(`/api/redirects?from=${encodeURIComponent("/retired")}`, { method: "DELETE", headers: AUTH });
    expect(again.status).toBe(404);
  });

  it("refuses a path too long for a KV key, and never looks one up", async () => {
    const long = `/${"very-long-segment/".repeat(40)}end`;
    const response = await put([{ from: long, to: "/" }]);
    expect(response.status).toBe(400);
    const missing = await request(long);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("Server-Timing")).toBe('kv;desc="reads=0 lists=0"');
  });
});

describe("chains and loops", () => {
  it("collapses chains to one hop, whichever end is stored first", async () => {
    await putOk([{ from: "/a", to: "/b" }]);
    const second = await putOk([{ from: "/b", to: "/c" }]);
    expect(second.changed).toBe(2);
    await putOk([{ from: "/z", to: "/a" }]);
    expect(await storedRows()).toEqual([
      { from_path: "/a", to_location: "/c" },
      { from_path: "/b", to_location: "/c" },
      { from_path: "/z", to_location: "/c" },
    ]);
    for (const path of ["/a", "/b", "/z"])
      expect((await request(path)).headers.get("Location"), path).toBe("https://news.example/c");
  });

  it("follow a renamed article in the rename's own batch: an old path never takes two hops", async () => {
    await publish("harbour-plan", { title: "Harbour plan" });
    await putOk([
      { from: "/2019/03/harbour-plan", to: "/articles/harbour-plan" },
      { from: "/?p=12", to: "/articles/harbour-plan#comments" },
      { from: "/elsewhere", to: "/articles/harbour-plan-b" },
    ]);
    const moved = await request("/api/articles/harbour-plan/move", {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ to: "harbour-plan-approved" }),
    });
    expect(moved.status).toBe(200);
    expect(await storedRows()).toEqual(
      [
        { from_path: "/2019/03/harbour-plan", to_location: "/articles/harbour-plan-approved" },
        { from_path: "/?p=12", to_location: "/articles/harbour-plan-approved#comments" },
        // A path that only starts like the old one is another page: untouched.
        { from_path: "/elsewhere", to_location: "/articles/harbour-plan-b" },
      ].sort((a, b) => (a.from_path < b.from_path ? -1 : 1)),
    );
    // The reader answers the new page at once, in one hop, not through the renamed slug's own redirect.
    const old = await request("/2019/03/harbour-plan");
    expect(old.status).toBe(301);
    expect(old.headers.get("Location")).toBe("https://news.example/articles/harbour-plan-approved");
    expect((await request("/?p=12")).headers.get("Location")).toBe(
      "https://news.example/articles/harbour-plan-approved#comments",
    );
    expect((await request("/articles/harbour-plan-approved")).status).toBe(200);
  });

  it("are left as they were when a rename loses its race", async () => {
    await publish("harbour-plan", { title: "Harbour plan" });
    await putOk([{ from: "/2019/03/harbour-plan", to: "/articles/harbour-plan" }]);
    const moved = await request("/api/articles/harbour-plan/move", {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json", "If-Match": '"not-the-version"' },
      body: JSON.stringify({ to: "harbour-plan-approved" }),
    });
    expect(moved.status).toBe(412);
    expect(await storedRows()).toEqual([{ from_path: "/2019/03/harbour-plan", to_location: "/articles/harbour-plan" }]);
  });

  it("refuses a loop with 409 naming the field, and writes nothing", async () => {
    await putOk([{ from: "/a", to: "/b" }]);
    const before = { rows: await storedRows(), kv: await kvSnapshot() };
    for (const batch of [
      [{ from: "/b", to: "/a" }],
      [{ from: "/x", to: "/x/" }],
      [
        { from: "/c", to: "/d" },
        { from: "/d", to: "/c" },
      ],
    ]) {
      const response = await put(batch);
      expect(response.status, JSON.stringify(batch)).toBe(409);
      const body = (await response.json()) as { details: Array<{ field: string; problem: string }> };
      expect(body.details[0]?.field).toMatch(/^\[\d\]\.to$/);
      expect(body.details[0]?.problem).toContain("loop");
    }
    expect({ rows: await storedRows(), kv: await kvSnapshot() }).toEqual(before);
  });
});

describe("bad values", () => {
  it("are refused with 400 naming each field, and nothing is written", async () => {
    const cases: Array<[unknown, string]> = [
      [{ from: "https://evil.example/x", to: "/y" }, "[0].from"],
      [{ from: "//evil.example/x", to: "/y" }, "[0].from"],
      [{ from: "/x", to: "javascript:alert(1)" }, "[0].to"],
      [{ from: "/x", to: "JaVaScRiPt:alert(1)" }, "[0].to"],
      [{ from: "/x", to: "data:text/html,hi" }, "[0].to"],
      [{ from: "/x\r\nSet-Cookie: a=b", to: "/y" }, "[0].from"],
      [{ from: "/x", to: "/y\u0000" }, "[0].to"],
      [{ from: "/x", to: "https://user:pass@elsewhere.example/" }, "[0].to"],
      [{ from: "/articles/taken", to: "/y" }, "[0].from"],
      [{ from: "/x#frag", to: "/y" }, "[0].from"],
      [{ from: 5, to: "/y" }, "[0].from"],
      ["not an object", "[0]"],
    ];
    for (const [item, field] of cases) {
      const response = await put([item]);
      expect(response.status, JSON.stringify(item)).toBe(400);
      const body = (await response.json()) as { details: Array<{ field: string }> };
      expect(
        body.details.map((d) => d.field),
        JSON.stringify(item),
      ).toContain(field);
    }
    const tooMany = await put(Array.from({ length: 1001 }, (_, i) => ({ from: `/p/${i}`, to: "/" })));
    expect(tooMany.status).toBe(400);
    expect((await put("{")).status).toBe(400);
    expect((await put({ from: "/a", to: "/b" })).status).toBe(400);
    expect(await storedRows()).toEqual([]);
  });

  it("never answer 500, whatever the strings (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), async (from, to) => {
        const response = await put([{ from, to }]);
        expect([200, 400, 409]).toContain(response.status);
        if (response.status === 200) {
          const [stored] = ((await response.json()) as { redirects: Array<{ from: string; to: string }> }).redirects;
          expect(stored?.from.startsWith("/")).toBe(true);
          expect(stored?.to).toMatch(/^(\/(?![/\\])|https?:\/\/)/);
        }
      }),
      { numRuns: 25 },
    );
  });

  it("need a token, and the reader refuses to send a stored value anywhere but http(s)", async () => {
    expect((await put([{ from: "/a", to: "/b" }], {})).status).toBe(401);
    expect((await request("/api/redirects")).status).toBe(401);
  });
});

describe("listing", () => {
  it("pages through by prefix with an opaque cursor", async () => {
    await putOk(
      Array.from({ length: 5 }, (_, i) => ({ from: `/2019/0${i + 1}/post`, to: "/" })).concat([{ from: "/2020/01/x", to: "/" }]),
    );
    const first = await list("?prefix=/2019/&limit=2");
    expect(first.redirects.map((r) => r.from)).toEqual(["/2019/01/post", "/2019/02/post"]);
    expect(first.cursor).toBeDefined();
    const rest = await list(`?prefix=/2019/&limit=10&cursor=${first.cursor}`);
    expect(rest.redirects.map((r) => r.from)).toEqual(["/2019/03/post", "/2019/04/post", "/2019/05/post"]);
    expect(rest.cursor).toBeUndefined();
    const bad = await request("/api/redirects?cursor=%%%", { headers: AUTH });
    expect(bad.status).toBe(400);
    expect((await request("/api/redirects?limit=0", { headers: AUTH })).status).toBe(400);
  });

  it("takes 1,000 redirects in one request", async () => {
    const batch = Array.from({ length: 1000 }, (_, i) => ({ from: `/old/${i}/`, to: `/new/${i}` }));
    const stored = await putOk(batch);
    expect(stored.changed).toBe(1000);
    const response = await request("/old/999/");
    expect(response.headers.get("Location")).toBe("https://news.example/new/999");
  });
});

describe("the desk's Redirects page", () => {
  const desk = { Accept: "text/html", Origin: SITE };
  async function cookieFor(token: string): Promise<string> {
    const response = await requestOnly("/desk/sign-in", {
      method: "POST",
      redirect: "manual",
      headers: desk,
      body: new URLSearchParams({ token, next: "/desk" }),
    });
    return (response.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
  }
  const form = (cookie: string, path: string, fields: Record<string, string>) =>
    request(path, {
      method: "POST",
      redirect: "manual",
      headers: { ...desk, Cookie: cookie },
      body: new URLSearchParams(fields),
    });

  it("lists, adds and deletes, refusing bad values and loops on the page, writing nothing", async () => {
    const cookie = await cookieFor(TOKEN);
    await putOk([{ from: "/2019/03/old-post", to: "/articles/new-home" }]);
    const listed = await request("/desk/redirects", { headers: { ...desk, Cookie: cookie } });
    expect(listed.status).toBe(200);
    const html = await listed.text();
    expect(html).toContain("/2019/03/old-post");
    expect(html).toContain('href="/desk/redirects"');
    const added = await form(cookie, "/desk/redirects", { from: "/?p=7", to: "/articles/new-home" });
    expect(added.status).toBe(303);
    expect(added.headers.get("Location")).toBe("/desk/redirects?n=saved");
    expect((await request("/?p=7")).headers.get("Location")).toBe("https://news.example/articles/new-home");
    const before = await storedRows();
    for (const [fields, status, text] of [
      [{ from: "/x", to: "javascript:alert(1)" }, 400, "to"],
      [{ from: "https://elsewhere.example/x", to: "/y" }, 400, "from"],
      [{ from: "/articles/new-home", to: "/y" }, 400, "from"],
      [{ from: "/articles/new-home", to: "" }, 400, "to"],
    ] as const) {
      const refused = await form(cookie, "/desk/redirects", fields);
      expect(refused.status, JSON.stringify(fields)).toBe(status);
      const page = await refused.text();
      expect(page, JSON.stringify(fields)).toMatch(new RegExp(`role="alert"[^>]*><p>Not saved[^<]*${text} `));
    }
    await putOk([{ from: "/a", to: "/b" }]);
    const loop = await form(cookie, "/desk/redirects", { from: "/b", to: "/a" });
    expect(loop.status).toBe(409);
    // The form keeps what was typed.
    expect(await loop.text()).toContain('value="/b"');
    expect(await storedRows()).toEqual(
      [...before, { from_path: "/a", to_location: "/b" }].sort((x, y) => (String(x.from_path) < String(y.from_path) ? -1 : 1)),
    );
    const deleted = await form(cookie, "/desk/redirects/delete", { from: "/?p=7" });
    expect(deleted.status).toBe(303);
    // With no redirect, a query is dropped for the canonical URL: the home page, not the article.
    expect((await request("/?p=7")).headers.get("Location")).not.toContain("/articles/new-home");
    expect((await form(cookie, "/desk/redirects/delete", { from: "/?p=7" })).status).toBe(404);
    // A notice key that is no notice (nor an Object prototype's) shows none, and no 500.
    expect((await request("/desk/redirects?n=constructor", { headers: { ...desk, Cookie: cookie } })).status).toBe(200);
  });

  it("shows a contributor the list without its forms, and refuses their posts with 403", async () => {
    const made = await request("/api/people", {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Cleo Park", email: "cleo@news.example", role: "contributor" }),
    });
    const id = ((await made.json()) as { person: { id: string } }).person.id;
    const token = await request(`/api/people/${id}/tokens`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "laptop" }),
    });
    const cookie = await cookieFor(((await token.json()) as { token: string }).token);
    await putOk([{ from: "/2019/03/old-post", to: "/articles/new-home" }]);
    const page = await request("/desk/redirects", { headers: { ...desk, Cookie: cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/2019/03/old-post");
    expect(html).not.toContain("Add a redirect");
    expect(html).not.toContain("/desk/redirects/delete");
    expect((await form(cookie, "/desk/redirects", { from: "/x", to: "/y" })).status).toBe(403);
    expect((await form(cookie, "/desk/redirects/delete", { from: "/2019/03/old-post" })).status).toBe(403);
    expect(await storedRows()).toEqual([{ from_path: "/2019/03/old-post", to_location: "/articles/new-home" }]);
  });
});
