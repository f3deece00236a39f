/**
 * Every newsroom route says who may use it, where it is registered (newsroom/permissions.ts): a walk
 * of the app's routes, the desk's and the previews' fails on any that declares nothing; then the
 * matrix, table-driven: every role against every route that requires a permission.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { insertPerson, insertToken } from "../../src/data/people";
import { sha256Hex } from "../../src/newsroom/auth";
import { deskRoutes } from "../../src/newsroom/desk";
import { sealSession } from "../../src/newsroom/desk/session";
import { createNewsroomApp } from "../../src/newsroom/index";
import {
  can,
  type DeclaredRoute,
  declaredRoutes,
  PERMISSIONS,
  type Permission,
  ROLES,
  type Role,
} from "../../src/newsroom/permissions";
import { previewRoutes } from "../../src/newsroom/preview";
import { clock, requestOnly, SITE } from "./helpers";

const app = createNewsroomApp({ clock });
const tables = {
  app: declaredRoutes(app.routes),
  desk: declaredRoutes(deskRoutes.routes).map((r) => ({ ...r, path: `/desk${r.path === "/" ? "" : r.path}` })),
  preview: declaredRoutes(previewRoutes.routes).map((r) => ({ ...r, path: `/preview${r.path}` })),
};
const everyRoute: DeclaredRoute[] = [...tables.app, ...tables.desk, ...tables.preview];

describe("every route declares who may use it", () => {
  it("finds the API's, the desk's and the previews' routes", () => {
    expect(tables.app.length).toBeGreaterThan(30);
    expect(tables.desk.length).toBeGreaterThan(20);
    expect(tables.preview.length).toBeGreaterThanOrEqual(2);
    expect(everyRoute.some((r) => r.path === "/api/articles/:slug" && r.method === "PUT")).toBe(true);
    expect(everyRoute.some((r) => r.path === "/desk/pipeline/rebuild" && r.method === "POST")).toBe(true);
  });

  it("has no route without requires(...) or open(...)", () => {
    const undeclared = everyRoute.filter((r) => r.declaration === undefined).map((r) => `${r.method} ${r.path}`);
    expect(undeclared).toEqual([]);
  });

  it("names only permissions that exist, and says why each open route is open", () => {
    for (const { declaration } of everyRoute) {
      if (declaration && "permission" in declaration) expect(Object.keys(PERMISSIONS)).toContain(declaration.permission);
      if (declaration && "open" in declaration) expect(declaration.open.length).toBeGreaterThanOrEqual(10);
    }
  });

  it("opens only what anyone may use: sign-in, sign-out, signed preview links, image widths, newsletter sign-ups and 404s", () => {
    const opened = everyRoute
      .filter((r) => r.declaration && "open" in r.declaration)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    for (const route of opened) {
      expect(route).toMatch(
        /^(ALL \/desk(\/\*)?|ALL \/preview\/\*|ALL \/api\/\*|ALL \/desk\/\*|ALL \/preview\/\*|GET \/desk\/sign-in|POST \/desk\/sign-in|POST \/desk\/sign-out|GET \/preview\/:id|(GET|HEAD) \/media\/w\/:width\/:file|GET \/desk\/invitation\/:link|POST \/desk\/invitation\/:link|POST \/subscribe|(GET|POST) \/subscribe\/(confirm|manage)|(GET|POST) \/unsubscribe)$/,
      );
    }
  });
});

/** A person of each role, with a token and a desk session. */
const people = new Map<Role, { token: string; cookie: string }>();

beforeEach(async () => {
  people.clear();
  const now = clock.now();
  for (const role of ROLES) {
    const id = `person-${role}`;
    const token = `bs_${role}_${"x".repeat(40)}`;
    await env.DB.batch([
      insertPerson(env.DB, { id, name: `A ${role}`, email: `${role}@news.example`, emailKey: `${role}@news.example`, role, now }),
      insertToken(env.DB, {
        id: `token-${role}`,
        personId: id,
        name: "test",
        hash: await sha256Hex(token),
        now,
        expires: now + 86_400_000,
      }),
    ]);
    const session = await sealSession(
      { id: `session-${role}`, editor: `A ${role}`, key: "person", person: id, expires: now + 3_600_000 },
      env.DESK_SECRET,
    );
    people.set(role, { token, cookie: `broadsheet_desk=${session}` });
  }
});

/** A concrete address for a route's pattern: each `:name{regex}` or `:name` becomes a value it matches. */
function concrete(path: string): string {
  let out = "";
  for (let i = 0; i < path.length; i++) {
    if (path[i] !== ":") {
      out += path[i];
      continue;
    }
    const name = /^:(\w+)/.exec(path.slice(i))?.[1] ?? "";
    i += name.length;
    let pattern = "";
    if (path[i + 1] === "{") {
      let depth = 0;
      for (i = i + 1; i < path.length; i++) {
        if (path[i] === "{") depth++;
        if (path[i] === "}") depth--;
        pattern += path[i];
        if (depth === 0) break;
      }
    }
    out +=
      name === "slug"
        ? "no-such-article"
        : pattern.includes("[0-9a-f]{8}")
          ? crypto.randomUUID()
          : pattern.includes("[0-9]{4}-[0-9]{2}")
            ? "2026-01"
            : "1";
  }
  return out.replace(/\*$/, "x");
}

const required = everyRoute.filter(
  (r): r is DeclaredRoute & { declaration: { permission: Permission } } =>
    r.declaration !== undefined && "permission" in r.declaration,
);

describe("the permission matrix: every role against every route that requires a permission", () => {
  it("covers every permission the routes use", () => {
    expect(new Set(required.map((r) => r.declaration.permission)).size).toBeGreaterThan(8);
  });

  it("nobody signed in: 401 on every such route, and nothing runs", async () => {
    for (const route of required) {
      const method = route.method === "ALL" ? "POST" : route.method;
      const path = concrete(route.path);
      const response = await requestOnly(path, {
        method,
        headers: { Origin: SITE, "Sec-Fetch-Mode": "cors", Accept: "application/json" },
        ...(method === "GET" || method === "HEAD" ? {} : { body: "" }),
      });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
  });

  for (const role of ROLES) {
    it(`${role}: 403 naming the permission where the role lacks it, never 401 or 403 where it holds it`, async () => {
      const person = people.get(role);
      if (!person) throw new Error("no person");
      const seen: string[] = [];
      for (const route of required) {
        const method = route.method === "ALL" ? "POST" : route.method;
        const path = concrete(route.path);
        const desk = path.startsWith("/desk");
        const headers: Record<string, string> = desk
          ? { Cookie: person.cookie, Origin: SITE, "Sec-Fetch-Mode": "cors", Accept: "application/json" }
          : { Authorization: `Bearer ${person.token}`, Accept: "application/json" };
        const response = await requestOnly(path, {
          method,
          headers,
          ...(method === "GET" || method === "HEAD" ? {} : { body: "" }),
        });
        const text = await response.text();
        const permission = route.declaration.permission;
        const label = `${role} ${method} ${path} (${permission}): ${response.status} ${text.slice(0, 120)}`;
        if (can(role, permission)) {
          expect(response.status, label).not.toBe(401);
          // The declaration let it through (a handler's own finer rule, like "only your own tokens", is tested apart).
          expect(text.includes(`"need":"${permission}"`), label).toBe(false);
        } else {
          expect(response.status, label).toBe(403);
          expect(JSON.parse(text), label).toEqual({ error: "forbidden", need: permission });
        }
        seen.push(label);
      }
      expect(seen.length).toBe(required.length);
    });
  }
});
