/**
 * @module data/mail
 * Every statement on the newsletter tables (src/db/migrations/0014_mail.sql): mail_subscribers,
 * mail_subscriptions, mail_suppressed, mail_announced, mail_scopes, mail_sends, mail_deliveries,
 * mail_bucket, mail_captured and mail_dead_letters (0021); and the reads of other tables that decide what to send and to
 * whom: articles first published, corrections, live updates pinned as key events, an article's tags
 * and authors, and whether a section, tag, author or live article a list names exists. It writes
 * none of those.
 * Rows are checked with valibot where they leave D1. Lists of values travel as one JSON parameter
 * read with `json_each`, so every statement keeps named parameters.
 */
import * as v from "valibot";
import { all, first, firstOf, rowsOf } from "./rows";
import { statement } from "./sql";

const num = v.number();
const str = v.string();
const nullableNum = v.nullable(num);

// ————— Subscribers and subscriptions —————

const subscriptionRow = v.object({
  id: str,
  subscriber_id: num,
  email: str,
  list: str,
  mode: v.picklist(["alerts", "digest"]),
  nonce: str,
  created_at: num,
  confirmed_at: nullableNum,
});
export type SubscriptionRow = v.InferOutput<typeof subscriptionRow>;

const SUBSCRIPTION_COLUMNS = "s.id, s.subscriber_id, m.email, s.list, s.mode, s.nonce, s.created_at, s.confirmed_at";

const insertSubscriber = statement<{ email: string; now: number }>(
  "INSERT INTO mail_subscribers (email, created_at) VALUES (:email, :now) ON CONFLICT (email) DO NOTHING",
);
// A pending subscription asked for again gets a new nonce (so only the newest link works) and the
// mode asked for; a confirmed one is left as it is.
const upsertSubscription = statement<{ id: string; email: string; list: string; mode: string; nonce: string; now: number }>(
  `INSERT INTO mail_subscriptions (id, subscriber_id, list, mode, nonce, created_at)
   SELECT :id, id, :list, :mode, :nonce, :now FROM mail_subscribers WHERE email = :email
   ON CONFLICT (subscriber_id, list) DO UPDATE SET nonce = excluded.nonce, mode = excluded.mode, created_at = excluded.created_at
     WHERE confirmed_at IS NULL`,
);
const subscriptionByAddress = statement<{ email: string; list: string }>(
  `SELECT ${SUBSCRIPTION_COLUMNS} FROM mail_subscriptions s JOIN mail_subscribers m ON m.id = s.subscriber_id
   WHERE m.email = :email AND s.list = :list`,
);

/**
 * Records a request to subscribe `email` to `list` and answers the subscription as it now stands:
 * pending with `nonce` (send a confirmation link), or confirmed earlier (send nothing).
 */
export async function requestSubscription(
  db: D1Database,
  request: {
    subscriptionId: string;
    email: string;
    list: string;
    mode: string;
    nonce: string;
    now: number;
  },
): Promise<SubscriptionRow> {
  const { email, list, now } = request;
  const [, , found] = await db.batch([
    insertSubscriber(db, { email, now }),
    upsertSubscription(db, { id: request.subscriptionId, email, list, mode: request.mode, nonce: request.nonce, now }),
    subscriptionByAddress(db, { email, list }),
  ]);
  const row = firstOf(found, subscriptionRow);
  if (!row) throw new Error("the subscription was not stored");
  return row;
}

const subscriptionById = statement<{ id: string }>(
  `SELECT ${SUBSCRIPTION_COLUMNS} FROM mail_subscriptions s JOIN mail_subscribers m ON m.id = s.subscriber_id WHERE s.id = :id`,
);

/** One subscription, with its address. */
export async function getSubscription(db: D1Database, id: string): Promise<SubscriptionRow | null> {
  return await first(subscriptionById(db, { id }), subscriptionRow);
}

const confirm = statement<{ id: string; nonce: string; now: number }>(
  "UPDATE mail_subscriptions SET confirmed_at = :now WHERE id = :id AND nonce = :nonce AND confirmed_at IS NULL RETURNING id",
);

/** Confirms a pending subscription if `nonce` is its current one: true when this call confirmed it. */
export async function confirmSubscription(db: D1Database, id: string, nonce: string, now: number): Promise<boolean> {
  return (await confirm(db, { id, nonce, now }).first()) !== null;
}

const subscriptionsOfSubscriber = statement<{ subscriber: number }>(
  `SELECT ${SUBSCRIPTION_COLUMNS} FROM mail_subscriptions s JOIN mail_subscribers m ON m.id = s.subscriber_id
   WHERE s.subscriber_id = :subscriber ORDER BY s.list`,
);

/** Every subscription of one subscriber, confirmed or not. */
export async function subscriptionsOf(db: D1Database, subscriberId: number): Promise<SubscriptionRow[]> {
  return await all(subscriptionsOfSubscriber(db, { subscriber: subscriberId }), subscriptionRow);
}

const leave = statement<{ subscriber: number; list: string }>(
  "DELETE FROM mail_subscriptions WHERE subscriber_id = :subscriber AND (list = :list OR :list = '*') RETURNING id",
);

/** Ends a subscriber's subscription to `list` (`*`: all of them). Resolves how many ended. */
export async function unsubscribe(db: D1Database, subscriberId: number, list: string): Promise<number> {
  return (await leave(db, { subscriber: subscriberId, list }).all()).results.length;
}

const changeMode = statement<{ subscriber: number; list: string; mode: string }>(
  "UPDATE mail_subscriptions SET mode = :mode WHERE subscriber_id = :subscriber AND list = :list RETURNING id",
);

/** Changes how a subscriber receives one list: true when there was such a subscription. */
export async function setMode(db: D1Database, subscriberId: number, list: string, mode: string): Promise<boolean> {
  return (await changeMode(db, { subscriber: subscriberId, list, mode }).first()) !== null;
}

const subscriberRow = v.object({ id: num, email: str, created_at: num });
const subscriberByEmail = statement<{ email: string }>("SELECT id, email, created_at FROM mail_subscribers WHERE email = :email");

/** The subscriber with this address, if any. */
export async function getSubscriber(db: D1Database, email: string) {
  return await first(subscriberByEmail(db, { email }), subscriberRow);
}

const isSuppressed = statement<{ hash: string }>("SELECT 1 AS yes FROM mail_suppressed WHERE hash = :hash");

/** Whether an address's keyed hash is suppressed (the address was erased). */
export async function suppressed(db: D1Database, hash: string): Promise<boolean> {
  return (await isSuppressed(db, { hash }).first()) !== null;
}

const suppressedAmong = statement<{ hashes: string }>(
  "SELECT hash FROM mail_suppressed WHERE hash IN (SELECT value FROM json_each(:hashes))",
);

/** Which of these hashes are suppressed. */
export async function suppressedHashes(db: D1Database, hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await all(suppressedAmong(db, { hashes: JSON.stringify(hashes) }), v.object({ hash: str }));
  return new Set(rows.map((row) => row.hash));
}

const unsuppress = statement<{ hash: string }>("DELETE FROM mail_suppressed WHERE hash = :hash");

/** Lifts a suppression: the reader confirmed a new subscription themselves. */
export async function liftSuppression(db: D1Database, hash: string): Promise<void> {
  await unsuppress(db, { hash }).run();
}

const suppress = statement<{ hash: string; now: number }>(
  "INSERT INTO mail_suppressed (hash, at) VALUES (:hash, :now) ON CONFLICT (hash) DO NOTHING",
);
const eraseDeliveries = statement<{ email: string }>(
  "DELETE FROM mail_deliveries WHERE subscriber_id IN (SELECT id FROM mail_subscribers WHERE email = :email)",
);
const eraseSubscriptions = statement<{ email: string }>(
  "DELETE FROM mail_subscriptions WHERE subscriber_id IN (SELECT id FROM mail_subscribers WHERE email = :email)",
);
const eraseSubscriber = statement<{ email: string }>("DELETE FROM mail_subscribers WHERE email = :email RETURNING id");
const eraseCaptured = statement<{ email: string }>("DELETE FROM mail_captured WHERE recipient = :email");

/**
 * Erases every trace of `email`: its subscriber row, subscriptions, delivery records and captured
 * mail, in one batch, keeping only `hash` (a keyed hash of it) to suppress future sends.
 * Resolves whether there was a subscriber.
 */
export async function eraseAddress(db: D1Database, email: string, hash: string, now: number): Promise<boolean> {
  const results = await db.batch([
    suppress(db, { hash, now }),
    eraseDeliveries(db, { email }),
    eraseSubscriptions(db, { email }),
    eraseSubscriber(db, { email }),
    eraseCaptured(db, { email }),
  ]);
  return (results[3]?.results.length ?? 0) > 0;
}

const deliveryView = v.object({ subject: str, kind: str, list: str, status: str, at: num });
const deliveriesOfSubscriber = statement<{ subscriber: number }>(
  `SELECT s.subject, s.kind, s.list, d.status, d.at FROM mail_deliveries d JOIN mail_sends s ON s.id = d.send_id
   WHERE d.subscriber_id = :subscriber ORDER BY d.at DESC LIMIT 1000`,
);

/** What was sent to one subscriber, newest first (at most 1,000). */
export async function deliveriesOf(db: D1Database, subscriberId: number) {
  return await all(deliveriesOfSubscriber(db, { subscriber: subscriberId }), deliveryView);
}

// ————— What is new: articles first published, corrections, digests —————

const articleRow = v.object({
  id: str,
  slug: str,
  title: str,
  section_slug: str,
  published_at: num,
  record: str,
  /** Its edition's language; null: the default edition. */
  language: v.nullable(str),
});
export type MailArticleRow = v.InferOutput<typeof articleRow>;

const unannounced = statement<{ since: number; now: number; limit: number }>(
  `SELECT a.id, a.slug, a.title, a.section_slug, a.published_at, a.record, a.language FROM articles a
   WHERE a.draft = 0 AND a.deleted_at IS NULL AND a.published_at > :since AND a.published_at <= :now
     AND NOT EXISTS (SELECT 1 FROM mail_announced m WHERE m.article_id = a.id)
   ORDER BY a.published_at, a.id LIMIT :limit`,
);

/**
 * Public articles published after `since` that have not been announced: first publications (a
 * scheduled one once its time has come). Bounded by the public articles' index on published_at.
 */
export async function unannouncedArticles(db: D1Database, since: number, now: number, limit: number): Promise<MailArticleRow[]> {
  return await all(unannounced(db, { since, now, limit }), articleRow);
}

const publishedBetween = statement<{ from: number; to: number; limit: number }>(
  `SELECT a.id, a.slug, a.title, a.section_slug, a.published_at, a.record, a.language FROM articles a
   WHERE a.draft = 0 AND a.deleted_at IS NULL AND a.published_at > :from AND a.published_at <= :to
   ORDER BY a.published_at DESC, a.id LIMIT :limit`,
);

/** Public articles published in (from, to], newest first. */
export async function articlesPublishedBetween(
  db: D1Database,
  from: number,
  to: number,
  limit: number,
): Promise<MailArticleRow[]> {
  return await all(publishedBetween(db, { from, to, limit }), articleRow);
}

const linkRow = v.object({ article_id: str, kind: v.picklist(["tag", "author"]), slug: str });
const linksOf = statement<{ ids: string }>(
  `SELECT article_id, 'tag' AS kind, tag_slug AS slug FROM article_tags WHERE article_id IN (SELECT value FROM json_each(:ids))
   UNION ALL
   SELECT article_id, 'author' AS kind, author_slug AS slug FROM article_authors WHERE article_id IN (SELECT value FROM json_each(:ids))`,
);

/** The tags and authors of each article, by id. */
export async function tagsAndAuthors(db: D1Database, ids: string[]): Promise<Map<string, { tags: string[]; authors: string[] }>> {
  const found = new Map<string, { tags: string[]; authors: string[] }>();
  for (const id of ids) found.set(id, { tags: [], authors: [] });
  if (ids.length === 0) return found;
  for (const row of await all(linksOf(db, { ids: JSON.stringify(ids) }), linkRow)) {
    found.get(row.article_id)?.[row.kind === "tag" ? "tags" : "authors"].push(row.slug);
  }
  return found;
}

const listsWithReaders = statement<{ lists: string; mode: string }>(
  `SELECT DISTINCT list FROM mail_subscriptions
   WHERE confirmed_at IS NOT NULL AND mode = :mode AND list IN (SELECT value FROM json_each(:lists))`,
);

/** Which of these lists have at least one confirmed subscriber in `mode`. */
export async function listsWithSubscribers(db: D1Database, lists: string[], mode: "alerts" | "digest"): Promise<Set<string>> {
  if (lists.length === 0) return new Set();
  const rows = await all(listsWithReaders(db, { lists: JSON.stringify(lists), mode }), v.object({ list: str }));
  return new Set(rows.map((row) => row.list));
}

const correctionRow = v.object({
  id: str,
  article_id: str,
  plain: str,
  created_at: num,
  slug: str,
  title: str,
  language: v.nullable(str),
});
export type MailCorrectionRow = v.InferOutput<typeof correctionRow>;
const unsentCorrections = statement<{ since: number; now: number; limit: number }>(
  `SELECT c.id, c.article_id, c.plain, c.created_at, a.slug, a.title, a.language FROM corrections c JOIN articles a ON a.id = c.article_id
   WHERE c.kind = 'correction' AND c.deleted_at IS NULL AND c.created_at > :since AND c.created_at <= :now
     AND a.draft = 0 AND a.deleted_at IS NULL AND a.published_at <= :now
     AND NOT EXISTS (SELECT 1 FROM mail_sends s WHERE s.kind = 'correction' AND s.scope = 'correction:' || c.id)
   ORDER BY c.created_at, c.id LIMIT :limit`,
);

/** Corrections (not clarifications) on public articles, made after `since`, with no notice yet. */
export async function unsentCorrectionNotices(
  db: D1Database,
  since: number,
  now: number,
  limit: number,
): Promise<MailCorrectionRow[]> {
  return await all(unsentCorrections(db, { since, now, limit }), correctionRow);
}

const keyEventRow = v.object({
  id: str,
  headline: v.nullable(str),
  summary: str,
  slug: str,
  title: str,
  language: v.nullable(str),
});
export type MailKeyEventRow = v.InferOutput<typeof keyEventRow>;
const unsentKeyEvents = statement<{ since: number; now: number; limit: number }>(
  `SELECT u.id, u.headline, u.summary, a.slug, a.title, a.language FROM live_updates u JOIN articles a ON a.id = u.article_id
   WHERE u.pinned = 1 AND u.deleted_at IS NULL AND u.changed_at > :since AND u.changed_at <= :now AND u.created_at <= :now
     AND a.draft = 0 AND a.deleted_at IS NULL AND a.published_at <= :now
     AND NOT EXISTS (SELECT 1 FROM mail_sends s WHERE s.kind = 'live' AND s.scope = 'key-event:' || u.id)
   ORDER BY u.created_at, u.id LIMIT :limit`,
);

/** Key events (pinned updates) of public live articles, pinned after `since`, with no send yet. */
export async function unsentKeyEventSends(db: D1Database, since: number, now: number, limit: number): Promise<MailKeyEventRow[]> {
  return await all(unsentKeyEvents(db, { since, now, limit }), keyEventRow);
}

const digestListRows = statement(
  "SELECT DISTINCT list FROM mail_subscriptions WHERE mode = 'digest' AND confirmed_at IS NOT NULL",
);

/** Every list someone receives as a digest. */
export async function digestLists(db: D1Database): Promise<string[]> {
  return (await all(digestListRows(db), v.object({ list: str }))).map((row) => row.list);
}

// ————— Sends and their fan-out —————

export type NewSend = {
  kind: "alert" | "correction" | "digest" | "live" | "manual";
  list: string;
  scope: string;
  subject: string;
  html: string;
  text: string;
  /** Not before then (a scheduled manual newsletter); now when absent. */
  due?: number;
};

const insertScope = statement<{ scope: string }>("INSERT INTO mail_scopes (name) VALUES (:scope) ON CONFLICT (name) DO NOTHING");
const insertSend = statement<NewSend & { now: number; due: number }>(
  `INSERT INTO mail_sends (kind, list, scope, scope_id, subject, html, text, created_at, due_at)
   VALUES (:kind, :list, :scope, (SELECT id FROM mail_scopes WHERE name = :scope), :subject, :html, :text, :now, :due)
   ON CONFLICT (kind, list, scope) DO NOTHING`,
);
const announce = statement<{ id: string; now: number }>(
  "INSERT INTO mail_announced (article_id, at) VALUES (:id, :now) ON CONFLICT (article_id) DO NOTHING",
);

/**
 * Stores sends, and marks articles announced, in one batch: an article is never marked without its
 * sends, nor sent twice (each send is unique by kind, list and scope).
 */
export async function recordSends(db: D1Database, sends: NewSend[], announced: string[], now: number): Promise<void> {
  const statements = [
    ...sends.flatMap((send) => [insertScope(db, { scope: send.scope }), insertSend(db, { ...send, now, due: send.due ?? 0 })]),
    ...announced.map((id) => announce(db, { id, now })),
  ];
  if (statements.length) await db.batch(statements);
}

const claimSends = statement<{ now: number; stale: number; limit: number }>(
  `UPDATE mail_sends SET queued_at = :now WHERE id IN (
     SELECT id FROM mail_sends WHERE finished_at IS NULL AND dead_at IS NULL AND due_at <= :now
       AND (queued_at IS NULL OR queued_at < :stale)
     ORDER BY id LIMIT :limit)
   RETURNING id`,
);

/**
 * Claims the sends to put on the queue: new ones, and unfinished ones not touched since `stale`;
 * never one with a dead letter waiting for a replay.
 */
export async function sendsToQueue(db: D1Database, now: number, stale: number, limit = 100): Promise<number[]> {
  return (await all(claimSends(db, { now, stale, limit }), v.object({ id: num }))).map((row) => row.id);
}

const unqueue = statement<{ ids: string }>(
  "UPDATE mail_sends SET queued_at = NULL WHERE id IN (SELECT value FROM json_each(:ids))",
);

/** Puts sends back for the next sweep: their messages could not be sent to the queue. */
export async function unqueueSends(db: D1Database, ids: number[]): Promise<void> {
  await unqueue(db, { ids: JSON.stringify(ids) }).run();
}

const sendRow = v.object({
  id: num,
  kind: v.picklist(["alert", "correction", "digest", "live", "manual"]),
  list: str,
  scope: str,
  scope_id: num,
  subject: str,
  html: str,
  text: str,
  created_at: num,
  finished_at: nullableNum,
});
export type SendRow = v.InferOutput<typeof sendRow>;
const sendById = statement<{ id: number }>(
  "SELECT id, kind, list, scope, scope_id, subject, html, text, created_at, finished_at FROM mail_sends WHERE id = :id",
);

export async function getSend(db: D1Database, id: number): Promise<SendRow | null> {
  return await first(sendById(db, { id }), sendRow);
}

const recipientRow = v.object({ id: num, email: str });
export type Recipient = v.InferOutput<typeof recipientRow>;

const listRecipients = statement<{ list: string; mode: string; after: number; limit: number }>(
  `SELECT m.id, m.email FROM mail_subscriptions s JOIN mail_subscribers m ON m.id = s.subscriber_id
   WHERE s.list = :list AND (s.mode = :mode OR :mode = '*') AND s.confirmed_at IS NOT NULL AND s.subscriber_id > :after
   ORDER BY s.subscriber_id LIMIT :limit`,
);
// A correction's first audience: whoever was sent the article and still receives anything from us.
const earlierRecipients = statement<{ scope: string; after: number; limit: number }>(
  `SELECT m.id, m.email FROM mail_deliveries d JOIN mail_subscribers m ON m.id = d.subscriber_id
   WHERE d.scope_id = (SELECT id FROM mail_scopes WHERE name = :scope) AND d.subscriber_id > :after AND d.status = 'sent'
     AND EXISTS (SELECT 1 FROM mail_subscriptions s WHERE s.subscriber_id = m.id AND s.confirmed_at IS NOT NULL)
   ORDER BY d.subscriber_id LIMIT :limit`,
);

/** The prefix of a list that names an earlier send's recipients, as a correction notice's list. */
export const RECIPIENTS_OF = "recipients:";

/** The next page of a send's recipients after subscriber id `after` (0 for the first page). */
export async function recipientsPage(db: D1Database, send: SendRow, after: number, limit: number): Promise<Recipient[]> {
  if (send.list.startsWith(RECIPIENTS_OF)) {
    const rows = await earlierRecipients(db, { scope: send.list.slice(RECIPIENTS_OF.length), after, limit }).all();
    return rowsOf(rows, recipientRow);
  }
  // A manual newsletter goes to the whole list, whichever way each reader takes it.
  const mode = send.kind === "manual" ? "*" : send.kind === "digest" ? "digest" : "alerts";
  return await all(listRecipients(db, { list: send.list, mode, after, limit }), recipientRow);
}

const insertDeliveries = statement<{ scope: number; send: number; ids: string; now: number }>(
  `INSERT INTO mail_deliveries (scope_id, subscriber_id, send_id, status, at)
   SELECT :scope, value, :send, 'queued', :now FROM json_each(:ids) WHERE true
   ON CONFLICT (scope_id, subscriber_id) DO NOTHING`,
);
const claimDeliveries = statement<{ scope: number; send: number; ids: string; now: number; limit: number }>(
  `UPDATE mail_deliveries SET status = 'sending', at = :now WHERE scope_id = :scope AND subscriber_id IN (
     SELECT subscriber_id FROM mail_deliveries WHERE scope_id = :scope AND subscriber_id IN (SELECT value FROM json_each(:ids))
       AND send_id = :send AND status IN ('queued', 'failed') LIMIT :limit)
   RETURNING subscriber_id`,
);
const touchSend = statement<{ id: number; now: number }>("UPDATE mail_sends SET queued_at = :now WHERE id = :id");

/**
 * Records one delivery per recipient (once: the key is the idempotency key), then claims up to
 * `limit` of them that are still to send for this send, queued → sending, so no other delivery of
 * the same queue message can claim them. Resolves the claimed subscriber ids.
 */
export async function claimPage(
  db: D1Database,
  send: SendRow,
  recipients: Recipient[],
  limit: number,
  now: number,
): Promise<Set<number>> {
  if (recipients.length === 0 || limit <= 0) return new Set();
  const ids = JSON.stringify(recipients.map((r) => r.id));
  const [, claimed] = await db.batch([
    insertDeliveries(db, { scope: send.scope_id, send: send.id, ids, now }),
    claimDeliveries(db, { scope: send.scope_id, send: send.id, ids, now, limit }),
    touchSend(db, { id: send.id, now }),
  ]);
  return new Set(rowsOf(claimed, v.object({ subscriber_id: num })).map((row) => row.subscriber_id));
}

const deliveryOutcome = statement<{ scope: number; subscriber: number; status: string; now: number; error: string | null }>(
  "UPDATE mail_deliveries SET status = :status, at = :now, error = :error WHERE scope_id = :scope AND subscriber_id = :subscriber",
);

/** Records how each claimed delivery ended. */
export async function recordOutcomes(
  db: D1Database,
  scope: number,
  outcomes: Array<{ subscriberId: number; status: "sent" | "failed" | "suppressed"; error?: string }>,
  now: number,
): Promise<void> {
  if (outcomes.length === 0) return;
  await db.batch(
    outcomes.map((o) =>
      deliveryOutcome(db, { scope, subscriber: o.subscriberId, status: o.status, now, error: o.error?.slice(0, 500) ?? null }),
    ),
  );
}

const finish = statement<{ id: number; now: number }>(
  "UPDATE mail_sends SET finished_at = :now WHERE id = :id AND finished_at IS NULL",
);

/** Marks a send fanned out to its last page. */
export async function finishSend(db: D1Database, id: number, now: number): Promise<void> {
  await finish(db, { id, now }).run();
}

const oldSend = statement<{ before: number }>(
  "SELECT id FROM mail_sends WHERE created_at < :before AND pruned_at IS NULL ORDER BY id LIMIT 1",
);
const deleteSome = statement<{ send: number; limit: number }>(
  `DELETE FROM mail_deliveries WHERE (scope_id, subscriber_id) IN (
     SELECT scope_id, subscriber_id FROM mail_deliveries WHERE send_id = :send LIMIT :limit)`,
);
const markPruned = statement<{ send: number; now: number }>("UPDATE mail_sends SET pruned_at = :now WHERE id = :send");

/**
 * Deletes up to `limit` delivery rows of the oldest send made before `before` whose rows are still
 * kept, and marks it pruned once none is left. Resolves how many rows went.
 */
export async function pruneOldDeliveries(db: D1Database, before: number, limit: number, now: number): Promise<number> {
  const send = await first(oldSend(db, { before }), v.object({ id: num }));
  if (!send) return 0;
  const deleted = (await deleteSome(db, { send: send.id, limit }).run()).meta.changes ?? 0;
  if (deleted < limit) await markPruned(db, { send: send.id, now }).run();
  return deleted;
}

// ————— Pacing —————

const bucketRow = v.object({ tokens: num, at: num });
const readBucket = statement("SELECT tokens, at FROM mail_bucket WHERE id = 1");
const writeBucket = statement<{ tokens: number; at: number; was: number }>(
  `INSERT INTO mail_bucket (id, tokens, at) VALUES (1, :tokens, :at)
   ON CONFLICT (id) DO UPDATE SET tokens = excluded.tokens, at = excluded.at WHERE mail_bucket.at = :was RETURNING id`,
);

/**
 * Takes up to `wanted` tokens from the sending bucket, which refills at `perMinute` and holds a
 * minute's worth. Resolves how many were granted (0 when another consumer changed the bucket first:
 * the caller waits and tries again).
 */
export async function takeSendTokens(db: D1Database, wanted: number, perMinute: number, now: number): Promise<number> {
  const row = await first(readBucket(db), bucketRow);
  const was = row?.at ?? -1;
  const available = row ? Math.min(perMinute, row.tokens + ((now - row.at) * perMinute) / 60_000) : perMinute;
  const granted = Math.max(0, Math.min(wanted, Math.floor(available)));
  const written = await writeBucket(db, { tokens: available - granted, at: now, was }).first();
  return written ? granted : 0;
}

// ————— Capture (MAIL_CAPTURE=1) —————

export interface CapturedMail {
  recipient: string;
  sender: string;
  subject: string;
  headers: Record<string, string>;
  html: string;
  text: string;
}

const insertCaptured = statement<{
  at: number;
  recipient: string;
  sender: string;
  subject: string;
  headers: string;
  html: string;
  text: string;
}>(
  `INSERT INTO mail_captured (at, recipient, sender, subject, headers, html, text)
   VALUES (:at, :recipient, :sender, :subject, :headers, :html, :text)`,
);

export async function captureMail(db: D1Database, mail: CapturedMail, at: number): Promise<void> {
  await insertCaptured(db, { ...mail, headers: JSON.stringify(mail.headers), at }).run();
}

const capturedRow = v.object({
  id: num,
  at: num,
  recipient: str,
  sender: str,
  subject: str,
  headers: str,
  html: str,
  text: str,
});
const capturedAll = statement<{ limit: number }>(
  "SELECT id, at, recipient, sender, subject, headers, html, text FROM mail_captured ORDER BY id DESC LIMIT :limit",
);
const capturedTo = statement<{ to: string; limit: number }>(
  "SELECT id, at, recipient, sender, subject, headers, html, text FROM mail_captured WHERE recipient = :to ORDER BY id DESC LIMIT :limit",
);

/** Captured mail, newest first, optionally to one address. */
export async function listCaptured(db: D1Database, to: string | undefined, limit: number) {
  const rows = to === undefined ? await capturedAll(db, { limit }).all() : await capturedTo(db, { to, limit }).all();
  return rowsOf(rows, capturedRow).map((row) => ({
    ...row,
    headers: v.parse(v.record(v.string(), v.string()), JSON.parse(row.headers)),
  }));
}

// ————— The desk's view —————

const listCountRow = v.object({ list: str, mode: str, confirmed: num, pending: num });
const listCounts = statement(
  `SELECT list, mode, count(confirmed_at) AS confirmed, count(*) - count(confirmed_at) AS pending
   FROM mail_subscriptions GROUP BY list, mode ORDER BY list, mode`,
);

/** Every list with its confirmed and pending subscribers by mode. */
export async function listsWithCounts(db: D1Database) {
  return await all(listCounts(db), listCountRow);
}

const recentSendRow = v.object({
  id: num,
  kind: str,
  list: str,
  subject: str,
  created_at: num,
  finished_at: nullableNum,
  queued: num,
  sending: num,
  sent: num,
  failed: num,
  suppressed: num,
});
const recentSendsQuery = statement<{ limit: number }>(
  `SELECT s.id, s.kind, s.list, s.subject, s.created_at, s.finished_at,
     (SELECT count(*) FROM mail_deliveries d WHERE d.send_id = s.id AND d.status = 'queued') AS queued,
     (SELECT count(*) FROM mail_deliveries d WHERE d.send_id = s.id AND d.status = 'sending') AS sending,
     (SELECT count(*) FROM mail_deliveries d WHERE d.send_id = s.id AND d.status = 'sent') AS sent,
     (SELECT count(*) FROM mail_deliveries d WHERE d.send_id = s.id AND d.status = 'failed') AS failed,
     (SELECT count(*) FROM mail_deliveries d WHERE d.send_id = s.id AND d.status = 'suppressed') AS suppressed
   FROM mail_sends s ORDER BY s.id DESC LIMIT :limit`,
);

/** The newest sends with their deliveries counted by status. */
export async function recentSends(db: D1Database, limit = 50) {
  return await all(recentSendsQuery(db, { limit }), recentSendRow);
}

const liveArticleExists = statement<{ slug: string }>(
  "SELECT 1 AS yes FROM articles WHERE slug = :slug AND deleted_at IS NULL AND draft = 0 AND json_extract(record, '$.live') IS NOT NULL",
);
const publicBySlug = statement<{ slugs: string; now: number }>(
  `SELECT a.id, a.slug, a.title, a.section_slug, a.published_at, a.record, a.language FROM articles a
   WHERE a.slug IN (SELECT value FROM json_each(:slugs)) AND a.draft = 0 AND a.deleted_at IS NULL AND a.published_at <= :now`,
);

/** The public articles among these slugs. */
export async function publicArticlesBySlug(db: D1Database, slugs: string[], now: number): Promise<MailArticleRow[]> {
  return await all(publicBySlug(db, { slugs: JSON.stringify(slugs), now }), articleRow);
}

const sectionExists = statement<{ slug: string }>("SELECT 1 AS yes FROM sections WHERE slug = :slug");
const tagExists = statement<{ slug: string }>("SELECT 1 AS yes FROM tags WHERE slug = :slug");
const authorExists = statement<{ slug: string }>("SELECT 1 AS yes FROM authors WHERE slug = :slug");

/** Whether the section, tag, author or live article (not a draft, not in the trash) a list names exists. */
export async function listTargetExists(
  db: D1Database,
  kind: "section" | "tag" | "author" | "live",
  slug: string,
): Promise<boolean> {
  const query = { section: sectionExists, tag: tagExists, author: authorExists, live: liveArticleExists }[kind];
  return (await query(db, { slug }).first()) !== null;
}

// ————— Dead letters (0021) —————

const insertDeadLetter = statement<{ send: number; after: number; attempts: number; now: number }>(
  `INSERT INTO mail_dead_letters (send_id, after, attempts, error, failed_at)
   VALUES (:send, :after, :attempts,
     (SELECT error FROM mail_deliveries WHERE send_id = :send AND status = 'failed' AND error IS NOT NULL ORDER BY at DESC LIMIT 1),
     :now)`,
);
const markSendDead = statement<{ send: number; now: number }>("UPDATE mail_sends SET dead_at = :now WHERE id = :send");

/** Keeps a page that failed every retry, and stops the cron putting its send back on the queue. */
export async function recordMailDeadLetter(
  db: D1Database,
  letter: { send: number; after: number; attempts: number },
  now: number,
): Promise<void> {
  await db.batch([insertDeadLetter(db, { ...letter, now }), markSendDead(db, { send: letter.send, now })]);
}

const mailDeadLetterRow = v.object({
  id: num,
  send_id: num,
  after: num,
  attempts: num,
  error: v.nullable(str),
  failed_at: num,
  subject: v.nullable(str),
  list: v.nullable(str),
});
export type MailDeadLetterRow = v.InferOutput<typeof mailDeadLetterRow>;
const LETTER_COLUMNS = "l.id, l.send_id, l.after, l.attempts, l.error, l.failed_at, s.subject, s.list";
const waitingLetters = statement<{ limit: number }>(
  `SELECT ${LETTER_COLUMNS} FROM mail_dead_letters l LEFT JOIN mail_sends s ON s.id = l.send_id
   WHERE l.replayed_at IS NULL ORDER BY l.id DESC LIMIT :limit`,
);
const waitingLetter = statement<{ id: number }>(
  `SELECT ${LETTER_COLUMNS} FROM mail_dead_letters l LEFT JOIN mail_sends s ON s.id = l.send_id
   WHERE l.replayed_at IS NULL AND l.id = :id`,
);
const waitingCount = statement("SELECT count(*) AS n FROM mail_dead_letters WHERE replayed_at IS NULL");

/** Dead letters not replayed yet, newest first (`limit` of them), or the one with `id`; and how many wait in all. */
export async function mailDeadLetters(
  db: D1Database,
  options: { limit: number } | { id: number },
): Promise<{ letters: MailDeadLetterRow[]; waiting: number }> {
  const [letters, total] = await db.batch([
    "id" in options ? waitingLetter(db, options) : waitingLetters(db, options),
    waitingCount(db),
  ]);
  return { letters: rowsOf(letters, mailDeadLetterRow), waiting: firstOf(total, v.object({ n: num }))?.n ?? 0 };
}

const letterReplayed = statement<{ ids: string; now: number }>(
  "UPDATE mail_dead_letters SET replayed_at = :now WHERE id IN (SELECT value FROM json_each(:ids)) AND replayed_at IS NULL",
);
const sendRevived = statement<{ ids: string; now: number }>(
  "UPDATE mail_sends SET dead_at = NULL, queued_at = :now WHERE id IN (SELECT value FROM json_each(:ids))",
);

/** Records that dead letters went back on the mail queue, and lets the cron look after their sends again. */
export async function markMailReplayed(db: D1Database, letters: number[], sends: number[], now: number): Promise<void> {
  if (letters.length === 0) return;
  await db.batch([
    letterReplayed(db, { ids: JSON.stringify(letters), now }),
    sendRevived(db, { ids: JSON.stringify(sends), now }),
  ]);
}
