/**
 * @module pipeline/messages
 * What travels on the pipeline's queues. A message names one piece of read-model work (an article
 * page, a listing's documents, an old path's redirect, a WebSub ping, a fan-out) and the generation of D1's state it was
 * sent for. Outbox rows become messages one to one; a fan-out becomes one message per document.
 * In the Worker a message's work is typed (`PipelineWork`); on the queue and in D1 it is a kind and
 * a target string, written by `workTarget` and read by `decodeWork`, the one codec.
 */

import { isSlug } from "../core/slug";
import { LINKS_ONLY } from "../data/pipeline";
import { type BuildTarget, formatTarget, parseTarget } from "../targets/build-target";
import { DEFAULT_EDITION, type Edition, isEditionSegment, type StoredName } from "../targets/document-name";
import { MAX_FROM_LENGTH } from "../targets/redirects";

/** The kinds of work a message carries. `purge` is only read from outbox rows written before the queue. */
export type MessageKind = "article" | "listing" | "websub" | "fanout" | "purge" | "redirect";

/**
 * What a fan-out covers: every article's page, or every build target; of every edition, or of one
 * (`edition`: "" for the default's), written `articles@es` (`articles@` for the default edition's).
 */
export type FanoutScope = "articles" | "listings";

/** An article's page, the document an `article` message brings up to D1's state (with its index keys). */
export type PageName = Extract<StoredName, { kind: "page" }>;

/** An old path's redirect document, which a `redirect` message brings up to D1's `path_redirects`. */
export type RedirectName = Extract<StoredName, { kind: "redirect" }>;

/** One piece of work, typed: what a message is for. */
export type PipelineWork =
  | { kind: "article"; page: PageName; linksOnly?: true }
  | { kind: "listing"; target: BuildTarget }
  | { kind: "websub"; feed: string }
  | { kind: "fanout"; scope: FanoutScope; edition?: Edition }
  | { kind: "purge"; tags: string[] }
  | { kind: "redirect"; redirect: RedirectName };

/** What travels with the work. */
interface Bookkeeping {
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

export type PipelineMessage = PipelineWork & Bookkeeping;

/**
 * A message as it travels on a queue, and as the outbox, failures and dead letters keep it in D1:
 * its work's `target` in the one string form `workTarget` writes and `decodeWork` reads.
 */
export interface MessageBody extends Bookkeeping {
  kind: MessageKind;
  target: string;
}

/**
 * The string form of a piece of work's target: an article's slug, a build target's name
 * (targets/build-target.ts), a feed's URL, a fan-out's scope, or comma-joined tags.
 * @example workTarget({ kind: "listing", target: HOME_TARGET }) // "home"
 */
export function workTarget(work: PipelineWork): string {
  switch (work.kind) {
    case "article":
      return `${work.page.slug}${work.linksOnly ? LINKS_ONLY : ""}`;
    case "listing":
      return formatTarget(work.target);
    case "websub":
      return work.feed;
    case "fanout":
      return work.edition === undefined ? work.scope : `${work.scope}@${work.edition}`;
    case "purge":
      return work.tags.join(",");
    case "redirect":
      return work.redirect.path;
  }
}

/** The work a kind and a target stand for, or null when the target names nothing of that kind. */
export function decodeWork(kind: unknown, target: unknown): PipelineWork | null {
  if (typeof target !== "string") return null;
  switch (kind) {
    case "article": {
      // `<slug>@links`: the page only (a translation group's other version), not its index keys.
      const linksOnly = target.endsWith(LINKS_ONLY);
      const slug = linksOnly ? target.slice(0, -LINKS_ONLY.length) : target;
      if (!isSlug(slug)) return null;
      const page: PageName = { kind: "page", edition: DEFAULT_EDITION, slug };
      return linksOnly ? { kind, page, linksOnly } : { kind, page };
    }
    case "listing": {
      const parsed = parseTarget(target);
      return parsed ? { kind, target: parsed } : null;
    }
    case "websub":
      return URL.canParse(target) ? { kind, feed: target } : null;
    case "fanout": {
      const [, scope, edition] = /^(articles|listings)(?:@(.*))?$/.exec(target) ?? [];
      if (scope !== "articles" && scope !== "listings") return null;
      if (edition === undefined) return { kind, scope };
      return edition === DEFAULT_EDITION || isEditionSegment(edition) ? { kind, scope, edition } : null;
    }
    case "purge":
      return { kind, tags: target.split(",").filter(Boolean) };
    case "redirect":
      return target.startsWith("/") && target.length <= MAX_FROM_LENGTH
        ? { kind, redirect: { kind: "redirect", edition: DEFAULT_EDITION, path: target } }
        : null;
    default:
      return null;
  }
}

/** A message as it is sent. */
export const toBody = (message: PipelineMessage): MessageBody => {
  const { id, generation, rebuild, after } = message;
  return {
    kind: message.kind,
    target: workTarget(message),
    ...(id === undefined ? {} : { id }),
    ...(generation === undefined ? {} : { generation }),
    ...(rebuild === undefined ? {} : { rebuild }),
    ...(after === undefined ? {} : { after }),
  };
};

/** The queues the newsroom sends to. Editors' work never waits behind a rebuild's 100,000 pages. */
export interface PipelineQueues {
  /** Saves, deletes, scheduled articles going live: what an editor is waiting to see. */
  urgent: Queue<MessageBody>;
  /** Fan-outs and the pages they send: rebuilds, navigation changes, renames. */
  bulk: Queue<MessageBody>;
}

/**
 * The queue that receives what failed every retry (wrangler.newsroom.toml). Kept out of the
 * newsroom's entry module: workerd takes every export of a Worker's main module for an entrypoint.
 */
export const DEAD_LETTER_QUEUE = "broadsheet-dead-letters";

/** Queues.sendBatch takes at most 100 messages a call. */
export const SEND_BATCH = 100;

/** Sends `messages` in calls of at most 100. */
export async function sendAll(queue: Queue<MessageBody>, messages: PipelineMessage[], delaySeconds?: number): Promise<void> {
  for (let i = 0; i < messages.length; i += SEND_BATCH) {
    const batch = messages.slice(i, i + SEND_BATCH).map((message) => ({ body: toBody(message), contentType: "json" as const }));
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
export const workKey = (message: PipelineMessage): string =>
  `${message.kind}\u0000${workTarget(message)}\u0000${message.after ?? ""}`;

/** A message body as received, checked: anything else is dropped with a log line, never retried forever. */
export function parseMessage(body: unknown): PipelineMessage | null {
  if (typeof body !== "object" || body === null) return null;
  const m = body as Record<string, unknown>;
  const work = decodeWork(m.kind, m.target);
  if (!work) return null;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const message: PipelineMessage = { ...work };
  const id = num(m.id);
  const generation = num(m.generation);
  const rebuild = num(m.rebuild);
  if (id !== undefined) message.id = id;
  if (generation !== undefined) message.generation = generation;
  if (rebuild !== undefined) message.rebuild = rebuild;
  if (typeof m.after === "string") message.after = m.after;
  return message;
}
