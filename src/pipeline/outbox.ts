/**
 * @module pipeline/outbox
 * The outbox's journey onto the queues. A change commits its outbox rows in the same D1 batch as
 * itself (editorial/database.ts); this module sends them, marks them sent, deletes them once a
 * consumer has applied them, and marks them dead when their message reached the dead-letter queue.
 * D1 stays the truth: a row that was never sent, or never acknowledged, is sent again by the cron.
 */
import { inListStatements } from "./in-list";
import { type PipelineMessage, type PipelineQueues, sendAll } from "./messages";

/** A sent row that no consumer acknowledged within this is sent again (duplicates are harmless). */
export const RESEND_AFTER_MS = 10 * 60_000;
/** Rows one send takes: five `sendBatch` calls. */
const SEND_LIMIT = 500;

interface ClaimedRow {
  id: number;
  kind: PipelineMessage["kind"];
  target: string;
  priority: number;
  rebuild: number | null;
}

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
  const { results: rows } = await db
    .prepare(
      `UPDATE outbox SET sent_at = ?1 WHERE id IN (
         SELECT id FROM outbox WHERE dead_at IS NULL AND (sent_at IS NULL OR sent_at < ?2) ORDER BY priority, id LIMIT ?3)
       RETURNING id, kind, target, priority, rebuild`,
    )
    .bind(now, staleBefore, SEND_LIMIT)
    .all<ClaimedRow>();
  if (rows.length === 0) return 0;
  const generations = await generationsOf(db, rows);
  const messages = (priority: number) =>
    rows
      .filter((row) => (row.priority > 0 ? 1 : 0) === priority)
      .sort((a, b) => a.id - b.id)
      .map((row): PipelineMessage => {
        const generation = generations.get(`${row.kind}:${row.target}`);
        return {
          kind: row.kind,
          target: row.target,
          id: row.id,
          ...(generation === undefined ? {} : { generation }),
          ...(row.rebuild === null ? {} : { rebuild: row.rebuild }),
        };
      });
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
      await unsend(
        db,
        batch.map((m) => m.id as number),
      ).catch(() => undefined);
    }
  }
  return sent.length;
}

/** The generation each row's message is for: an article's revision, a listing's generation. */
async function generationsOf(db: D1Database, rows: ClaimedRow[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const slugs = [...new Set(rows.filter((r) => r.kind === "article").map((r) => r.target))];
  const names = [...new Set(rows.filter((r) => r.kind === "listing").map((r) => r.target))];
  const statements = [
    ...inListStatements(db, "SELECT 'article:' || slug AS k, revision AS g FROM articles WHERE slug IN ({in})", slugs),
    ...inListStatements(db, "SELECT 'listing:' || name AS k, generation AS g FROM listings WHERE name IN ({in})", names),
  ];
  if (statements.length === 0) return found;
  for (const result of await db.batch<{ k: string; g: number }>(statements)) {
    for (const row of result.results) found.set(row.k, row.g);
  }
  return found;
}

async function unsend(db: D1Database, ids: number[]): Promise<void> {
  for (const statement of inListStatements(db, "UPDATE outbox SET sent_at = NULL WHERE id IN ({in})", ids)) await statement.run();
}

/**
 * Deletes the rows a consumer applied. For a listing, an article or a redirect, older rows for the same target
 * go too: applying D1's current state covered them.
 */
export function completeStatements(db: D1Database, message: PipelineMessage): D1PreparedStatement[] {
  if (message.id === undefined) return [];
  if (message.kind === "article" || message.kind === "listing" || message.kind === "redirect") {
    return [
      db.prepare("DELETE FROM outbox WHERE kind = ? AND target = ? AND id <= ?").bind(message.kind, message.target, message.id),
    ];
  }
  return [db.prepare("DELETE FROM outbox WHERE id = ?").bind(message.id)];
}

/** Records why a message failed: on its outbox row, and in the recent failures editors see. */
export function failureStatements(
  db: D1Database,
  message: PipelineMessage,
  attempts: number,
  error: string,
  now: number,
): D1PreparedStatement[] {
  const text = error.slice(0, 1000);
  return [
    ...(message.id === undefined
      ? []
      : [db.prepare("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?").bind(text, message.id)]),
    db
      .prepare("INSERT INTO pipeline_failures (kind, target, attempts, error, at) VALUES (?, ?, ?, ?, ?)")
      .bind(message.kind, message.target, attempts, text, now),
  ];
}

/** A message that failed every retry: kept for editors to see and replay; its row is not resent. */
export function deadLetterStatements(db: D1Database, message: unknown, attempts: number, now: number): D1PreparedStatement[] {
  const body = JSON.stringify(message ?? null);
  const id = typeof message === "object" && message !== null ? (message as { id?: unknown }).id : undefined;
  return [
    db
      .prepare(
        `INSERT INTO dead_letters (body, attempts, error, failed_at) VALUES (?1, ?2,
           (SELECT error FROM pipeline_failures WHERE kind = ?3 AND target = ?4 ORDER BY id DESC LIMIT 1), ?5)`,
      )
      .bind(
        body,
        attempts,
        String((message as { kind?: unknown } | null)?.kind ?? ""),
        String((message as { target?: unknown } | null)?.target ?? ""),
        now,
      ),
    ...(typeof id === "number" ? [db.prepare("UPDATE outbox SET dead_at = ? WHERE id = ?").bind(now, id)] : []),
  ];
}

/** Runs statements as one D1 batch; D1 refuses an empty batch, so none runs nothing. */
export async function runStatements(db: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  if (statements.length) await db.batch(statements);
}
