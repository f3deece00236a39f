/**
 * @module newsroom/mail/dead-letters
 * The mail queue's dead letters: a page of a send that failed every retry reaches the mail queue's
 * own dead-letter queue (`broadsheet-mail-dead-letters`, wrangler.newsroom.toml), is kept in
 * `mail_dead_letters`, shown on the desk's Pipeline page and `GET /api/pipeline`, and replayed
 * from there back onto the mail queue (`POST /api/pipeline/replay-mail`, admins). A replay cannot
 * send anyone an email twice: the page's deliveries are keyed by scope and subscriber, and only
 * those still `queued` or `failed` (the binding refused them, so they did not go) are claimed.
 */
import * as v from "valibot";
import { mailDeadLetters, markMailReplayed, recordMailDeadLetter } from "../../data/mail";
import { retryDelaySeconds } from "../../pipeline/messages";
import { type MailEnv, type MailMessage, mailMessage } from "./fanout";

/** The mail queue's dead-letter queue (wrangler.newsroom.toml). */
export const MAIL_DEAD_LETTER_QUEUE = "broadsheet-mail-dead-letters";
/** Dead letters one replay of "all" takes; the rest wait for the next. */
const REPLAY_LIMIT = 500;

/** What editors see of one: the send, its page, its last error. */
export interface MailDeadLetter {
  id: number;
  send: number;
  after: number;
  subject: string | null;
  list: string | null;
  attempts: number;
  error: string | null;
  failedAt: string;
}

/** The dead-letter queue's consumer: each message kept, then acknowledged; one that is not ours is dropped. */
export async function recordMailDeadLetters(env: Pick<MailEnv, "DB">, batch: MessageBatch<unknown>, now: number): Promise<void> {
  for (const message of batch.messages) {
    const parsed = v.safeParse(mailMessage, message.body);
    if (!parsed.success) {
      console.error(`mail: dropping a dead letter that is not one of ours: ${JSON.stringify(message.body).slice(0, 200)}`);
      message.ack();
      continue;
    }
    try {
      await recordMailDeadLetter(env.DB, { ...parsed.output, attempts: message.attempts }, now);
      message.ack();
    } catch (error) {
      console.error("mail: recording a dead letter failed:", error);
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** The dead letters waiting for a replay, newest first (at most 100), and how many wait. */
export async function waitingMailDeadLetters(db: D1Database): Promise<{ letters: MailDeadLetter[]; waiting: number }> {
  const { letters, waiting } = await mailDeadLetters(db, { limit: 100 });
  return {
    waiting,
    letters: letters.map((row) => ({
      id: row.id,
      send: row.send_id,
      after: row.after,
      subject: row.subject,
      list: row.list,
      attempts: row.attempts,
      error: row.error,
      failedAt: new Date(row.failed_at).toISOString(),
    })),
  };
}

/**
 * Puts dead letters (one by `id`, or up to 500) back on the mail queue, then marks them replayed.
 * Resolves how many went. A failure to send them to the queue marks nothing, so they can be replayed again.
 */
export async function replayMailDeadLetters(env: Pick<MailEnv, "DB" | "MAIL">, now: number, id?: number): Promise<number> {
  const { letters } = await mailDeadLetters(env.DB, id === undefined ? { limit: REPLAY_LIMIT } : { id });
  if (letters.length === 0) return 0;
  await env.MAIL.sendBatch(
    letters.map((letter) => ({
      body: { send: letter.send_id, after: letter.after } satisfies MailMessage,
      contentType: "json" as const,
    })),
  );
  await markMailReplayed(
    env.DB,
    letters.map((letter) => letter.id),
    [...new Set(letters.map((letter) => letter.send_id))],
    now,
  );
  return letters.length;
}
