/**
 * @module newsroom/mail/fanout
 * From "something new" to each reader's inbox, on the mail queue (`broadsheet-mail`):
 *
 * 1. `queueNewMail`, after every write and from the cron, finds articles whose first publication has
 *    not been announced (a scheduled one once its time has come; saves, moves and republications
 *    never count again, since `mail_announced` is keyed by the article's id), corrections with no
 *    notice yet, and live articles' new key events (pinned updates, to their `live:<slug>` list), builds each email once, stores one send per list in the same batch that marks the
 *    article announced, and puts each send on the queue. `queueDigests` does the same for the daily
 *    digests, at MAIL_DIGEST_HOUR in each edition's time zone, for lists with something new.
 * 2. `consumeMail` takes one page of at most 100 recipients per message: it queues the next page
 *    first, records a delivery per recipient under an idempotency key (scope and subscriber), claims
 *    as many as the token bucket (MAIL_RATE_PER_MINUTE) allows, and sends each its own copy with its
 *    own unsubscribe links. A delivery is claimed (queued → sending) before its email goes, so a
 *    crash mid-page or a message delivered twice never sends anyone the same email twice; one the
 *    binding refused is retried with backoff, and a message that fails every retry reaches the
 *    dead-letter queue, which the Pipeline page shows.
 */
import * as v from "valibot";
import type { Site } from "../../core/config";
import { listName, listsOf, parseList } from "../../core/mail";
import {
  articlesPublishedBetween,
  claimPage,
  digestLists,
  finishSend,
  getSend,
  listsWithSubscribers,
  type MailArticleRow,
  type NewSend,
  pruneOldDeliveries,
  RECIPIENTS_OF,
  recipientsPage,
  recordOutcomes,
  recordSends,
  sendsToQueue,
  suppressedHashes,
  tagsAndAuthors,
  takeSendTokens,
  unannouncedArticles,
  unqueueSends,
  unsentCorrectionNotices,
  unsentKeyEventSends,
} from "../../data/mail";
import { retryDelaySeconds } from "../../pipeline/messages";
import { alertEmail, correctionEmail, digestEmail, keyEventEmail, type MailArticle, personalise } from "./compose";
import { articleEdition, editionSites, editionsAtHour } from "./editions";
import { type MailBindings, sendMail } from "./send";
import { signToken, suppressionHash } from "./tokens";

/** The queue sends travel on (wrangler.newsroom.toml). */
export const MAIL_QUEUE = "broadsheet-mail";
/** Recipients one queue message covers. */
export const PAGE_SIZE = 100;
/**
 * An article is announced only if it becomes public within this of its publication time: an
 * imported archive, or a years-old draft published at last, is not news to email about.
 */
export const ANNOUNCE_WINDOW_MS = 2 * 86_400_000;
/** A send not finished and not touched for this long is put on the queue again (its deliveries are idempotent). */
const STALE_SEND_MS = 10 * 60_000;
/** Articles or corrections one look takes; the next look takes the rest. */
const LOOK_LIMIT = 50;

/** What the mail modules need of the newsroom's bindings. */
export type MailEnv = MailBindings & Pick<NewsroomBindings, "MAIL" | "DESK_SECRET" | "MAIL_RATE_PER_MINUTE" | "MAIL_DIGEST_HOUR">;

/** What travels on the mail queue: one page of one send. */
export interface MailMessage {
  send: number;
  /** The last subscriber id of the page before; 0 for the first. */
  after: number;
}

export const mailMessage = v.object({
  send: v.pipe(v.number(), v.safeInteger()),
  after: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
});

/** What an email says about an article row: its summary from the stored record. */
export function mailArticle(row: MailArticleRow): MailArticle {
  let summary = "";
  try {
    const record = v.safeParse(v.object({ summary: v.string() }), JSON.parse(row.record));
    if (record.success) summary = record.output.summary;
  } catch {
    // A record that is not JSON: the email goes without a summary.
  }
  return { slug: row.slug, title: row.title, summary, published: row.published_at };
}

/**
 * How long who was sent what is kept: a correction within this of its article reaches everyone who
 * was sent it; after it, the corrections list alone. Each delivery is about 50 bytes of D1.
 */
export const KEEP_DELIVERIES_MS = 30 * 86_400_000;
/** Delivery rows one cron run deletes at most. */
const PRUNE_LIMIT = 10_000;

/** The cron's clean-up: deliveries of sends older than KEEP_DELIVERIES_MS, a bounded number a run. */
export function pruneDeliveries(env: Pick<MailEnv, "DB">, now: number): Promise<number> {
  return pruneOldDeliveries(env.DB, now - KEEP_DELIVERIES_MS, PRUNE_LIMIT, now);
}

/** Finds first publications and corrections to send, stores their sends, and queues them. */
export async function queueNewMail(env: MailEnv, site: Site, now: number): Promise<number> {
  await announceArticles(env.DB, site, now);
  await noticeCorrections(env.DB, site, now);
  await noticeKeyEvents(env.DB, site, now);
  return queueSends(env, now);
}

async function announceArticles(db: D1Database, site: Site, now: number): Promise<void> {
  const rows = await unannouncedArticles(db, now - ANNOUNCE_WINDOW_MS, now, LOOK_LIMIT);
  if (rows.length === 0) return;
  const links = await tagsAndAuthors(
    db,
    rows.map((row) => row.id),
  );
  // An article goes to its own edition's lists: a Spanish article to `es/home`, `es/section:world`…
  const listsOfRow = rows.map((row) => listsOf(filingOf(row, links), articleEdition(site, row.language)));
  const wanted = await listsWithSubscribers(db, [...new Set(listsOfRow.flat())], "alerts");
  const siteOf = editionSites(db, site);
  const sends: NewSend[] = [];
  for (const [i, row] of rows.entries()) {
    const lists = (listsOfRow[i] ?? []).filter((list) => wanted.has(list));
    if (lists.length === 0) continue;
    const mail = alertEmail(await siteOf(articleEdition(site, row.language)), mailArticle(row));
    sends.push(...lists.map((list) => ({ kind: "alert" as const, list, scope: `alert:${row.id}`, ...mail })));
  }
  await recordSends(
    db,
    sends,
    rows.map((row) => row.id),
    now,
  );
}

/** What an article row is filed under, for matching it to lists. */
const filingOf = (row: MailArticleRow, links: Map<string, { tags: string[]; authors: string[] }>) => ({
  section: row.section_slug,
  tags: links.get(row.id)?.tags ?? [],
  authors: links.get(row.id)?.authors ?? [],
});

async function noticeCorrections(db: D1Database, site: Site, now: number): Promise<void> {
  const rows = await unsentCorrectionNotices(db, now - ANNOUNCE_WINDOW_MS, now, LOOK_LIMIT);
  if (rows.length === 0) return;
  const siteOf = editionSites(db, site);
  const sends: NewSend[] = [];
  for (const row of rows) {
    const edition = articleEdition(site, row.language);
    const mail = correctionEmail(await siteOf(edition), row, { id: row.id, text: row.plain });
    const scope = `correction:${row.id}`;
    // Everyone who was sent the article, and its edition's corrections list; one scope, so a reader on both gets it once.
    sends.push(
      { kind: "correction" as const, list: `${RECIPIENTS_OF}alert:${row.article_id}`, scope, ...mail },
      { kind: "correction" as const, list: listName({ edition, kind: "corrections" }), scope, ...mail },
    );
  }
  await recordSends(db, sends, [], now);
}

async function noticeKeyEvents(db: D1Database, site: Site, now: number): Promise<void> {
  const rows = await unsentKeyEventSends(db, now - ANNOUNCE_WINDOW_MS, now, LOOK_LIMIT);
  if (rows.length === 0) return;
  const siteOf = editionSites(db, site);
  // One send per key event, even with no subscriber yet: it marks the event as sent, once.
  const sends: NewSend[] = [];
  for (const row of rows)
    sends.push({
      kind: "live" as const,
      list: listName({ edition: "", kind: "live", slug: row.slug }),
      scope: `key-event:${row.id}`,
      ...keyEventEmail(await siteOf(articleEdition(site, row.language)), row, row),
    });
  await recordSends(db, sends, [], now);
}

/**
 * The daily digests, when an edition's clock shows MAIL_DIGEST_HOUR: for each of its lists someone takes as
 * a digest, the articles published in the last 24 hours that belong to it; none, no email. Each
 * list's digest is unique to its day, so the cron's runs through the hour store it once.
 */
export async function queueDigests(env: MailEnv, site: Site, now: number): Promise<number> {
  const hour = Number.parseInt(env.MAIL_DIGEST_HOUR ?? "7", 10);
  // Each edition's digests at the hour in its own zone, dated by its own calendar.
  const due = await editionsAtHour(env.DB, site, now, hour);
  if (due.size === 0) return 0;
  const lists = (await digestLists(env.DB)).filter((list) => due.has(parseList(list)?.edition ?? "-"));
  if (lists.length === 0) return 0;
  const rows = await articlesPublishedBetween(env.DB, now - 86_400_000, now, 200);
  if (rows.length === 0) return 0;
  const links = await tagsAndAuthors(
    env.DB,
    rows.map((row) => row.id),
  );
  const siteOf = editionSites(env.DB, site);
  const sends: NewSend[] = [];
  for (const list of lists) {
    const parsed = parseList(list);
    const day = parsed ? due.get(parsed.edition) : undefined;
    if (!parsed || day === undefined) continue;
    const matching = rows.filter((row) => listsOf(filingOf(row, links), articleEdition(site, row.language)).includes(list));
    if (matching.length === 0) continue;
    sends.push({
      kind: "digest",
      list,
      scope: `digest:${list}:${day}`,
      ...digestEmail(await siteOf(parsed.edition), list, day, matching.map(mailArticle)),
    });
  }
  await recordSends(env.DB, sends, [], now);
  return queueSends(env, now);
}

/** Puts new sends, and stale unfinished ones, on the mail queue. A failed send to the queue leaves them for the next look. */
async function queueSends(env: MailEnv, now: number): Promise<number> {
  const ids = await sendsToQueue(env.DB, now, now - STALE_SEND_MS);
  if (ids.length === 0) return 0;
  try {
    await env.MAIL.sendBatch(
      ids.map((send) => ({ body: { send, after: 0 } satisfies MailMessage, contentType: "json" as const })),
    );
  } catch (error) {
    console.error(`mail: queueing ${ids.length} sends failed; the next look queues them:`, error);
    await unqueueSends(env.DB, ids);
    return 0;
  }
  return ids.length;
}

/** Each recipient's own links: unsubscribe from this list (or everything, for a correction notice) and manage. */
export async function recipientLinks(secret: string, site: Site, subscriberId: number, list: string) {
  const from = list.startsWith(RECIPIENTS_OF) ? "*" : list;
  const unsubscribe = await signToken(secret, "mail-unsubscribe", [String(subscriberId), from]);
  const manage = await signToken(secret, "mail-manage", [String(subscriberId)]);
  return { unsubscribe: `${site.url}/unsubscribe?t=${unsubscribe}`, manage: `${site.url}/subscribe/manage?t=${manage}` };
}

/** Applies a batch from the mail queue: each message on its own, acknowledged or retried. */
export async function consumeMail(env: MailEnv, site: Site, batch: MessageBatch<unknown>, now: () => number): Promise<void> {
  for (const message of batch.messages) {
    const parsed = v.safeParse(mailMessage, message.body);
    if (!parsed.success) {
      console.error(`mail: dropping a message that is not one of ours: ${JSON.stringify(message.body).slice(0, 200)}`);
      message.ack();
      continue;
    }
    try {
      const retry = await sendPage(env, site, parsed.output, now());
      if (retry) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      else message.ack();
    } catch (error) {
      console.error(`mail: send ${parsed.output.send} after ${parsed.output.after} failed:`, error);
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** One page of one send. Resolves true when some recipient's email failed and the page should be retried. */
async function sendPage(env: MailEnv, site: Site, message: MailMessage, now: number): Promise<boolean> {
  const db = env.DB;
  const send = await getSend(db, message.send);
  if (!send) return false;
  const recipients = await recipientsPage(db, send, message.after, PAGE_SIZE);
  const last = recipients.at(-1);
  // The next page first: a crash from here on leaves it on its way.
  if (recipients.length === PAGE_SIZE && last) await env.MAIL.send({ send: send.id, after: last.id } satisfies MailMessage);
  const perMinute = Math.max(1, Number.parseInt(env.MAIL_RATE_PER_MINUTE ?? "600", 10) || 600);
  const granted = await takeSendTokens(db, recipients.length, perMinute, now);
  const claimed = await claimPage(db, send, recipients, granted, now);
  if (granted < recipients.length) {
    // Paced: this page again once the bucket has refilled; what was claimed here is not claimed again.
    const wait = Math.ceil(((recipients.length - granted) * 60) / perMinute);
    await env.MAIL.send(message, { delaySeconds: Math.min(900, Math.max(1, wait)) });
  }
  const mine = recipients.filter((r) => claimed.has(r.id));
  const hashes = await Promise.all(mine.map((r) => suppressionHash(env.DESK_SECRET, r.email)));
  const blocked = await suppressedHashes(db, hashes);
  const outcomes: Array<{ subscriberId: number; status: "sent" | "failed" | "suppressed"; error?: string }> = [];
  let failedAt = -1;
  for (const [i, recipient] of mine.entries()) {
    if (failedAt >= 0) {
      outcomes.push({
        subscriberId: recipient.id,
        status: "failed",
        error: "not attempted: an earlier email in its page failed",
      });
      continue;
    }
    if (blocked.has(hashes[i] ?? "")) {
      outcomes.push({ subscriberId: recipient.id, status: "suppressed" });
      continue;
    }
    const links = await recipientLinks(env.DESK_SECRET, site, recipient.id, send.list);
    const mail = personalise(send, links);
    const outcome = await sendMail(
      env,
      {
        ...mail,
        to: recipient.email,
        // RFC 2369 and RFC 8058: one-click unsubscribe, a POST to the link with no session.
        headers: { "List-Unsubscribe": `<${links.unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      },
      now,
    );
    if (outcome.ok) outcomes.push({ subscriberId: recipient.id, status: "sent" });
    else {
      outcomes.push({ subscriberId: recipient.id, status: "failed", error: `${outcome.field} ${outcome.problem}` });
      if (!outcome.permanent) failedAt = i;
    }
  }
  await recordOutcomes(db, send.scope_id, outcomes, now);
  if (failedAt >= 0) return true;
  if (recipients.length < PAGE_SIZE && granted >= recipients.length) await finishSend(db, send.id, now);
  return false;
}
