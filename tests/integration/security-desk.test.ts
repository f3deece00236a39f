/**
 * Issue 19, classes 4–7 at the desk and the API: bodies that are no form, long title searches,
 * unsafe redirect targets, and URL fields without a limit. Every desk POST route is taken from the
 * desk's own route table, so a form added later is covered without editing this file.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/core/limits";
import { deskRoutes } from "../../src/newsroom/desk";
import { safeNext } from "../../src/newsroom/desk/guard";
import { SESSION_COOKIE } from "../../src/newsroom/desk/session";
import { kvSnapshot, publish, request, SITE, TOKEN } from "./helpers";

const FROM_DESK = { Origin: SITE, Accept: "text/html" };
const api = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };

async function signIn(): Promise<string> {
  const response = await request("/desk/sign-in", {
    method: "POST",
    body: new URLSearchParams({ token: TOKEN, next: "/desk" }),
    redirect: "manual",
    headers: FROM_DESK,
  });
  expect(response.status).toBe(303);
  return (response.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
}

/** An article, an author and a section, so every route's parameters name something real. */
async function seed(): Promise<void> {
  await publish("harbour-plans", { title: "Harbour plans", category: "Local" });
  const author = await request("/api/authors/kim-lee", {
    method: "PUT",
    headers: api,
    body: JSON.stringify({ name: "Kim Lee" }),
  });
  expect(author.status).toBe(201);
}

/** Every POST route of the desk, with its parameters filled in. */
const deskPosts = [
  ...new Set(
    deskRoutes.routes
      .filter((route) => route.method === "POST")
      .map((route) =>
        `/desk${route.path}`
          .replace(":slug{", ":x{")
          .replace(/\/articles\/:slug/, "/articles/harbour-plans")
          .replace(/\/authors\/:slug/, "/authors/kim-lee")
          .replace(/\/sections\/:slug/, "/sections/local")
          .replace(/:id(\{[^}]*\})?/, "1")
          .replace(/:link(\{[^}]*\})?/, "not-a-signed-link"),
      ),
  ),
];

/** Bodies that are no form: JSON, text, nothing at all, and multipart that cannot be read. */
const NOT_FORMS: [string, RequestInit][] = [
  ["JSON", { body: JSON.stringify({ token: TOKEN }), headers: { "Content-Type": "application/json" } }],
  ["plain text", { body: "token=abc", headers: { "Content-Type": "text/plain" } }],
  ["an empty body without a type", { body: "" }],
  ["multipart without a boundary", { body: "x", headers: { "Content-Type": "multipart/form-data" } }],
  ["broken multipart", { body: "--b\r\nContent-Disp", headers: { "Content-Type": "multipart/form-data; boundary=b" } }],
  ["empty multipart", { body: "", headers: { "Content-Type": "multipart/form-data; boundary=b" } }],
];

describe("desk forms and bodies that are no form", () => {
  it("covers every desk POST route", () => {
    expect(deskPosts).toEqual(
      expect.arrayContaining([
        "/desk/sign-in",
        "/desk/new",
        "/desk/articles/harbour-plans",
        "/desk/sections/local",
        "/desk/media",
      ]),
    );
    expect(deskPosts.every((path) => !path.includes(":"))).toBe(true);
  });

  it("answers 400 or 415 at every form, signed in, and writes nothing", async () => {
    await seed();
    const cookie = await signIn();
    const before = await kvSnapshot();
    for (const path of deskPosts) {
      for (const [name, init] of NOT_FORMS) {
        const response = await request(path, {
          method: "POST",
          redirect: "manual",
          ...init,
          headers: { ...FROM_DESK, Cookie: cookie, ...(init.headers as Record<string, string>) },
        });
        expect([400, 415], `${path} with ${name}`).toContain(response.status);
        expect(response.headers.get("Set-Cookie"), `${path} with ${name}`).toBeNull();
      }
    }
    expect(await kvSnapshot()).toEqual(before);
  }, 60_000);

  it("answers 400 or 415 at the sign-in, anonymously, and counts no attempt", async () => {
    for (const [name, init] of NOT_FORMS) {
      const response = await request("/desk/sign-in", {
        method: "POST",
        redirect: "manual",
        ...init,
        headers: { ...FROM_DESK, ...(init.headers as Record<string, string>) },
      });
      expect([400, 415], name).toContain(response.status);
    }
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM sign_in_failures").first("n")).toBe(0);
  });
});

describe("the desk's title search", () => {
  it("finds a long headline, and takes any query without an error", async () => {
    const title = "Council votes to rebuild the harbour wall after the winter storms of 2026";
    await publish("harbour-wall", { title });
    const cookie = await signIn();
    const search = (q: string) =>
      request(`/desk?q=${encodeURIComponent(q)}`, { headers: { Cookie: cookie, Accept: "text/html" } });
    const found = await search(title.toUpperCase());
    expect(found.status).toBe(200);
    expect(await found.text()).toContain("harbour-wall");
    for (const q of ["%".repeat(200), "_".repeat(60), "x".repeat(5000), "\\%_'\"", "é".repeat(40)]) {
      const response = await search(q);
      expect(response.status, q.slice(0, 10)).toBe(200);
      expect(await response.text()).not.toContain("/desk/articles/harbour-wall");
    }
    expect(await (await search("50%")).text()).not.toContain("/desk/articles/harbour-wall");
  });
});

describe("redirect targets", () => {
  it("refuses control characters in the sign-in's next, before any cookie is set", async () => {
    for (const next of ["/desk\u0000", "/desk/\r\nSet-Cookie: x=1", "/desk/\u007f", "/desk/ü", "/desk/\t", "/desk/%00"]) {
      const response = await request("/desk/sign-in", {
        method: "POST",
        body: new URLSearchParams({ token: TOKEN, next }),
        redirect: "manual",
        headers: FROM_DESK,
      });
      expect(response.status, JSON.stringify(next)).toBe(303);
      const location = response.headers.get("Location") ?? "";
      expect(location === "/desk" || location === next).toBe(true);
      expect(location).toMatch(/^[\x21-\x7e]+$/);
      expect(response.headers.get("Set-Cookie")).toContain(`${SESSION_COOKIE}=`);
    }
    const get = await request("/desk/sign-in?next=%2Fdesk%00", { headers: { Accept: "text/html" } });
    expect(get.status).toBe(200);
    expect(await get.text()).not.toContain("\u0000");
  });

  it("keeps every target on this site's desk, whatever is written (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `/desk${s}`),
          fc.string().map((s) => `/desk/${s}`),
        ),
        (next) => {
          const target = safeNext(next);
          expect(target === "/desk" || target === next).toBe(true);
          expect(target).toMatch(/^[\x21-\x7e]+$/);
          expect(() => new Headers({ Location: target })).not.toThrow();
          const resolved = new URL(target, SITE);
          expect(resolved.origin).toBe(SITE);
          expect(resolved.pathname).toMatch(/^\/desk(?:\/|$)/);
        },
      ),
      { numRuns: 2000 },
    );
    for (const elsewhere of [
      "//evil.example/desk",
      "/desk/../admin",
      "/desk/%2e%2e/x",
      "/desk\\@evil",
      "/deskx",
      "https://evil/desk",
    ])
      expect(safeNext(elsewhere), elsewhere).toBe("/desk");
  });
});

describe("URL fields", () => {
  const long = `https://example.com/${"p".repeat(LIMITS.urlLength)}`;

  it("refuses an author's photoUrl or url over 2,048 characters, through the API and the desk, and writes nothing", async () => {
    // Signing in is a change of its own (the audit log records it): it happens before the snapshot.
    const cookie = await signIn();
    const before = await kvSnapshot();
    for (const field of ["photoUrl", "url"]) {
      const response = await request("/api/authors/kim-lee", {
        method: "PUT",
        headers: api,
        body: JSON.stringify({ name: "Kim Lee", [field]: long }),
      });
      expect(response.status).toBe(400);
      expect((await response.json<{ details: unknown[] }>()).details).toEqual([
        { field, problem: `must be at most ${LIMITS.urlLength} characters` },
      ]);
    }
    const desk = await request("/desk/authors", {
      method: "POST",
      body: new URLSearchParams({ name: "Kim Lee", photoUrl: `https://example.com/${"p".repeat(100_000)}` }),
      headers: { ...FROM_DESK, Cookie: cookie },
    });
    expect(desk.status).toBe(400);
    expect(await kvSnapshot()).toEqual(before);
  });

  it("refuses an article image URL over the limit too, and takes one at it", async () => {
    const exact = `https://example.com/${"p".repeat(LIMITS.urlLength - 20)}`;
    expect(exact).toHaveLength(LIMITS.urlLength);
    const article = (url: string) =>
      request("/api/articles/pictured", {
        method: "PUT",
        headers: api,
        body: JSON.stringify({
          title: "Pictured",
          published: "2025-01-15T10:00:00Z",
          category: "Tests",
          image: { url, alt: "A picture" },
          body: "Text.",
        }),
      });
    expect((await article(long)).status).toBe(400);
    expect((await article(exact)).status).toBe(201);
  });
});
