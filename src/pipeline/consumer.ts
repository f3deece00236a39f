/**
 * @module pipeline/consumer
 * The queue consumer: applies a batch of messages to the read model, acknowledging each on its own.
 * Work for the same target is applied once for the whole batch; article pages share one read of
 * the navigation; the tags of the whole batch are purged together at its end. A message that fails
 * is retried with a delay that grows with its attempts, and after the last retry it reaches the
 * dead-letter queue, which `recordDeadLetters` turns into rows editors can see and replay.
 */

import {
  completeStatements,
  currentGenerations,
  deadLetterStatements,
  failureStatements,
  recordRebuildProgress as recordProgress,
  runStatements,
  schedulePurgeStatements,
} from "../data/pipeline";
import type { NavSection } from "../render/layout";
import { formatTarget } from "../targets/build-target";
import { DEFAULT_EDITION, type Edition } from "../targets/document-name";
import { expandFanout } from "./fanout";
import { loadNav } from "./listing-builders";
import { applyArticles, applyListing, type ListingState, type Materialiser, pingHub } from "./materialise";
import { type PipelineMessage, parseMessage, retryDelaySeconds, sendAll, toBody, workKey, workTarget } from "./messages";
import { sendOutbox } from "./outbox";
import { type FlushReport, flushPurges, HOLD_MS } from "./purges";
import { applyRedirects } from "./redirect-builder";

/** Kinds in the order a batch applies them: pages before the listings that link them. */
const ORDER: Record<PipelineMessage["kind"], number> = { fanout: 0, article: 1, redirect: 1, listing: 2, purge: 3, websub: 4 };
/** A listing another consumer is building is looked at again after this. */
const BUSY_DELAY_SECONDS = 2;

export interface BatchReport {
  applied: string[];
  skipped: string[];
  failed: string[];
  purges: FlushReport;
}

interface Group {
  message: PipelineMessage;
  deliveries: Array<Message<unknown>>;
  parsed: PipelineMessage[];
}

/** Applies one batch. Never throws for one message's failure: that message alone is retried. */
export async function consumeBatch(worker: Materialiser, batch: MessageBatch<unknown>): Promise<BatchReport> {
  // The purges the batch's work schedules wait for its end, to go in one D1 batch with its outbox rows.
  const m: Materialiser = { ...worker, deferred: [] };
  const report: BatchReport = { applied: [], skipped: [], failed: [], purges: { requests: [], refused: 0, waiting: false } };
  const groups = new Map<string, Group>();
  for (const delivery of batch.messages) {
    const message = parseMessage(delivery.body);
    if (!message) {
      console.error(`pipeline: dropping a message that is not one of ours: ${JSON.stringify(delivery.body).slice(0, 200)}`);
      delivery.ack();
      continue;
    }
    const key = workKey(message);
    const group = groups.get(key);
    if (!group) groups.set(key, { message, deliveries: [delivery], parsed: [message] });
    else {
      group.deliveries.push(delivery);
      group.parsed.push(message);
      // The group stands for its newest generation and its newest outbox row.
      if ((message.generation ?? -1) > (group.message.generation ?? -1))
        group.message = { ...group.message, generation: message.generation };
      if ((message.id ?? -1) > (group.message.id ?? -1)) group.message = { ...group.message, id: message.id };
    }
  }
  // Each edition's navigation, read once for the batch's pages in that edition.
  const navs = new Map<Edition, Promise<NavSection[]>>();
  const navigation = (edition: Edition = DEFAULT_EDITION): Promise<NavSection[]> => {
    let nav = navs.get(edition);
    if (!nav) {
      nav = loadNav(m.db, m.clock.now(), edition).catch((error: unknown) => {
        navs.delete(edition);
        throw error;
      });
      navs.set(edition, nav);
    }
    return nav;
  };
  const pings: Group[] = [];
  const redirects: Group[] = [];
  const rebuildDone = new Map<number, number>();
  // Whether each message is older than D1's state, asked once for the whole batch, before any work.
  const current = await currentGenerations(
    m.db,
    [...groups.values()].map(({ message }) => ({ ...toBody(message) })),
  );
  const done: Array<{ group: Group; label: string; skipped: boolean }> = [];
  // Every page the batch writes, from one read of D1 and one look after (materialise.ts).
  const pages = [...groups.values()].flatMap(({ message }) =>
    message.kind === "article" && !message.linksOnly && !isOlder(current, message) ? [message.page.slug] : [],
  );
  // A translation group's other versions: their pages only, unless the batch writes them in full anyway.
  const linksOnly = [...groups.values()].flatMap(({ message }) =>
    message.kind === "article" && message.linksOnly && !pages.includes(message.page.slug) ? [message.page.slug] : [],
  );
  const failed = (slugs: string[]) => (error: unknown) => new Map(slugs.map((slug): [string, unknown] => [slug, error]));
  const pageFailures = new Map([
    ...(await applyArticles(m, pages, navigation).catch(failed(pages))),
    ...(await applyArticles(m, linksOnly, navigation, { pageOnly: true }).catch(failed(linksOnly))),
  ]);
  for (const group of [...groups.values()].sort((a, b) => ORDER[a.message.kind] - ORDER[b.message.kind])) {
    const { message } = group;
    const label = `${message.kind}:${workTarget(message)}${message.after ? `@${message.after}` : ""}`;
    if (message.kind === "websub") {
      pings.push(group);
      continue;
    }
    if (message.kind === "redirect") {
      redirects.push(group);
      continue;
    }
    try {
      let state: ListingState | "applied" | "skipped" = "applied";
      if (message.kind === "article") {
        if (isOlder(current, message)) state = "skipped";
        else if (pageFailures.has(message.page.slug)) throw pageFailures.get(message.page.slug);
      } else if (message.kind === "listing") {
        if (isOlder(current, message)) state = "skipped";
        else state = await applyListing(m, formatTarget(message.target));
      } else if (message.kind === "fanout") {
        await expandFanout(m, message);
      } else {
        // An outbox row of kind 'purge' from before the queue: its tags join the pending purges.
        await runStatements(m.db, schedulePurgeStatements(m.db, message.tags, "purge", m.clock.now(), false));
      }
      if (state === "busy") {
        // Another consumer holds the listing's lease. A fresh message looks again shortly; this one
        // is done, so waiting never counts as a failed attempt.
        await sendAll(m.queues.urgent, [message], BUSY_DELAY_SECONDS);
      }
      done.push({ group, label, skipped: state === "skipped" || state === "current" });
      // A rebuild's total counts documents: a fan-out is not one, and a busy listing is counted
      // when the message sent in its place is applied, so `finished_at` waits for the last page.
      for (const parsed of group.parsed) {
        if (parsed.rebuild !== undefined && parsed.kind !== "fanout" && state !== "busy")
          rebuildDone.set(parsed.rebuild, (rebuildDone.get(parsed.rebuild) ?? 0) + 1);
      }
    } catch (error) {
      retryGroup(m, group, error, report, label);
    }
  }
  // The outbox rows of everything applied go in one batch; only then is each message acknowledged
  // (if the batch fails they are delivered again, and applying them again does no harm).
  try {
    await runStatements(m.db, [
      ...(m.deferred?.splice(0) ?? []),
      ...done.flatMap(({ group }) => completeStatements(m.db, outboxRowOf(group.message))),
    ]);
    for (const { group, label, skipped } of done) {
      for (const delivery of group.deliveries) delivery.ack();
      (skipped ? report.skipped : report.applied).push(label);
    }
  } catch (error) {
    for (const { group, label } of done) retryGroup(m, group, error, report, label);
    rebuildDone.clear();
  }
  if (redirects.length) await applyRedirectGroups(m, redirects, report);
  if (pings.length) await applyPings(m, pings, report);
  await recordRebuildProgress(m, rebuildDone);
  // Work that builds left behind (WebSub pings, listings to rebuild again) goes out now, not at the cron.
  await sendOutbox(m.db, m.queues, m.clock.now()).catch((error: unknown) =>
    console.error("pipeline: sending the outbox failed:", error),
  );
  report.purges = await flushPurges(m.db, m.cache, m.pacing, m.clock.now()).catch((error: unknown) => {
    console.error("pipeline: flushing purges failed:", error);
    return { requests: [], refused: 0, waiting: true };
  });
  // Tags held back to fill a request go out when the oldest has waited its time, even if no other
  // work arrives by then: a message with no tags of its own brings the consumer back for them.
  if (report.purges.held)
    await sendAll(m.queues.urgent, [{ kind: "purge", tags: [] }], HOLD_MS / 1000).catch((error: unknown) =>
      console.error("pipeline: scheduling the held purges failed:", error),
    );
  return report;
}

/** Whether D1 had already moved past the generation a message was sent for, when the batch began. */
function isOlder(current: Map<string, number>, message: PipelineMessage): boolean {
  if (message.generation === undefined) return false;
  if (message.kind !== "article" && message.kind !== "listing") return false;
  const now = current.get(`${message.kind}:${workTarget(message)}`);
  if (now === undefined) return false;
  // An article's revision beyond the message's; a listing built at or beyond it.
  return message.kind === "article" ? now > message.generation : now >= message.generation;
}

function retryGroup(m: Materialiser, group: Group, error: unknown, report: BatchReport, label: string): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`pipeline: ${label} failed:`, error);
  report.failed.push(label);
  const attempts = Math.max(...group.deliveries.map((d) => d.attempts));
  for (const delivery of group.deliveries) delivery.retry({ delaySeconds: retryDelaySeconds(delivery.attempts) });
  // Recorded without waiting on it: a D1 failure here must not hide the retry.
  m.db.batch(failureStatements(m.db, outboxRowOf(group.message), attempts, text, m.clock.now())).catch(() => undefined);
}

/** Every old path's redirect in the batch together: one D1 read, one purge (pipeline/redirect-builder.ts). */
async function applyRedirectGroups(m: Materialiser, groups: Group[], report: BatchReport): Promise<void> {
  try {
    await applyRedirects(
      m,
      groups.flatMap((g) => (g.message.kind === "redirect" ? [g.message] : [])),
    );
    for (const group of groups) {
      for (const delivery of group.deliveries) delivery.ack();
      report.applied.push(`redirect:${workTarget(group.message)}`);
    }
  } catch (error) {
    for (const group of groups) retryGroup(m, group, error, report, `redirect:${workTarget(group.message)}`);
  }
}

/** Every feed that changed in the batch, in one request to the hub. */
async function applyPings(m: Materialiser, groups: Group[], report: BatchReport): Promise<void> {
  const ok = await pingHub(
    m,
    groups.flatMap((g) => (g.message.kind === "websub" ? [g.message.feed] : [])),
  );
  for (const group of groups) {
    const label = `websub:${workTarget(group.message)}`;
    if (ok) {
      await runStatements(m.db, completeStatements(m.db, outboxRowOf(group.message)));
      for (const delivery of group.deliveries) delivery.ack();
      report.applied.push(label);
    } else retryGroup(m, group, new Error("the WebSub hub refused the ping"), report, label);
  }
}

async function recordRebuildProgress(m: Materialiser, done: Map<number, number>): Promise<void> {
  await recordProgress(m.db, done, m.clock.now());
}

/** The dead-letter queue's consumer: each message becomes a row editors see on the pipeline page. */
export async function recordDeadLetters(db: D1Database, batch: MessageBatch<unknown>, now: number): Promise<void> {
  for (const delivery of batch.messages) {
    try {
      await db.batch(deadLetterStatements(db, delivery.body, delivery.attempts, now));
      delivery.ack();
    } catch (error) {
      console.error("pipeline: recording a dead letter failed:", error);
      delivery.retry({ delaySeconds: retryDelaySeconds(delivery.attempts) });
    }
  }
}

/** A message as its outbox row names it: its kind, its target's string form and its row's id. */
const outboxRowOf = (message: PipelineMessage) => ({ kind: message.kind, target: workTarget(message), id: message.id });
