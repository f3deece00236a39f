/**
 * @module pipeline/consumer
 * The queue consumer: applies a batch of messages to the read model, acknowledging each on its own.
 * Work for the same target is applied once for the whole batch; article pages share one read of
 * the navigation; the tags of the whole batch are purged together at its end. A message that fails
 * is retried with a delay that grows with its attempts, and after the last retry it reaches the
 * dead-letter queue, which `recordDeadLetters` turns into rows editors can see and replay.
 */

import { articleRevision } from "../data/articles";
import {
  builtGeneration,
  completeStatements,
  deadLetterStatements,
  failureStatements,
  recordRebuildProgress as recordProgress,
  runStatements,
  schedulePurgeStatements,
} from "../data/pipeline";
import type { NavSection } from "../render/layout";
import { formatTarget } from "../targets/build-target";
import { expandFanout } from "./fanout";
import { loadNav } from "./listing-builders";
import { applyArticle, applyListing, type ListingState, type Materialiser, pingHub } from "./materialise";
import { type PipelineMessage, parseMessage, retryDelaySeconds, sendAll, toBody, workKey, workTarget } from "./messages";
import { sendOutbox } from "./outbox";
import { type FlushReport, flushPurges } from "./purges";

/** Kinds in the order a batch applies them: pages before the listings that link them. */
const ORDER: Record<PipelineMessage["kind"], number> = { fanout: 0, article: 1, listing: 2, purge: 3, websub: 4 };
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
export async function consumeBatch(m: Materialiser, batch: MessageBatch<unknown>): Promise<BatchReport> {
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
  let nav: Promise<NavSection[]> | undefined;
  const navigation = (): Promise<NavSection[]> =>
    (nav ??= loadNav(m.db, m.clock.now()).catch((error: unknown) => {
      nav = undefined;
      throw error;
    }));
  const pings: Group[] = [];
  const rebuildDone = new Map<number, number>();
  for (const group of [...groups.values()].sort((a, b) => ORDER[a.message.kind] - ORDER[b.message.kind])) {
    const { message } = group;
    const label = `${message.kind}:${workTarget(message)}${message.after ? `@${message.after}` : ""}`;
    if (message.kind === "websub") {
      pings.push(group);
      continue;
    }
    try {
      let state: ListingState | "applied" | "skipped" = "applied";
      if (message.kind === "article") {
        if (await isOlder(m.db, message)) state = "skipped";
        else await applyArticle(m, message.page.slug, navigation);
      } else if (message.kind === "listing") {
        if (await isOlder(m.db, message)) state = "skipped";
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
      await runStatements(m.db, completeStatements(m.db, toBody(message)));
      for (const delivery of group.deliveries) delivery.ack();
      (state === "skipped" || state === "current" ? report.skipped : report.applied).push(label);
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
  return report;
}

/** Whether D1 has already moved past the generation a message was sent for. */
async function isOlder(db: D1Database, message: PipelineMessage): Promise<boolean> {
  if (message.generation === undefined) return false;
  if (message.kind === "article") {
    const revision = await articleRevision(db, message.page.slug);
    return revision !== null && revision > message.generation;
  }
  if (message.kind !== "listing") return false;
  const built = await builtGeneration(db, formatTarget(message.target));
  return built !== null && built >= message.generation;
}

function retryGroup(m: Materialiser, group: Group, error: unknown, report: BatchReport, label: string): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`pipeline: ${label} failed:`, error);
  report.failed.push(label);
  const attempts = Math.max(...group.deliveries.map((d) => d.attempts));
  for (const delivery of group.deliveries) delivery.retry({ delaySeconds: retryDelaySeconds(delivery.attempts) });
  // Recorded without waiting on it: a D1 failure here must not hide the retry.
  m.db.batch(failureStatements(m.db, toBody(group.message), attempts, text, m.clock.now())).catch(() => undefined);
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
      await runStatements(m.db, completeStatements(m.db, toBody(group.message)));
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
