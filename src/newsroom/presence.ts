/**
 * @module newsroom/presence
 * Who has an article open, and its saves as they happen: one Durable Object per article (named by
 * the article's id, so a rename keeps it), holding the WebSockets of everyone who has it open on
 * the Hibernation API (`ctx.acceptWebSocket`), so an idle article costs nothing while its sockets
 * stay open (https://developers.cloudflare.com/durable-objects/best-practices/websockets/).
 *
 * It sends JSON: `{"type": "present", "people": [{"id", "name"}]}` on every join and leave, and
 * `{"type": "saved", "version", "by", "diff"}` on every save, by any path (desk, API, CLI). A save
 * tells it through `notifySaved`, after the response (`waitUntil`), and never fails because of it.
 */
import { DurableObject } from "cloudflare:workers";

/** Who a socket belongs to: kept on the socket itself, so it survives hibernation. */
export interface PresentPerson {
  id: string;
  name: string;
}

/** The header the newsroom's route hands the object the signed-in person in (never from a client). */
export const PRESENCE_PERSON_HEADER = "X-Broadsheet-Presence";

export class ArticlePresence extends DurableObject<NewsroomBindings> {
  /** The WebSocket upgrade, forwarded by `GET /api/articles/:slug/presence` after authentication. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket")
      return new Response("Expected a WebSocket\n", { status: 426 });
    let person: PresentPerson;
    try {
      person = JSON.parse(request.headers.get(PRESENCE_PERSON_HEADER) ?? "") as PresentPerson;
    } catch {
      return new Response("No person\n", { status: 400 });
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ id: person.id, name: person.name } satisfies PresentPerson);
    this.sendPresent();
    return new Response(null, { status: 101, webSocket: client });
  }

  /** A save: every open socket is told at once. */
  async saved(version: string, by: string, diff: string): Promise<void> {
    this.broadcast(JSON.stringify({ type: "saved", version, by, diff }));
  }

  /** Clients send nothing the object needs; a message is ignored. */
  override async webSocketMessage(): Promise<void> {}

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // Already closed.
    }
    this.sendPresent(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.sendPresent(ws);
  }

  /** Everyone present (each person once, however many tabs), to everyone. */
  private sendPresent(leaving?: WebSocket): void {
    const people = new Map<string, PresentPerson>();
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === leaving) continue;
      const who = ws.deserializeAttachment() as PresentPerson | null;
      if (who) people.set(who.id, who);
    }
    this.broadcast(JSON.stringify({ type: "present", people: [...people.values()] }), leaving);
  }

  private broadcast(message: string, except?: WebSocket): void {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except) continue;
      try {
        ws.send(message);
      } catch {
        // A socket that is closing: its close handler updates everyone.
      }
    }
  }
}

/**
 * Tells an article's presence object about a save. Never throws: presence must never fail or slow a
 * save, so callers hand this to `waitUntil`.
 */
export async function notifySaved(
  env: { PRESENCE?: DurableObjectNamespace<ArticlePresence> },
  articleId: string,
  save: { version: string; by: string; diff: string },
): Promise<void> {
  try {
    if (!env.PRESENCE) return;
    await env.PRESENCE.getByName(articleId).saved(save.version, save.by, save.diff);
  } catch (error) {
    console.error("presence: could not tell the article's editors about a save:", error);
  }
}
