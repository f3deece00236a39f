/**
 * Review and sign-off (newsroom/workflow.ts, newsroom/api-workflow.ts), contributors' limits, and the
 * audit log written in the same batch as each change.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { auditStatement } from "../../src/data/audit";
import { insertPerson, insertToken } from "../../src/data/people";
import { archiveAudit } from "../../src/newsroom/audit-archive";
import { sha256Hex } from "../../src/newsroom/auth";
import { sealSession } from "../../src/newsroom/desk/session";
import type { Role } from "../../src/newsroom/permissions";
import { articleFile, clock, kvSnapshot, request, requestOnly, TOKEN } from "./helpers";

const tokens = new Map<string, string>();

async function person(key: string, role: Role): Promise<string> {
  const now = clock.now();
  const token = `bs_${key}_${"t".repeat(40)}`;
  await env.DB.batch([
    insertPerson(env.DB, {
      id: key,
      name: `Person ${key}`,
      email: `${key}@news.example`,
      emailKey: `${key}@news.example`,
      role,
      now,
    }),
    insertToken(env.DB, {
      id: `tok-${key}`,
      personId: key,
      name: "t",
      hash: await sha256Hex(token),
      now,
      expires: now + 86_400_000,
    }),
  ]);
  tokens.set(key, token);
  return token;
}

const as = (key: string, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${tokens.get(key)}`, ...extra });

function put(key: string, slug: string, fields: Record<string, unknown>, headers: Record<string, string> = {}) {
  return request(`/api/articles/${slug}`, {
    method: "PUT",
    headers: as(key, { "Content-Type": "text/markdown", ...headers }),
    body: articleFile({ title: "Harbour plans", ...fields }),
  });
}

const post = (key: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  request(path, {
    method: "POST",
    headers: as(key, { "Content-Type": "application/json", ...headers }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

interface ArticleView {
  version: string;
  workflow: {
    state: string;
    owner: string | null;
    signOff: boolean;
    approvedVersion: string | null;
    signedOff: { version: string; current: boolean } | null;
  };
}
const read = async (slug: string): Promise<ArticleView> =>
  (await (await request(`/api/articles/${slug}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as ArticleView;

beforeEach(async () => {
  tokens.clear();
  await person("cleo", "contributor");
  await person("dan", "contributor");
  await person("eve", "editor");
  await person("sam", "standards");
});

describe("contributors", () => {
  it("create and edit their own drafts, and nothing more", async () => {
    expect((await put("cleo", "harbour", { draft: true })).status).toBe(201);
    expect((await read("harbour")).workflow).toMatchObject({ state: "draft", owner: "cleo" });
    expect((await put("cleo", "harbour", { draft: true, summary: "Better." })).status).toBe(200);
    for (const fields of [{ draft: false }, {}, { draft: false, published: "2099-01-01T00:00:00Z" }]) {
      const publishing = await put("cleo", "harbour", fields);
      expect(publishing.status, JSON.stringify(fields)).toBe(403);
      expect(await publishing.json()).toEqual({ error: "forbidden", need: "articles:publish" });
    }
    // Someone else's draft, and a published article, are not theirs to edit.
    expect((await put("dan", "harbour", { draft: true, summary: "Mine now." })).status).toBe(403);
    expect((await put("eve", "published-one", {})).status).toBe(201);
    expect((await put("cleo", "published-one", { draft: true })).status).toBe(403);
    expect((await post("dan", "/api/articles/harbour/submit")).status).toBe(403);
  });

  it("cannot trash, move, restore, correct, or run the pipeline: 403 naming what they lack, and nothing written", async () => {
    await put("eve", "harbour", {});
    await request("/api/me", { headers: as("cleo") }); // Her token's first use is recorded (last used).
    const before = await kvSnapshot();
    const attempts: Array<[string, string, string]> = [
      ["DELETE", "/api/articles/harbour", "articles:publish"],
      ["POST", "/api/articles/harbour/move", "articles:publish"],
      ["POST", "/api/articles/harbour/restore", "articles:publish"],
      ["POST", "/api/articles/harbour/corrections", "corrections:write"],
      ["POST", "/api/articles/harbour/updates", "live:write"],
      ["POST", "/api/articles/harbour/approve", "articles:review"],
      ["POST", "/api/pipeline/rebuild", "pipeline:manage"],
      ["POST", "/api/people", "people:manage"],
      ["GET", "/api/audit", "audit:read"],
    ];
    for (const [method, path, need] of attempts) {
      const response = await requestOnly(path, {
        method,
        headers: as("cleo", { "Content-Type": "application/json" }),
        ...(method === "GET" ? {} : { body: "{}" }),
      });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(await response.json()).toEqual({ error: "forbidden", need });
    }
    expect(await kvSnapshot()).toEqual(before);
  });
});

describe("review", () => {
  it("submit, return with a note, submit again, approve bound to the version; notes stay internal", async () => {
    await put("cleo", "harbour", { draft: true });
    expect((await post("cleo", "/api/articles/harbour/submit")).status).toBe(200);
    expect((await read("harbour")).workflow.state).toBe("in-review");
    expect((await post("cleo", "/api/articles/harbour/submit")).status).toBe(409);
    const returned = await post("eve", "/api/articles/harbour/return", { note: "Needs a second source for the cost figure." });
    expect(returned.status).toBe(200);
    expect((await read("harbour")).workflow.state).toBe("draft");
    await post("cleo", "/api/articles/harbour/notes", { body: "Added the council's figure." });
    await post("cleo", "/api/articles/harbour/submit");
    const { version } = await read("harbour");
    expect((await post("eve", "/api/articles/harbour/approve")).status).toBe(428);
    expect((await post("eve", "/api/articles/harbour/approve", undefined, { "If-Match": '"not-it"' })).status).toBe(412);
    const approved = await post("eve", "/api/articles/harbour/approve", undefined, { "If-Match": `"${version}"` });
    expect(approved.status).toBe(200);
    expect((await read("harbour")).workflow).toMatchObject({ state: "ready", approvedVersion: version });
    const notes = (await (await request("/api/articles/harbour/notes", { headers: as("cleo") })).json()) as {
      notes: Array<{ body: string; by: { name: string } }>;
    };
    expect(notes.notes.map((n) => n.body)).toEqual(["Needs a second source for the cost figure.", "Added the council's figure."]);
    // Published, the notes are in no document of the read model.
    await put("eve", "harbour", {});
    const snapshot = JSON.stringify(Object.entries(await kvSnapshot()).filter(([key]) => !key.startsWith("d1:")));
    expect(snapshot).toContain("Harbour plans");
    expect(snapshot).not.toContain("second source");
    const actions = await env.DB.prepare("SELECT action FROM audit WHERE target = 'article:harbour' ORDER BY id").all<{
      action: string;
    }>();
    expect(actions.results.map((r) => r.action)).toEqual([
      "article-created",
      "submitted",
      "returned",
      "note-added",
      "submitted",
      "approved",
      "article-saved",
    ]);
  });

  it("of 20 concurrent approvals with the same If-Match, one succeeds, and one is audited", async () => {
    await put("cleo", "harbour", { draft: true });
    await post("cleo", "/api/articles/harbour/submit");
    const { version } = await read("harbour");
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        requestOnly("/api/articles/harbour/approve", { method: "POST", headers: as("eve", { "If-Match": `"${version}"` }) }),
      ),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 409)).toHaveLength(19);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM audit WHERE action = 'approved'").first("n")).toBe(1);
  });
});

describe("sign-off", () => {
  it("holds publishing at 409 until standards signs off the exact version; an edit voids it", async () => {
    await put("eve", "harbour", { draft: true });
    const marked = await request("/api/articles/harbour/workflow", {
      method: "PATCH",
      headers: as("eve", { "Content-Type": "application/json" }),
      body: JSON.stringify({ signOff: true }),
    });
    expect(marked.status).toBe(200);
    const held = await put("eve", "harbour", {});
    expect(held.status).toBe(409);
    expect(await held.json()).toEqual({ error: "needs sign-off" });
    const { version } = await read("harbour");
    // An editor cannot sign off; standards can, on the current version only.
    expect((await post("eve", "/api/articles/harbour/sign-off", undefined, { "If-Match": `"${version}"` })).status).toBe(403);
    expect((await post("sam", "/api/articles/harbour/sign-off", undefined, { "If-Match": '"old"' })).status).toBe(412);
    expect((await post("sam", "/api/articles/harbour/sign-off", undefined, { "If-Match": `"${version}"` })).status).toBe(200);
    expect((await read("harbour")).workflow.signedOff).toMatchObject({ version, current: true });
    // An edit voids it: the desk and the API say so, and publishing is held again.
    expect((await put("eve", "harbour", { draft: true, summary: "A late change." })).status).toBe(200);
    expect((await read("harbour")).workflow.signedOff?.current).toBe(false);
    expect((await put("eve", "harbour", { summary: "A late change." })).status).toBe(409);
    const again = await read("harbour");
    await post("sam", "/api/articles/harbour/sign-off", undefined, { "If-Match": `"${again.version}"` });
    // Publishing exactly what was signed off goes through.
    expect((await put("eve", "harbour", { summary: "A late change." })).status).toBe(200);
    const audited = await env.DB.prepare("SELECT action, version FROM audit WHERE action = 'signed-off' ORDER BY id").all();
    expect(audited.results).toEqual([
      { action: "signed-off", version },
      { action: "signed-off", version: again.version },
    ]);
  });
});

describe("the audit log", () => {
  it("writes one entry per change, in its batch, with the version it made; a refused change writes none", async () => {
    const created = await put("eve", "harbour", {});
    const version = (await read("harbour")).version;
    expect(created.status).toBe(201);
    const entries = await env.DB.prepare("SELECT actor_id, actor_name, action, target, version FROM audit").all();
    expect(entries.results).toEqual([
      { actor_id: "eve", actor_name: "Person eve", action: "article-created", target: "article:harbour", version },
    ]);
    const before = await kvSnapshot();
    expect((await put("eve", "harbour", { summary: "x" }, { "If-Match": '"stale"' })).status).toBe(412);
    expect(await kvSnapshot()).toEqual(before);
  });

  it("GET /api/audit: newest first, filtered by person, article, action and time, paged by a cursor", async () => {
    await put("eve", "harbour", { draft: true });
    clock.advance(1000);
    const since = new Date(clock.now()).toISOString();
    await put("eve", "harbour", { draft: true, summary: "One." });
    await put("eve", "lighthouse", { draft: true });
    await post("cleo", "/api/articles/lighthouse/notes", { body: "A note." });
    const admin = { Authorization: `Bearer ${TOKEN}` };
    const get = async (query: string) => {
      const response = await request(`/api/audit?${query}`, { headers: admin });
      expect(response.status, query).toBe(200);
      return (await response.json()) as {
        entries: Array<{ action: string; target: string; actor: { id: string } }>;
        next: string | null;
      };
    };
    const all = await get("");
    expect(all.entries.map((e) => e.action)).toEqual(["note-added", "article-created", "article-saved", "article-created"]);
    expect((await get("article=harbour")).entries.map((e) => e.action)).toEqual(["article-saved", "article-created"]);
    expect((await get("person=cleo")).entries.map((e) => e.action)).toEqual(["note-added"]);
    expect((await get("action=article-created")).entries.map((e) => e.target)).toEqual(["article:lighthouse", "article:harbour"]);
    expect((await get(`since=${encodeURIComponent(since)}`)).entries).toHaveLength(3);
    const first = await get("limit=3");
    expect(first.entries).toHaveLength(3);
    const rest = await get(`limit=3&cursor=${first.next}`);
    expect(rest.entries.map((e) => e.action)).toEqual(["article-created"]);
    expect(rest.next).toBeNull();
    for (const bad of ["since=yesterday", "cursor=abc", "limit=0", "limit=501"]) {
      expect((await request(`/api/audit?${bad}`, { headers: admin })).status, bad).toBe(400);
    }
  });
});

describe("the desk", () => {
  async function cookieOf(key: string): Promise<string> {
    const session = await sealSession(
      { id: `s-${key}`, editor: `Person ${key}`, key: "person", person: key, expires: clock.now() + 3_600_000 },
      env.DESK_SECRET,
    );
    return `broadsheet_desk=${session}`;
  }
  const desk = async (key: string, path: string, form?: Record<string, string>) =>
    requestOnly(path, {
      redirect: "manual",
      headers: { Accept: "text/html", Origin: "https://news.example", Cookie: await cookieOf(key) },
      ...(form ? { method: "POST", body: new URLSearchParams(form) } : {}),
    });

  it("shows each role the moves it may make, and makes them", async () => {
    await put("cleo", "harbour", { draft: true });
    const mine = await (await desk("cleo", "/desk/articles/harbour")).text();
    expect(mine).toContain("Submit for review");
    expect(mine).not.toContain("Move to trash");
    expect(mine).not.toContain("Rename");
    expect((await desk("cleo", "/desk/articles/harbour/submit", {})).status).toBe(200);
    const { version } = await read("harbour");
    const theirs = await (await desk("eve", "/desk/articles/harbour")).text();
    expect(theirs).toContain("Approve this version");
    expect(theirs).toContain("Move to trash");
    expect((await desk("eve", "/desk/articles/harbour/approve", { version })).status).toBe(200);
    expect((await read("harbour")).workflow.state).toBe("ready");
    expect((await desk("eve", "/desk/articles/harbour/notes", { note: "Lawyer to look at para 3." })).status).toBe(200);
    await request("/api/articles/harbour/workflow", {
      method: "PATCH",
      headers: as("eve", { "Content-Type": "application/json" }),
      body: JSON.stringify({ signOff: true }),
    });
    const lawyer = await (await desk("sam", "/desk/articles/harbour")).text();
    expect(lawyer).toContain("Sign off this version");
    expect(lawyer).toContain("Lawyer to look at para 3.");
    expect((await desk("sam", "/desk/articles/harbour/sign-off", { version })).status).toBe(200);
    expect((await read("harbour")).workflow.signedOff?.current).toBe(true);
    // A contributor's form cannot approve: a page that names the permission.
    const refused = await desk("cleo", "/desk/articles/harbour/approve", { version });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("articles:review");
  });
});

describe("the audit log's archive", () => {
  it("moves entries older than AUDIT_ARCHIVE_DAYS to one JSON Lines file a month in R2, once, and keeps them listable", async () => {
    const day = 24 * 60 * 60 * 1000;
    const old = Date.UTC(2024, 2, 10);
    clock.at = Math.max(clock.at, old + 400 * day);
    await env.DB.batch(
      [0, 1, 2].map((i) =>
        auditStatement(env.DB, {
          at: old + i * day,
          actorId: "eve",
          actorName: "Person eve",
          action: "article-saved",
          target: "article:x",
        }),
      ),
    );
    await put("eve", "recent", {});
    expect(await archiveAudit(env.DB, env.MEDIA, clock.now(), 365)).toEqual({ month: "2024-03", moved: 3 });
    expect(await archiveAudit(env.DB, env.MEDIA, clock.now(), 365)).toBeNull();
    const file = await (await env.MEDIA.get("audit/2024-03.jsonl"))?.text();
    expect(
      file
        ?.trim()
        .split("\n")
        .map((line) => JSON.parse(line).action),
    ).toEqual(["article-saved", "article-saved", "article-saved"]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM audit").first("n")).toBe(1);
    const admin = { Authorization: `Bearer ${TOKEN}` };
    const listed = (await (await request("/api/audit/archive", { headers: admin })).json()) as {
      months: Array<{ month: string }>;
    };
    expect(listed.months.map((m) => m.month)).toEqual(["2024-03"]);
    const month = await request("/api/audit/archive/2024-03", { headers: admin });
    expect(month.headers.get("Content-Type")).toContain("application/x-ndjson");
    expect((await month.text()).trim().split("\n")).toHaveLength(3);
    expect((await request("/api/audit/archive/2024-03", { headers: as("eve") })).status).toBe(403);
  });
});
