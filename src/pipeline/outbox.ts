/**
 * @module pipeline/outbox
 * The outbox's journey onto the queues. A change commits its outbox rows in the same D1 batch as
 * itself (data/pipeline.ts `outboxStatements`); this module sends them. Marking them sent, deleting
 * them once a consumer has applied them, and marking them dead when their message reached the
 * dead-letter queue are data/pipeline.ts's statements.
 * D1 stays the truth: a row that was never sent, or never acknowledged, is sent again by the cron.
 */
import { type ClaimedRow, claimOutbox, deleteOutboxRows, generationsOfTargets, unsendOutbox } from "../data/pipeline";
import { decodeWork, type PipelineMessage, type PipelineQueues, sendAll } from "./messages";

/** A sent row that no consumer acknowledged within this is sent again (duplicates are harmless). */
export const RESEND_AFTER_MS = 10 * 60_000;
/** Rows one send takes: five `sendBatch` calls. */
const SEND_LIMIT = 500;

/**
 * Sends the outbox rows that were never sent (and, with `resend`, those sent long ago and never
 * acknowledged) as messages, urgent work first. Resolves how many were sent. A row whose send
 * fails is marked unsent again, for the next send or the cron.
 */
export async function sendOutbox(
  db: D1Database,
  queues: PipelineQueues,
  now: number,
  options: { resend?: boolean } = {},
): Promise<number> {
  const staleBefore = options.resend ? now - RESEND_AFTER_MS : Number.MIN_SAFE_INTEGER;
  // Claimed by stamping sent_at, so two senders at once rarely send a row twice.
  const rows = await claimOutbox(db, now, staleBefore, SEND_LIMIT);
  if (rows.length === 0) return 0;
  const generations = await generationsOf(db, rows);
  const messages = (priority: number) =>
    rows
      .filter((row) => (row.priority > 0 ? 1 : 0) === priority)
      .sort((a, b) => a.id - b.id)
      .flatMap((row): PipelineMessage[] => {
        const work = decodeWork(row.kind, row.target);
        if (!work) return [];
        const generation = generations.get(`${row.kind}:${row.target}`);
        return [
          {
            ...work,
            id: row.id,
            ...(generation === undefined ? {} : { generation }),
            ...(row.rebuild === null ? {} : { rebuild: row.rebuild }),
          },
        ];
      });
  // A row whose target names nothing (written by hand, or by a release that knew other names) would
  // be sent again forever: it is dropped, with a line in the log.
  const named = new Set(
    messages(0)
      .concat(messages(1))
      .map((m) => m.id),
  );
  const unnamed = rows.filter((row) => !named.has(row.id));
  if (unnamed.length) {
    console.error(`outbox: dropping rows that name nothing: ${unnamed.map((r) => `${r.kind}:${r.target}`).join(", ")}`);
    await deleteOutboxRows(
      db,
      unnamed.map((r) => r.id),
    );
  }
  const sent: number[] = [];
  for (const [queue, batch] of [
    [queues.urgent, messages(0)],
    [queues.bulk, messages(1)],
  ] as const) {
    try {
      await sendAll(queue, batch);
      sent.push(...batch.map((m) => m.id as number));
    } catch (error) {
      console.error(`sending ${batch.length} outbox rows failed; they wait for the next send or the cron:`, error);
      await unsendOutbox(
        db,
        batch.map((m) => m.id as number),
      ).catch(() => undefined);
    }
  }
  return sent.length;
}

/** The generation each row's message is for: an article's revision, a listing's generation. */
function generationsOf(db: D1Database, rows: ClaimedRow[]): Promise<Map<string, number>> {
  const targets = (kind: ClaimedRow["kind"]) => [...new Set(rows.filter((r) => r.kind === kind).map((r) => r.target))];
  return generationsOfTargets(db, targets("article"), targets("listing"));
}
