/**
 * @module pipeline/messages
 * What travels on the pipeline's queues. A message names one piece of read-model work (an article
 * page, a listing's documents, an old path's redirect, a WebSub ping, a fan-out) and the generation of D1's state it was
 * sent for. Outbox rows become messages one to one; a fan-out becomes one message per document.
 */

/** The kinds of work a message carries. `purge` is only read from outbox rows written before the queue. */
export type MessageKind = "article" | "listing" | "websub" | "fanout" | "purge" | "redirect";

export interface PipelineMessage {
  kind: MessageKind;
  /** An article's slug, a listing's name, an old path (redirect), a feed URL, or what a fan-out covers ("articles" or "listings"). */
  target: string;
  /** The outbox row this message stands for; absent for the pages a fan-out sends. */
  id?: number;
  /**
   * The generation it is for: an article's revision, a listing's generation. A message for an older
   * generation than D1's built one is acknowledged without work: a newer message is on its way.
   */
  generation?: number;
  /** The rebuild this message counts towards, shown as progress. */
  rebuild?: number;
  /** Fan-outs: the last slug or name already sent, so each message covers one page of the archive. */
  after?: string;
}

/** The queues the newsroom sends to. Editors' work never waits behind a rebuild's 100,000 pages. */
export interface PipelineQueues {
  /** Saves, deletes, scheduled articles going live: what an editor is waiting to see. */
  urgent: Queue<PipelineMessage>;
  /** Fan-outs and the pages they send: rebuilds, navigation changes, renames. */
  bulk: Queue<PipelineMessage>;
}

/**
 * The queue that receives what failed every retry (wrangler.newsroom.toml). Kept out of the
 * newsroom's entry module: workerd takes every export of a Worker's main module for an entrypoint.
 */
export const DEAD_LETTER_QUEUE = "broadsheet-dead-letters";

/** Queues.sendBatch takes at most 100 messages a call. */
export const SEND_BATCH = 100;

/** Sends `messages` in calls of at most 100. */
export async function sendAll(queue: Queue<PipelineMessage>, messages: PipelineMessage[], delaySeconds?: number): Promise<void> {
  for (let i = 0; i < messages.length; i += SEND_BATCH) {
    const batch = messages.slice(i, i + SEND_BATCH).map((body) => ({ body, contentType: "json" as const }));
    await queue.sendBatch(batch, delaySeconds ? { delaySeconds } : undefined);
  }
}

/**
 * How long a failed message waits before its next attempt: 5 s, doubling with each attempt, at most
 * 5 minutes. `attempts` counts this delivery (1 on the first).
 * @example retryDelaySeconds(1) // 5
 */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

/** The key that makes two messages the same work: applying one stands for both. */
export const workKey = (message: Pick<PipelineMessage, "kind" | "target" | "after">): string =>
  `${message.kind}\u0000${message.target}\u0000${message.after ?? ""}`;

/** A message body as received, checked: anything else is dropped with a log line, never retried forever. */
export function parseMessage(body: unknown): PipelineMessage | null {
  if (typeof body !== "object" || body === null) return null;
  const m = body as Record<string, unknown>;
  const kinds: MessageKind[] = ["article", "listing", "websub", "fanout", "purge", "redirect"];
  if (!kinds.includes(m.kind as MessageKind) || typeof m.target !== "string") return null;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const message: PipelineMessage = { kind: m.kind as MessageKind, target: m.target };
  const id = num(m.id);
  const generation = num(m.generation);
  const rebuild = num(m.rebuild);
  if (id !== undefined) message.id = id;
  if (generation !== undefined) message.generation = generation;
  if (rebuild !== undefined) message.rebuild = rebuild;
  if (typeof m.after === "string") message.after = m.after;
  return message;
}
