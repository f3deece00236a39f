/**
 * Issue 19: no request to any desk or API route is a 500, whatever its body, Content-Type and query,
 * signed in or not; and an unexpected exception anywhere in the newsroom is logged with its method
 * and path and answered with a plain 500 that says nothing of its cause. The routes are read from
 * the apps' own route tables, so a route added later is covered without editing this file.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiRoutes } from "../../src/newsroom/api";
import { deskRoutes } from "../../src/newsroom/desk";
import { publish, request, SITE, TOKEN } from "./helpers";

interface Route {
  method: string;
  path: string;
}

/** The distinct routes of an app mounted at `prefix` (middleware, registered for ALL methods at `/*`, left out). */
function routesOf(app: { routes: { method: string; path: string }[] }, prefix: string): Route[] {
  const seen = new Map<string, Route>();
  for (const { method, path } of app.routes) {
    if (method === "ALL" && path === "/*") continue;
    const route = { method: method === "ALL" ? "POST" : method, path: `${prefix}${path === "/*" ? "/anything" : path}` };
    seen.set(`${route.method} ${route.path}`, route);
  }
  return [...seen.values()];
}

const ROUTES = [...routesOf(apiRoutes, "/api"), ...routesOf(deskRoutes, "/desk")];

/** A path for `route` with its parameters filled from `slug` and `id`. */
const concrete = (route: Route, slug: string, id: string): string =>
  route.path
    .replace(/:id\{[^}]*\}/g, id)
    .replace(/:slug(\{[^}]*\})?/g, slug)
    .replace(/\*$/, "anything");

const CONTENT_TYPES = [
  "",
  "application/json",
  "text/plain",
  "text/markdown",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=x",
  "image/png",
  "application/json; charset=utf-16",
];

const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  fc.uint8Array({ maxLength: 300 }),
  fc.constant('--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG\r\n--x--\r\n'),
  fc.constant("token=x&next=%00&title=&published=nope&hours=1e400&position=-1"),
);

const query = fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 80 })), { maxLength: 4 });

async function signIn(): Promise<string> {
  const response = await request("/desk/sign-in", {
    method: "POST",
    body: new URLSearchParams({ token: TOKEN, next: "/desk" }),
    redirect: "manual",
    headers: { Origin: SITE, "CF-Connecting-IP": "198.51.100.1" },
  });
  expect(response.status).toBe(303);
  return (response.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("every desk and API route", () => {
  it("is read from the apps' route tables", () => {
    const named = ROUTES.map((r) => `${r.method} ${r.path}`);
    for (const route of [
      "GET /api/articles",
      "PUT /api/articles/:slug",
      "POST /api/media",
      "POST /desk/sign-in",
      "POST /desk/new",
    ])
      expect(named).toContain(route);
    expect(ROUTES.length).toBeGreaterThan(30);
  });

  it("answers arbitrary bodies, content types and queries without a 500, signed in and anonymous", async () => {
    await publish("harbour-plans", { title: "Harbour plans", category: "Local" });
    const cookie = await signIn();
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.constantFrom("harbour-plans", "no-such-article", "x", "local"),
        fc.constantFrom("1", "2", "999999999999"),
        fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.string({ maxLength: 40 })),
        body,
        query,
        fc.boolean(),
        fc.boolean(),
        async (route, slug, id, type, payload, pairs, signedIn, fromDesk) => {
          const url = new URL(concrete(route, slug, id), SITE);
          for (const [name, value] of pairs) url.searchParams.append(name, value);
          const headers = new Headers({ "CF-Connecting-IP": signedIn ? "198.51.100.1" : "198.51.100.2" });
          try {
            if (type) headers.set("Content-Type", type);
          } catch {
            // A Content-Type a client cannot even send.
          }
          if (fromDesk) headers.set("Origin", SITE);
          if (signedIn) {
            headers.set("Cookie", cookie);
            headers.set("Authorization", `Bearer ${TOKEN}`);
          } else {
            headers.set("Authorization", "Bearer not-a-token-0123456789abcdef0123456789");
          }
          const bodyless = route.method === "GET" || route.method === "HEAD";
          const content =
            payload === undefined || bodyless
              ? undefined
              : typeof payload === "object" && !(payload instanceof Uint8Array)
                ? JSON.stringify(payload)
                : payload;
          const response = await request(url.pathname + url.search, {
            method: route.method,
            headers,
            body: content,
            redirect: "manual",
          });
          expect(response.status, `${route.method} ${url.pathname}${url.search} (${type})`).toBeLessThan(500);
          await response.arrayBuffer();
        },
      ),
      { numRuns: 250 },
    );
    expect(errors.mock.calls.filter((call) => String(call[0]).includes("failed"))).toEqual([]);
  }, 300_000);
});

describe("an unexpected exception", () => {
  /** D1 that throws an error carrying something secret from every statement. */
  const broken = new Proxy(env.DB, {
    get: (target, name) => {
      if (name === "prepare" || name === "batch")
        return () => {
          throw new Error("disk on fire; token=test-token-current-0123456789abcdef");
        };
      return Reflect.get(target, name);
    },
  });

  it("on the API is logged with method and path, and answered with a plain 500 in JSON", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const response = await request(
      "/api/articles?secret=1",
      { headers: { Authorization: `Bearer ${TOKEN}`, "CF-Connecting-IP": "198.51.100.3" } },
      { DB: broken },
    );
    expect(response.status).toBe(500);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const text = await response.text();
    expect(text).not.toMatch(/disk|token|Error|at /);
    expect(JSON.parse(text)).toEqual({ error: expect.stringContaining("Internal error"), details: [] });
    expect(String(errors.mock.calls[0]?.[0])).toBe("GET /api/articles failed:");
  });

  it("at the desk is logged with method and path, and answered with a plain 500", async () => {
    const cookie = await signIn();
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const response = await request("/desk/sections", { headers: { Cookie: cookie, Accept: "text/html" } }, { DB: broken });
    expect(response.status).toBe(500);
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(await response.text()).toBe("Internal Server Error\n");
    expect(String(errors.mock.calls[0]?.[0])).toBe("GET /desk/sections failed:");
  });
});
