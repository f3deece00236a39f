/**
 * Presence (newsroom/presence.ts): two editors with an article open see each other, and both are
 * told of a save made through the API; a save never fails because presence cannot be reached.
 */
import type { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { articleFile, requestOnly, TOKEN } from "./helpers";

/** Saves an article without waiting for the pipeline, which presence has nothing to do with. */
const save = (slug: string, fields: Record<string, unknown> = {}) =>
  requestOnly(`/api/articles/${slug}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "text/markdown" },
    body: articleFile(fields),
  });

interface Message {
  type: string;
  people?: Array<{ id: string; name: string }>;
  version?: string;
  by?: string;
}

/** An open socket, and a way to wait for the next message that matches. */
async function connect(slug: string, token = TOKEN, cookie?: string) {
  const response = cookie
    ? await requestOnly(`/desk/articles/${slug}/presence`, { headers: { Upgrade: "websocket", Cookie: cookie } })
    : await requestOnly(`/api/articles/${slug}/presence`, {
        headers: { Upgrade: "websocket", Authorization: `Bearer ${token}` },
      });
  expect(response.status).toBe(101);
  const ws = response.webSocket;
  if (!ws) throw new Error("no WebSocket");
  ws.accept();
  const received: Message[] = [];
  const waiting: Array<{ test: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as Message;
    received.push(message);
    for (const w of [...waiting]) {
      if (w.test(message)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  const next = (test: (m: Message) => boolean) =>
    new Promise<Message>((resolve) => {
      const found = received.find(test);
      if (found) {
        received.splice(received.indexOf(found), 1);
        resolve(found);
      } else waiting.push({ test, resolve });
    });
  return { ws, next, received };
}

describe("presence", () => {
  it("two clients see each other, and both see a save made through the API", async () => {
    await save("harbour");
    const ana = await connect("harbour");
    await ana.next((m) => m.type === "present" && m.people?.length === 1);
    const bootstrapTwo = "test-token-previous-0123456789abcdef";
    const bo = await connect("harbour", bootstrapTwo);
    const both = await ana.next((m) => m.type === "present" && m.people?.length === 2);
    expect(both.people?.map((p) => p.name).sort()).toEqual(["ana", "editor"]);
    await bo.next((m) => m.type === "present" && m.people?.length === 2);
    const saved = await save("harbour", { summary: "Changed." });
    expect(saved.status).toBe(200);
    const version = saved.headers.get("ETag")?.replaceAll('"', "");
    for (const client of [ana, bo]) {
      const message = await client.next((m) => m.type === "saved");
      expect(message).toMatchObject({ type: "saved", version, by: "ana" });
    }
    bo.ws.close(1000, "done");
    const left = await ana.next((m) => m.type === "present" && m.people?.length === 1);
    expect(left.people?.map((p) => p.name)).toEqual(["ana"]);
    ana.ws.close(1000, "done");
  });

  it("refuses anyone not signed in, and a request that is no WebSocket", async () => {
    await save("harbour");
    expect((await requestOnly("/api/articles/harbour/presence", { headers: { Upgrade: "websocket" } })).status).toBe(401);
    expect((await requestOnly("/api/articles/harbour/presence", { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(
      426,
    );
  });

  it("never fails a save when the presence object cannot be reached", async () => {
    await save("harbour");
    const broken = {
      getByName: () => {
        throw new Error("presence is down (injected)");
      },
    } as unknown as typeof env.PRESENCE;
    const response = await requestOnly(
      "/api/articles/harbour",
      {
        method: "PUT",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "text/markdown" },
        body: articleFile({ summary: "Still saved." }),
      },
      { PRESENCE: broken },
    );
    expect(response.status).toBe(200);
  });

  it("works from the desk with a session, beside a bearer token's socket", async () => {
    await save("harbour");
    const signIn = await requestOnly("/desk/sign-in", {
      method: "POST",
      redirect: "manual",
      headers: { Origin: "https://news.example", Accept: "text/html" },
      body: new URLSearchParams({ token: "test-token-previous-0123456789abcdef", next: "/desk" }),
    });
    const cookie = (signIn.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
    const fromDesk = await connect("harbour", TOKEN, cookie);
    await fromDesk.next((m) => m.type === "present" && m.people?.length === 1);
    const fromApi = await connect("harbour");
    const both = await fromDesk.next((m) => m.type === "present" && m.people?.length === 2);
    expect(both.people?.map((p) => p.name).sort()).toEqual(["ana", "editor"]);
    fromApi.ws.close(1000, "done");
    fromDesk.ws.close(1000, "done");
  });
});
