import { describe, expect, it } from "vitest";
import { kvSnapshot, publish, request, TOKEN } from "./helpers";

const AUTH = { Authorization: `Bearer ${TOKEN}` };

/** Every API route that reads a JSON body, with a body it would accept, and the GET that shows what it wrote. */
const ROUTES: Array<{ method: string; path: string; body: unknown; after: string }> = [
  { method: "PUT", path: "/api/sections/world", body: { name: "World" }, after: "/api/sections" },
  { method: "PUT", path: "/api/authors/ana", body: { name: "Ana" }, after: "/api/authors" },
  { method: "PUT", path: "/api/editions/es", body: { name: "Español", title: "Noticias" }, after: "/api/editions" },
  { method: "POST", path: "/api/people", body: { name: "Bo", email: "bo@news.example", role: "editor" }, after: "/api/people" },
  { method: "PUT", path: "/api/redirects", body: [{ from: "/old", to: "/new" }], after: "/api/redirects" },
  {
    method: "PUT",
    path: "/api/imports?source=ghost",
    body: [{ id: "1", slug: "json-target" }],
    after: "/api/imports?source=ghost",
  },
  {
    method: "POST",
    path: "/api/articles/json-target/corrections",
    body: { kind: "correction", text: "A date was wrong." },
    after: "/api/articles/json-target/corrections",
  },
];

async function stateOf(path: string): Promise<string> {
  return await (await request(path, { headers: AUTH })).text();
}

describe("a JSON route's body, read once by jsonInput", () => {
  it("answers 415 naming the type sent, and 400 for broken JSON, in the API's error shape, writing nothing", async () => {
    await publish("json-target");
    for (const route of ROUTES) {
      const before = await stateOf(route.after);
      const kv = await kvSnapshot();
      const wrongType = await request(route.path, {
        method: route.method,
        headers: { ...AUTH, "Content-Type": "text/plain" },
        body: JSON.stringify(route.body),
      });
      expect(wrongType.status, route.path).toBe(415);
      expect(await wrongType.json(), route.path).toEqual({
        error: "Send JSON",
        details: [{ field: "Content-Type", problem: "must be application/json, not text/plain" }],
      });
      const broken = await request(route.path, {
        method: route.method,
        headers: { ...AUTH, "Content-Type": "application/json; charset=utf-8" },
        body: `${JSON.stringify(route.body).slice(0, -1)},`,
      });
      expect(broken.status, route.path).toBe(400);
      expect(await broken.json(), route.path).toEqual({
        error: "The body is not valid JSON",
        details: [{ field: "body", problem: "is not valid JSON" }],
      });
      expect(await stateOf(route.after), route.path).toBe(before);
      expect(await kvSnapshot(), route.path).toEqual(kv);
    }
  });
});
