/**
 * @module newsroom/api-presence
 * `GET /api/articles/:slug/presence`: upgrades to a WebSocket on the article's presence object
 * (newsroom/presence.ts), for anyone signed in (a bearer token, or the desk's session). The object
 * is told who is connecting by this route, after authentication, never by the client.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { getArticleRow } from "../data/articles";
import { apiError, slugParam } from "./api-input";
import type { AppEnv } from "./app-env";
import { type Actor, requires } from "./permissions";
import { PRESENCE_PERSON_HEADER } from "./presence";

export const presenceApi = new Hono<AppEnv>().get("/articles/:slug/presence", requires("articles:read"), slugParam, async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket")
    return c.json(
      { error: "Open this address as a WebSocket", details: [{ field: "Upgrade", problem: "must be websocket" }] },
      426,
    );
  const { slug } = c.req.valid("param");
  const row = await getArticleRow(c.env.DB, slug);
  if (!row || row.deleted_at !== null)
    return apiError(c, 404, `There is no article "${slug}"`, [{ field: "slug", problem: "names no article" }]);
  return openPresence(c, row.id);
});

/** Upgrades the request to a WebSocket on article `articleId`'s presence object, as the signed-in actor. */
export async function openPresence(c: Pick<Context<AppEnv>, "env" | "var">, articleId: string): Promise<Response> {
  const actor = c.var.actor as Actor;
  const headers = new Headers({
    Upgrade: "websocket",
    [PRESENCE_PERSON_HEADER]: JSON.stringify({ id: actor.id, name: actor.name }),
  });
  const answer = await c.env.PRESENCE.getByName(articleId).fetch(new Request("https://presence.invalid/", { headers }));
  // A new Response, whose headers the app's middleware may still set.
  return new Response(null, { status: answer.status, webSocket: answer.webSocket });
}
