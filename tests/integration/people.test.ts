/**
 * People, invitations and tokens of their own (newsroom/api-people.ts, newsroom/auth.ts): what an
 * admin, a freelancer and a lawyer would each expect of them, on the injected clock.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clock, request, requestOnly, SITE, TOKEN } from "./helpers";

const admin = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };
const DAY = 24 * 60 * 60 * 1000;

interface Created {
  person: { id: string; name: string; email: string; role: string; active: boolean };
  invitation: { url: string; expires: string } | null;
}

async function invite(name: string, email: string, role: string): Promise<Created> {
  const response = await request("/api/people", { method: "POST", headers: admin, body: JSON.stringify({ name, email, role }) });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Created;
}

async function tokenFor(personId: string, body: Record<string, unknown> = { name: "laptop" }, headers = admin) {
  const response = await request(`/api/people/${personId}/tokens`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { id: string; token: string; expires: string } };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}`, "Content-Type": "application/json" });
const count = async (table: string) => env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<number>("n");

describe("people", () => {
  it("an admin adds a person: 201 with the person and a one-time invitation link, and an audit entry", async () => {
    const created = await invite("Ana Lima", "Ana@News.example", "contributor");
    expect(created.person).toMatchObject({ name: "Ana Lima", email: "Ana@News.example", role: "contributor", active: true });
    expect(created.invitation?.url).toMatch(new RegExp(`^${SITE}/desk/invitation/[0-9a-f-]{36}\\.[\\w-]{43}$`));
    expect(Date.parse(created.invitation?.expires ?? "")).toBe(clock.now() + 7 * DAY);
    const list = (await (await request("/api/people", { headers: admin })).json()) as { people: Array<{ id: string }> };
    expect(list.people.map((p) => p.id)).toEqual([created.person.id]);
    const audit = await env.DB.prepare("SELECT actor_id, action, target FROM audit").all();
    expect(audit.results).toEqual([{ actor_id: "token:ana", action: "person-created", target: `person:${created.person.id}` }]);
  });

  it("refuses an unknown role and a duplicate email (case-insensitively), writing nothing", async () => {
    await invite("Ana Lima", "ana@news.example", "editor");
    const before = await Promise.all(["people", "invitations", "audit"].map(count));
    const role = await request("/api/people", {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ name: "Bo", email: "bo@news.example", role: "owner" }),
    });
    expect(role.status).toBe(400);
    expect(((await role.json()) as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual(["role"]);
    const duplicate = await request("/api/people", {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ name: "Another Ana", email: " ANA@NEWS.EXAMPLE ", role: "editor" }),
    });
    expect(duplicate.status).toBe(409);
    expect(((await duplicate.json()) as { details: Array<{ field: string }> }).details[0]?.field).toBe("email");
    for (const bad of [
      { name: "", email: "x@y.example", role: "editor" },
      { name: "X", email: "not-an-email", role: "editor" },
      { name: "X", email: "x@y.example", role: "editor", extra: 1 },
    ]) {
      const response = await request("/api/people", { method: "POST", headers: admin, body: JSON.stringify(bad) });
      expect(response.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await Promise.all(["people", "invitations", "audit"].map(count))).toEqual(before);
  });

  it("GET /api/me answers whoever is calling", async () => {
    const me = await request("/api/me", { headers: admin });
    expect(await me.json()).toEqual({ id: "token:ana", name: "ana", email: null, role: "admin" });
    const created = await invite("Bo Diaz", "bo@news.example", "standards");
    const { body } = await tokenFor(created.person.id);
    const bo = await request("/api/me", { headers: bearer(body.token) });
    expect(await bo.json()).toEqual({ id: created.person.id, name: "Bo Diaz", email: "bo@news.example", role: "standards" });
  });
});

describe("invitations", () => {
  const linkPath = (created: Created) => new URL(created.invitation?.url ?? "").pathname;
  const open = (path: string, init: RequestInit = {}) =>
    requestOnly(path, { redirect: "manual", ...init, headers: { Accept: "text/html", Origin: SITE, ...init.headers } });

  it("signs the person into the desk once: the link shows a button, its POST signs in, and a second use is refused", async () => {
    const created = await invite("Ana Lima", "ana@news.example", "contributor");
    const path = linkPath(created);
    const page = await open(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Welcome, Ana Lima");
    expect(await env.DB.prepare("SELECT used_at FROM invitations").first("used_at")).toBeNull();
    const used = await open(path, { method: "POST", body: new URLSearchParams() });
    expect(used.status).toBe(303);
    const cookie = (used.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toMatch(/^broadsheet_desk=/);
    const desk = await open("/desk", { headers: { Cookie: cookie } });
    expect(desk.status).toBe(200);
    expect(await desk.text()).toContain("Ana Lima");
    expect((await open(path)).status).toBe(410);
    const again = await open(path, { method: "POST", body: new URLSearchParams() });
    expect(again.status).toBe(410);
    expect(again.headers.get("Set-Cookie")).toBeNull();
    const actions = await env.DB.prepare("SELECT action FROM audit ORDER BY id").all<{ action: string }>();
    expect(actions.results.map((r) => r.action)).toEqual(["person-created", "invitation-used"]);
  });

  it("refuses an expired or forged invitation", async () => {
    const created = await invite("Ana Lima", "ana@news.example", "editor");
    const path = linkPath(created);
    const forged = `${path.slice(0, -3)}${path.endsWith("AAA") ? "BBB" : "AAA"}`;
    expect((await open(forged, { method: "POST", body: new URLSearchParams() })).status).toBe(403);
    clock.advance(7 * DAY + 1);
    const expired = await open(path, { method: "POST", body: new URLSearchParams() });
    expect(expired.status).toBe(410);
    expect(expired.headers.get("Set-Cookie")).toBeNull();
    expect(await env.DB.prepare("SELECT used_at FROM invitations").first("used_at")).toBeNull();
  });

  it("ends a deactivated person's desk session on the next request", async () => {
    const created = await invite("Ana Lima", "ana@news.example", "editor");
    const used = await open(linkPath(created), { method: "POST", body: new URLSearchParams() });
    const cookie = (used.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
    expect((await open("/desk", { headers: { Cookie: cookie } })).status).toBe(200);
    const patched = await request(`/api/people/${created.person.id}`, {
      method: "PATCH",
      headers: admin,
      body: JSON.stringify({ active: false }),
    });
    expect(patched.status).toBe(200);
    const after = await open("/desk", { headers: { Cookie: cookie } });
    expect(after.status).toBe(303);
    expect(after.headers.get("Location")).toMatch(/^\/desk\/sign-in/);
  });
});

describe("a desk session started with a person's own token", () => {
  const open = (path: string, init: RequestInit = {}) =>
    requestOnly(path, { redirect: "manual", ...init, headers: { Accept: "text/html", Origin: SITE, ...init.headers } });
  async function signIn(token: string): Promise<string> {
    const response = await open("/desk/sign-in", { method: "POST", body: new URLSearchParams({ token, next: "/desk" }) });
    expect(response.status).toBe(303);
    const cookie = (response.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toMatch(/^broadsheet_desk=/);
    return cookie;
  }
  const signedIn = async (cookie: string) => (await open("/desk", { headers: { Cookie: cookie } })).status === 200;

  it("ends on the next request once that token is revoked, and no other session of the person ends", async () => {
    const created = await invite("Ana Lima", "ana@news.example", "editor");
    const laptop = (await tokenFor(created.person.id, { name: "laptop" })).body;
    const phone = (await tokenFor(created.person.id, { name: "phone" })).body;
    const fromLaptop = await signIn(laptop.token);
    const fromPhone = await signIn(phone.token);
    expect(await signedIn(fromLaptop)).toBe(true);
    expect((await request(`/api/tokens/${laptop.id}`, { method: "DELETE", headers: admin })).status).toBe(200);
    const after = await open("/desk", { headers: { Cookie: fromLaptop } });
    expect(after.status).toBe(303);
    expect(after.headers.get("Location")).toMatch(/^\/desk\/sign-in/);
    expect(await signedIn(fromPhone)).toBe(true);
    // The presence socket's route is the desk's too: the revoked token's session gets no socket.
    const socket = await open("/desk/articles/x/presence", { headers: { Cookie: fromLaptop, Upgrade: "websocket" } });
    expect(socket.status).not.toBe(101);
  });

  it("ends when that token expires, even inside the session's own twelve hours", async () => {
    const created = await invite("Ana Lima", "ana@news.example", "editor");
    const { body } = await tokenFor(created.person.id, { name: "ci", expiresInDays: 1 });
    clock.advance(DAY - 60 * 60 * 1000);
    const cookie = await signIn(body.token);
    expect(await signedIn(cookie)).toBe(true);
    clock.advance(60 * 60 * 1000);
    expect(await signedIn(cookie)).toBe(false);
  });

  it("ends on the next request once the person is deactivated", async () => {
    const created = await invite("Ana Lima", "ana@news.example", "editor");
    const cookie = await signIn((await tokenFor(created.person.id)).body.token);
    expect(await signedIn(cookie)).toBe(true);
    await request(`/api/people/${created.person.id}`, {
      method: "PATCH",
      headers: admin,
      body: JSON.stringify({ active: false }),
    });
    expect(await signedIn(cookie)).toBe(false);
  });
});

describe("tokens of their own", () => {
  it("are shown once, stored only as a hash, act with the person's current role, and are refused once revoked", async () => {
    const created = await invite("Ana Lima", "ana@news.example", "contributor");
    const made = await tokenFor(created.person.id, { name: "laptop", expiresInDays: 30 });
    expect(made.status).toBe(201);
    expect(made.body.token.length).toBeGreaterThanOrEqual(32);
    expect(Date.parse(made.body.expires)).toBe(clock.now() + 30 * DAY);
    const row = await env.DB.prepare("SELECT * FROM person_tokens").first<Record<string, unknown>>();
    expect(JSON.stringify(row)).not.toContain(made.body.token);
    expect(row?.hash).toMatch(/^[0-9a-f]{64}$/);
    const listed = await request(`/api/people/${created.person.id}/tokens`, { headers: bearer(made.body.token) });
    const tokens = ((await listed.json()) as { tokens: Array<Record<string, unknown>> }).tokens;
    expect(tokens.map((t) => t.name)).toEqual(["laptop"]);
    expect(JSON.stringify(tokens)).not.toContain(made.body.token);

    // A contributor: no pipeline. Made an editor: still no pipeline. Made an admin: the pipeline, at once.
    const pipeline = () => request("/api/pipeline", { headers: bearer(made.body.token) });
    expect(await (await pipeline()).json()).toEqual({ error: "forbidden", need: "pipeline:manage" });
    for (const [role, status] of [
      ["editor", 403],
      ["admin", 200],
    ] as const) {
      await request(`/api/people/${created.person.id}`, { method: "PATCH", headers: admin, body: JSON.stringify({ role }) });
      expect((await pipeline()).status, role).toBe(status);
    }

    const revoked = await request(`/api/tokens/${made.body.id}`, { method: "DELETE", headers: bearer(made.body.token) });
    expect(revoked.status).toBe(200);
    const refused = await request("/api/me", { headers: bearer(made.body.token) });
    expect(refused.status).toBe(401);
    const actions = await env.DB.prepare("SELECT action FROM audit ORDER BY id").all<{ action: string }>();
    expect(actions.results.map((r) => r.action)).toEqual([
      "person-created",
      "token-created",
      "role-changed",
      "role-changed",
      "token-revoked",
    ]);
  });

  it("expire: a 401 that says so, by the injected clock", async () => {
    const created = await invite("Ana Lima", "ana@news.example", "editor");
    const { body } = await tokenFor(created.person.id, { name: "ci", expiresInDays: 1 });
    expect((await request("/api/me", { headers: bearer(body.token) })).status).toBe(200);
    clock.advance(DAY);
    const expired = await request("/api/me", { headers: bearer(body.token) });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: string }).error).toBe("The token has expired");
  });

  it("stop working when their person is deactivated, and work again when reactivated", async () => {
    const created = await invite("Ana Lima", "ana@news.example", "editor");
    const { body } = await tokenFor(created.person.id);
    const patch = (active: boolean) =>
      request(`/api/people/${created.person.id}`, { method: "PATCH", headers: admin, body: JSON.stringify({ active }) });
    await patch(false);
    expect((await request("/api/me", { headers: bearer(body.token) })).status).toBe(401);
    await patch(true);
    expect((await request("/api/me", { headers: bearer(body.token) })).status).toBe(200);
  });

  it("refuses bad input, and other people's tokens to anyone but an admin", async () => {
    const ana = await invite("Ana Lima", "ana@news.example", "editor");
    const bo = await invite("Bo Diaz", "bo@news.example", "editor");
    for (const bad of [
      {},
      { name: "x", expiresInDays: 0 },
      { name: "x", expiresInDays: 366 },
      { name: "x", expiresInDays: 1.5 },
    ]) {
      expect((await tokenFor(ana.person.id, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    const anas = (await tokenFor(ana.person.id)).body.token;
    const bos = await tokenFor(bo.person.id);
    expect((await tokenFor(bo.person.id, { name: "mine now" }, bearer(anas))).status).toBe(403);
    const list = await request(`/api/people/${bo.person.id}/tokens`, { headers: bearer(anas) });
    expect(await list.json()).toEqual({ error: "forbidden", need: "people:manage" });
    expect((await request(`/api/tokens/${bos.body.id}`, { method: "DELETE", headers: bearer(anas) })).status).toBe(404);
    expect((await request("/api/me", { headers: bearer(bos.body.token) })).status).toBe(200);
  });

  it("authenticate with one D1 read", async () => {
    const created = await invite("Ana Lima", "ana@news.example", "editor");
    const { body } = await tokenFor(created.person.id);
    await request("/api/me", { headers: bearer(body.token) }); // Records the first use.
    let statements = 0;
    const counted = new Proxy(env.DB, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (property === "prepare")
          return (text: string) => {
            statements++;
            return target.prepare(text);
          };
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const me = await requestOnly("/api/me", { headers: bearer(body.token) }, { DB: counted });
    expect(me.status).toBe(200);
    expect(statements).toBe(1);
  });
});

describe("the desk's People page", () => {
  const deskHeaders = { Accept: "text/html", Origin: SITE };
  async function adminCookie(): Promise<string> {
    const response = await requestOnly("/desk/sign-in", {
      method: "POST",
      redirect: "manual",
      headers: deskHeaders,
      body: new URLSearchParams({ token: TOKEN, next: "/desk" }),
    });
    return (response.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
  }

  it("lets an admin invite someone, shows the link once, and change their role; others get a page saying no", async () => {
    const cookie = await adminCookie();
    const invited = await requestOnly("/desk/people", {
      method: "POST",
      headers: { ...deskHeaders, Cookie: cookie },
      body: new URLSearchParams({ name: "Cleo Park", email: "cleo@news.example", role: "contributor" }),
    });
    expect(invited.status).toBe(201);
    const html = await invited.text();
    expect(html).toContain("Cleo Park");
    expect(html).toMatch(/\/desk\/invitation\/[0-9a-f-]{36}\./);
    const id = await env.DB.prepare("SELECT id FROM people").first<string>("id");
    const changed = await requestOnly(`/desk/people/${id}`, {
      method: "POST",
      redirect: "manual",
      headers: { ...deskHeaders, Cookie: cookie },
      body: new URLSearchParams({ role: "editor", active: "1" }),
    });
    expect(changed.status).toBe(303);
    expect(await env.DB.prepare("SELECT role FROM people").first("role")).toBe("editor");
    const audit = await (
      await requestOnly("/desk/audit?action=role-changed", { headers: { ...deskHeaders, Cookie: cookie } })
    ).text();
    expect(audit).toContain("role-changed");
    expect(audit).not.toContain("person-created");
    const duplicate = await requestOnly("/desk/people", {
      method: "POST",
      headers: { ...deskHeaders, Cookie: cookie },
      body: new URLSearchParams({ name: "Cleo Again", email: "CLEO@news.example", role: "editor" }),
    });
    expect(duplicate.status).toBe(409);
    // An editor's session: the page says which permission is missing.
    const link = html.match(/\/desk\/invitation\/[0-9a-f-]{36}\.[\w-]{43}/)?.[0] ?? "";
    const used = await requestOnly(link, {
      method: "POST",
      redirect: "manual",
      headers: deskHeaders,
      body: new URLSearchParams(),
    });
    const editorCookie = (used.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
    const refused = await requestOnly("/desk/people", { headers: { ...deskHeaders, Cookie: editorCookie } });
    expect(refused.status).toBe(403);
    const page = await refused.text();
    expect(page).toContain("people:manage");
    expect(page).not.toContain('href="/desk/people"');
    expect((await requestOnly("/desk/review", { headers: { ...deskHeaders, Cookie: editorCookie } })).status).toBe(200);
  });
});
