/**
 * The desk's pipeline page inside workerd: what a signed-in editor sees (the backlog, the latest
 * rebuild, dead letters, failures, the notice that a release needs a rebuild), "Rebuild everything",
 * replaying dead letters, and the refusals: no session, another site's form, a body that is no form.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/newsroom/app-env";
import { REBUILD_NEEDED_TEXT } from "../../src/newsroom/desk/pages/pipeline";
import { deskPipelineRoutes } from "../../src/newsroom/desk/pipeline-routes";
import { pipelineSetup, requestSetup } from "../../src/newsroom/setup";
import { clock, publish, request, runCron, SITE, TOKEN } from "./helpers";

const HTML = { Accept: "text/html" };

/** Signs in as ana and returns the Cookie header for the session. */
async function signIn(): Promise<string> {
  const response = await post("/desk/sign-in", { token: TOKEN, next: "/desk" }, "");
  expect(response.status).toBe(303);
  return (response.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
}

/** A form posted from a desk page, as a browser sends it. */
function post(path: string, fields: Record<string, string>, cookie: string, headers: Record<string, string> = {}) {
  return request(path, {
    method: "POST",
    body: new URLSearchParams(fields),
    redirect: "manual",
    headers: { Origin: SITE, Cookie: cookie, "CF-Connecting-IP": "192.0.2.7", ...HTML, ...headers },
  });
}

const get = (path: string, cookie: string) => request(path, { headers: { Cookie: cookie, ...HTML }, redirect: "manual" });

const rebuildsBy = async (editor: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM rebuilds WHERE started_by = ?").bind(editor).first<{ n: number }>())?.n;

/** KV that refuses every write, so each build fails every retry and ends a dead letter. */
const brokenKv = new Proxy(env.ARTICLES, {
  get(target, name) {
    if (name === "put") return () => Promise.reject(new Error("KV is down (injected)"));
    const value = Reflect.get(target, name);
    return typeof value === "function" ? value.bind(target) : value;
  },
});

describe("the pipeline page", () => {
  it("shows a signed-in editor the backlog, an empty history and the notice that this release needs a rebuild", async () => {
    const cookie = await signIn();
    // Two saves whose rows were never sent (as when sendBatch failed after the commit).
    await env.DB.batch([
      env.DB.prepare("INSERT INTO outbox (kind, target, due_at, created_at) VALUES ('article', 'one', 0, 0)"),
      env.DB.prepare("INSERT INTO outbox (kind, target, due_at, created_at) VALUES ('article', 'two', 0, 0)"),
    ]);
    const response = await get("/desk/pipeline", cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    const html = await response.text();
    expect(html).toContain('<h1 id="page-title">Pipeline</h1>');
    expect(html).toMatch(/<th scope="row">Saved, waiting to be sent to the queue<\/th>\s*<td>2<\/td>/);
    expect(html).toMatch(/<th scope="row">Dead letters, waiting for a replay<\/th>\s*<td>0<\/td>/);
    expect(html).toContain("No rebuild has run yet.");
    expect(html).toContain("No dead letters.");
    expect(html).toContain("No failures.");
    expect(html).toMatch(new RegExp(`<div class="notice status rebuild-needed" role="status"><p>${REBUILD_NEEDED_TEXT}`));
    expect(html).toContain('<button type="submit" class="primary" aria-describedby="rebuild-hint">Rebuild everything</button>');
    // The desk's navigation leads here from every page; the article list carries the notice too.
    const home = await (await get("/desk", cookie)).text();
    expect(home).toContain('<a href="/desk/pipeline">Pipeline</a>');
    expect(home).toContain(REBUILD_NEEDED_TEXT);
    expect(home).toContain('<a href="/desk/pipeline">Rebuild on the pipeline page</a>');
  });

  it("rebuilds everything when an editor presses the button: a rebuild by them, its progress, and the notice gone", async () => {
    await publish("harbour", { title: "Harbour plans" });
    await publish("ferry", { title: "Ferry times" });
    const cookie = await signIn();
    const pressed = await post("/desk/pipeline/rebuild", {}, cookie);
    expect(pressed.status).toBe(303);
    expect(pressed.headers.get("Location")).toBe("/desk/pipeline?n=rebuild-started");
    const row = await env.DB.prepare(
      "SELECT id, total, done, finished_at FROM rebuilds WHERE started_by = 'ana' ORDER BY id DESC LIMIT 1",
    ).first<{ id: number; total: number; done: number; finished_at: number | null }>();
    expect(row?.total).toBeGreaterThan(2);
    // The queue delivered the fan-out and its pages within the request, as the consumer would after it.
    expect(row?.done).toBe(row?.total);
    expect(row?.finished_at).not.toBeNull();

    const html = await (await get("/desk/pipeline?n=rebuild-started", cookie)).text();
    expect(html).toContain("Rebuild started: every page is being built again.");
    expect(html).toContain(`Rebuild ${row?.id}, started by ana`);
    expect(html).toContain(`<progress id="rebuild-progress" max="${row?.total}" value="${row?.total}">100%</progress>`);
    expect(html).toContain('<label for="rebuild-progress">');
    expect(html).not.toContain(REBUILD_NEEDED_TEXT);
    expect(await (await get("/desk", cookie)).text()).not.toContain(REBUILD_NEEDED_TEXT);
  });

  it("lists what failed every retry, and Replay sends one dead letter back and marks it replayed; Replay all the rest", async () => {
    await publish("doomed", { title: "Doomed" });
    // Changed in D1 without telling the pipeline, so the build below is the one that shows it.
    await env.DB.prepare(
      "UPDATE articles SET record = replace(record, 'Doomed', 'Saved at last'), revision = revision + 1",
    ).run();
    await env.DB.prepare("INSERT INTO outbox (kind, target, due_at, created_at) VALUES ('article', 'doomed', 0, 0)").run();
    await runCron({ ARTICLES: brokenKv });

    const cookie = await signIn();
    const html = await (await get("/desk/pipeline", cookie)).text();
    const letters = await env.DB.prepare("SELECT id, body FROM dead_letters WHERE replayed_at IS NULL ORDER BY id").all<{
      id: number;
      body: string;
    }>();
    const doomed = letters.results.find((letter) => JSON.parse(letter.body).target === "doomed");
    expect(doomed).toBeDefined();
    expect(html).toMatch(new RegExp(`<td>${letters.results.length}</td>`));
    expect(html).toContain('<a href="/desk/articles/doomed">Article page doomed</a>');
    expect(html).toContain("Error: KV is down (injected)");
    expect(html).toContain(`<input type="hidden" name="id" value="${doomed?.id}"/>`);
    expect(html).toContain('aria-label="Replay: Article page doomed"');
    expect(html).toContain('<button type="submit">Replay all</button>');
    expect(html).not.toContain("No failures.");

    const replayed = await post("/desk/pipeline/replay", { id: String(doomed?.id) }, cookie);
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get("Location")).toBe("/desk/pipeline?n=replayed&count=1");
    const row = await env.DB.prepare("SELECT replayed_at FROM dead_letters WHERE id = ?")
      .bind(doomed?.id)
      .first<{ replayed_at: number | null }>();
    expect(row?.replayed_at).not.toBeNull();
    // Sent again with KV working, it is built this time.
    expect(await (await request("/articles/doomed")).text()).toContain("Saved at last");
    const after = await (await get("/desk/pipeline?n=replayed&count=1", cookie)).text();
    expect(after).toContain("Replayed 1 dead letter: it is back on the queue.");
    expect(after).not.toContain('aria-label="Replay: Article page doomed"');

    // The same one again: nothing left to replay, and the page says so.
    expect((await post("/desk/pipeline/replay", { id: String(doomed?.id) }, cookie)).headers.get("Location")).toBe(
      "/desk/pipeline?n=replayed&count=0",
    );
    const rest = letters.results.length - 1;
    const all = await post("/desk/pipeline/replay", {}, cookie);
    expect(all.headers.get("Location")).toBe(`/desk/pipeline?n=replayed&count=${rest}`);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM dead_letters WHERE replayed_at IS NULL").first<{ n: number }>();
    expect(left?.n).toBe(0);
    expect(await (await get("/desk/pipeline", cookie)).text()).toContain("No dead letters.");
  });

  it("refuses an id that is no dead letter's, replaying nothing", async () => {
    const cookie = await signIn();
    for (const id of ["1e3", "-1", "0", "two", "99999999999999999"]) {
      const response = await post("/desk/pipeline/replay", { id }, cookie);
      expect(response.status, id).toBe(400);
      expect(await response.text()).toContain("Not replayed: that dead letter&#39;s id is not valid.");
    }
  });
});

describe("refusals", () => {
  it("sends anyone without a session to sign in, and changes nothing for them", async () => {
    const page = await request("/desk/pipeline", { headers: HTML, redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("Location")).toBe("/desk/sign-in?next=%2Fdesk%2Fpipeline");
    const pressed = await post("/desk/pipeline/rebuild", {}, "");
    expect(pressed.status).toBe(303);
    expect(pressed.headers.get("Location")).toBe("/desk/sign-in?next=%2Fdesk%2Fpipeline%2Frebuild");
    // A script's fetch is told, not redirected.
    const fetched = await request("/desk/pipeline/replay", {
      method: "POST",
      body: new URLSearchParams(),
      headers: { Origin: SITE, Accept: "application/json" },
    });
    expect(fetched.status).toBe(401);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM rebuilds").first("n")).toBe(0);
  });

  it("guards itself: mounted with none of the desk's middleware, it still refuses a visitor", async () => {
    const bare = new Hono<AppEnv>().use(pipelineSetup({ clock })).use(requestSetup()).route("/desk/pipeline", deskPipelineRoutes);
    const page = await bare.request("/desk/pipeline", { headers: HTML }, env, createExecutionContext());
    // Without the desk's refusals, its routes' declarations refuse as the API does.
    expect(page.status).toBe(401);
    const pressed = await bare.request(
      "/desk/pipeline/rebuild",
      { method: "POST", body: new URLSearchParams(), headers: { Accept: "application/json" } },
      env,
      createExecutionContext(),
    );
    expect(pressed.status).toBe(401);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM rebuilds").first("n")).toBe(0);
  });

  it("refuses a form posted from another site (CSRF), starting no rebuild", async () => {
    const cookie = await signIn();
    const response = await post("/desk/pipeline/rebuild", {}, cookie, { Origin: "https://evil.example" });
    expect(response.status).toBe(403);
    expect(await rebuildsBy("ana")).toBe(0);
  });

  it("answers a body that is no form with 415, and a broken form with 400, starting nothing", async () => {
    const cookie = await signIn();
    const json = await request("/desk/pipeline/rebuild", {
      method: "POST",
      body: "{}",
      headers: { Origin: SITE, Cookie: cookie, "Content-Type": "application/json" },
    });
    expect(json.status).toBe(415);
    const none = await request("/desk/pipeline/replay", { method: "POST", headers: { Origin: SITE, Cookie: cookie } });
    expect(none.status).toBe(415);
    const broken = await request("/desk/pipeline/rebuild", {
      method: "POST",
      body: "this is not multipart",
      headers: { Origin: SITE, Cookie: cookie, "Content-Type": "multipart/form-data; boundary=nothing-here" },
    });
    expect(broken.status).toBe(400);
    expect(await rebuildsBy("ana")).toBe(0);
  });
});
