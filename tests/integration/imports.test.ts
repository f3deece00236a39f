/**
 * Which article each imported post became (newsroom/api-imports.ts, issue 26): recorded on the site
 * by article, not by slug, so a rename carries it along and an import run again from any machine
 * finds the same article; bad input refused naming the field, writing nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { publish, request, TOKEN } from "./helpers";

const AUTH = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };
const SOURCE = "wordpress https://old.example";
const path = (source = SOURCE) => `/api/imports?source=${encodeURIComponent(source)}`;
const put = (body: unknown, source = SOURCE) =>
  request(path(source), { method: "PUT", headers: AUTH, body: JSON.stringify(body) });
const posts = async (source = SOURCE) => {
  const response = await request(path(source), { headers: AUTH });
  expect(response.status).toBe(200);
  return ((await response.json()) as { posts: Array<{ id: string; slug: string; version: string }> }).posts;
};
const rows = async () => (await env.DB.prepare("SELECT count(*) AS n FROM import_sources").first<number>("n")) ?? 0;

describe("import sources", () => {
  it("are recorded per source, follow a rename, and leave the trash out", async () => {
    await publish("harbour-plan", { title: "Harbour plan" });
    await publish("ferry-times", { title: "Ferry times" });
    expect(
      await (
        await put([
          { id: "12", slug: "harbour-plan" },
          { id: "13", slug: "ferry-times" },
        ])
      ).json(),
    ).toMatchObject({ changed: 2 });
    // Another export's post 12 is another post.
    await put([{ id: "12", slug: "ferry-times" }], "ghost");
    expect((await posts()).map((p) => [p.id, p.slug])).toEqual([
      ["12", "harbour-plan"],
      ["13", "ferry-times"],
    ]);
    const moved = await request("/api/articles/harbour-plan/move", {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({ to: "harbour-plan-approved" }),
    });
    expect(moved.status).toBe(200);
    const afterMove = await posts();
    expect(afterMove[0]).toMatchObject({ id: "12", slug: "harbour-plan-approved" });
    expect(afterMove[0]?.version).toMatch(/^[\w-]+$/);
    // The same record again changes nothing.
    expect(await (await put([{ id: "13", slug: "ferry-times" }])).json()).toMatchObject({ changed: 0 });
    expect((await request("/api/articles/ferry-times", { method: "DELETE", headers: AUTH })).status).toBe(200);
    expect((await posts()).map((p) => p.id)).toEqual(["12"]);
    expect((await posts("ghost")).map((p) => p.id)).toEqual([]);
  });

  it("refuse bad input naming the field, and an unknown article, writing nothing", async () => {
    await publish("harbour-plan", { title: "Harbour plan" });
    for (const [body, field] of [
      [[{ id: "12", slug: "Not A Slug" }], "[0].slug"],
      [[{ id: "", slug: "harbour-plan" }], "[0].id"],
      [[{ id: "1\u0000", slug: "harbour-plan" }], "[0].id"],
      [[{ id: "12", slug: "harbour-plan", extra: 1 }], "[0].extra"],
      [[], ""],
      [
        [
          { id: "12", slug: "harbour-plan" },
          { id: "13", slug: "no-such-article" },
        ],
        "[1].slug",
      ],
    ] as const) {
      const response = await put(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const details = ((await response.json()) as { details: Array<{ field: string }> }).details;
      expect(
        details.map((d) => d.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    const noSource = await request("/api/imports", { headers: AUTH });
    expect(noSource.status).toBe(400);
    expect(((await noSource.json()) as { details: Array<{ field: string }> }).details[0]?.field).toBe("source");
    expect(await rows()).toBe(0);
  });
});
