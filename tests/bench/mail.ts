/**
 * @module bench/mail
 * Issue 24's target: one alert to 100,000 confirmed subscribers — the time to enqueue it, messages
 * a second through the local consumer with the simulated `send_email` binding, and D1 bytes per
 * subscriber. `BENCH_ONLY=mail npm run bench` runs it alone; `npm run bench` runs it last.
 *
 * The subscribers are INSERTed with SQL (`BENCH_MAIL_SUBSCRIBERS`, default 5,000: a fan-out goes one
 * page of 100 after another, and each page here waits for the queue's 1 s batch timeout), confirmed
 * to `home`; then one article is published through the API, and the deliveries are counted in D1
 * until every one is `sent`. The token bucket is opened wide (MAIL_RATE_PER_MINUTE), so what is
 * measured is the consumer; at the configured rate the bucket is the limit, and the projection says so.
 */
import { EDITOR_TOKEN, type Runtime, WORKERS } from "./runtime";
import { applyAllMigrations } from "./seed";

/** The issue's audience. */
export const TARGET_SUBSCRIBERS = 100_000;
/** Recipients per queue message (src/newsroom/mail/fanout.ts's PAGE_SIZE). */
const PAGE_SIZE = 100;
/** The rate the bench gives the bucket, so that pacing never holds a page back. */
export const BENCH_MAIL_RATE = "100000000";

export function mailSubscribersFromEnv(): number {
  const raw = Number.parseInt(process.env.BENCH_MAIL_SUBSCRIBERS ?? "5000", 10);
  return Number.isSafeInteger(raw) && raw >= PAGE_SIZE ? raw : 5000;
}

export interface MailBenchResult {
  subscribers: number;
  enqueueMs: number;
  sendSeconds: number;
  emailsPerSecond: number;
  messagesPerSecond: number;
  subscriberBytes: number;
  deliveryBytes: number;
  lines: string[];
}

/** D1's size as a statement's result reports it (`meta.size_after`). */
async function sizeOf(db: D1Database): Promise<number> {
  const result = await db.prepare("SELECT 1").run();
  return Number((result.meta as { size_after?: number }).size_after ?? 0);
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (performance.now() > deadline) throw new Error(`bench/mail: ${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Seeds `subscribers` confirmed readers of `home`, publishes one article, and times its alert to all
 * of them. `runtime` is a fresh one whose newsroom has MAIL_RATE_PER_MINUTE = BENCH_MAIL_RATE.
 */
export async function benchMail(
  runtime: Runtime,
  subscribers: number,
  options: { log: (line: string) => void; configuredRate: number },
): Promise<MailBenchResult> {
  const { log } = options;
  const db = runtime.db;
  await applyAllMigrations(runtime);
  const empty = await sizeOf(db);
  // Addresses, ids and nonces as long as the real ones: a UUID's 36 characters, a nonce's 22.
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO mail_subscribers (email, created_at) SELECT 'reader-' || printf('%06d', i) || '@example.org', 1 FROM n`,
    )
    .bind(subscribers)
    .run();
  await db
    .prepare(
      `INSERT INTO mail_subscriptions (id, subscriber_id, list, mode, nonce, created_at, confirmed_at)
       SELECT lower(hex(randomblob(18))), id, 'home', 'alerts', substr(lower(hex(randomblob(11))), 1, 22), 1, 2 FROM mail_subscribers`,
    )
    .run();
  const seeded = await sizeOf(db);
  const subscriberBytes = (seeded - empty) / subscribers;
  log(`  ${subscribers.toLocaleString("en")} confirmed subscribers to home: ${subscriberBytes.toFixed(0)} bytes of D1 each`);

  const app = runtime.urls[WORKERS.app];
  const started = performance.now();
  const response = await fetch(new URL("/api/articles/bench-mail", app), {
    method: "PUT",
    headers: { Authorization: `Bearer ${EDITOR_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      title: "An alert to every subscriber",
      published: new Date(Date.now() - 1000).toISOString(),
      category: "Benchmark",
      body: "Text.",
    }),
  });
  if (!response.ok) throw new Error(`PUT bench-mail answered ${response.status}: ${await response.text()}`);
  // Enqueued: the send is stored and its first page is on the mail queue (after the response, in waitUntil).
  await until("the send's enqueueing", 60_000, async () =>
    (await db.prepare("SELECT 1 AS yes FROM mail_sends WHERE queued_at IS NOT NULL").first()) ? true : undefined,
  );
  const enqueueMs = performance.now() - started;
  log(`  published, and its send on the mail queue, ${enqueueMs.toFixed(0)} ms after the PUT`);
  const queuedAt = performance.now();
  const timeoutMs = Math.max(120_000, (subscribers / PAGE_SIZE) * 5_000);
  await until("every delivery", timeoutMs, async () => {
    const row = await db.prepare("SELECT count(*) AS n FROM mail_deliveries WHERE status = 'sent'").first<{ n: number }>();
    return (row?.n ?? 0) >= subscribers ? true : undefined;
  });
  const sendSeconds = (performance.now() - queuedAt) / 1000;
  const failed = await db.prepare("SELECT count(*) AS n FROM mail_deliveries WHERE status != 'sent'").first<{ n: number }>();
  const deliveryBytes = ((await sizeOf(db)) - seeded) / subscribers;
  const pages = Math.ceil(subscribers / PAGE_SIZE);
  const emailsPerSecond = subscribers / sendSeconds;
  const messagesPerSecond = pages / sendSeconds;

  // The projection: a fan-out is one page after another, each the same keyset query on the
  // subscriber index, so its time grows with the pages; D1's bytes grow with the rows.
  const scale = TARGET_SUBSCRIBERS / subscribers;
  const projectedSeconds = sendSeconds * scale;
  const pacedSeconds = (TARGET_SUBSCRIBERS / options.configuredRate) * 60;
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const lines = [
    `One alert to ${subscribers.toLocaleString("en")} confirmed subscribers (measured; target audience ${TARGET_SUBSCRIBERS.toLocaleString("en")}):`,
    `  time to enqueue: ${enqueueMs.toFixed(0)} ms from the PUT (one send row and one queue message, whatever the audience)`,
    `  through the local consumer, simulated send_email: ${emailsPerSecond.toFixed(0)} emails/s, ` +
      `${messagesPerSecond.toFixed(2)} queue messages/s (${pages} pages of ≤ ${PAGE_SIZE}), ${sendSeconds.toFixed(1)} s in all` +
      `${failed?.n ? `; ${failed.n} not sent` : ""}`,
    `  D1: ${subscriberBytes.toFixed(0)} bytes per subscriber on one list, ${deliveryBytes.toFixed(0)} bytes per delivery row`,
    `Projected to ${TARGET_SUBSCRIBERS.toLocaleString("en")} (assumption: time grows with the pages, each a keyset page of the same cost; ` +
      "bytes with the rows):",
    `  ${(projectedSeconds / 60).toFixed(1)} min through this consumer with the bucket open; ` +
      `${(pacedSeconds / 60).toFixed(0)} min at the configured MAIL_RATE_PER_MINUTE=${options.configuredRate}, which is then the limit`,
    `  D1: ${mb(subscriberBytes * TARGET_SUBSCRIBERS)} of subscribers, ${mb(deliveryBytes * TARGET_SUBSCRIBERS)} of delivery rows per alert (kept 30 days)`,
  ];
  return { subscribers, enqueueMs, sendSeconds, emailsPerSecond, messagesPerSecond, subscriberBytes, deliveryBytes, lines };
}
