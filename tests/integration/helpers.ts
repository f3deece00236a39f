/**
 * Helpers for integration tests: real requests through the Worker, real D1, KV and Cache API, on
 * a clock the test moves by hand.
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { dump } from "js-yaml";
import { expect } from "vitest";
import { EVERYTHING, localCache } from "../../src/cache/local-cache";
import type { Clock } from "../../src/core/clock";
import { TABLES } from "../../src/editorial/database";
import { mediaNameOf } from "../../src/media/store";
import { createNewsroom } from "../../src/newsroom/index";
import { MAIL_DEAD_LETTER_QUEUE } from "../../src/newsroom/mail/dead-letters";
import { DEAD_LETTER_QUEUE, type MessageBody } from "../../src/pipeline/messages";
import type { PurgeMode, Purger } from "../../src/pipeline/purges";
import { createReader } from "../../src/reader/index";

/** A clock that moves only when told; `sleep` moves it at once, so nothing waits on the wall clock. */
export class TestClock implements Clock {
  constructor(public at: number = Date.now()) {}
  now(): number {
    return this.at;
  }
  async sleep(ms: number): Promise<void> {
    this.at += ms;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

/** The clock every request of a test file runs on; `clock.advance()` moves it. */
export const clock = new TestClock();
/** Every WebSub ping the Worker sends, received by a fake hub inside the test runtime. */
export const hubRequests: Request[] = [];
/** How the fake hub answers: it refuses the next `refusals` pings with a 503, then answers `status`. */
export const fakeHub = { status: 204, refusals: 0 };

/** Every purge or invalidate the newsroom asked of the reader, and what the reader answered. */
export const readerPurges: Array<{ mode: PurgeMode; tags: string[]; answer: ReaderPurgeAnswer }> = [];
export type ReaderPurgeAnswer = "accept" | "refuse" | "throw";
/** How the reader answers purges: a test may make it refuse (as a rate limit does) or throw. tests/setup.ts resets it. */
export const fakeReader: { purges: ReaderPurgeAnswer } = { purges: "accept" };

/**
 * The reader's RPC entrypoint as the newsroom calls it (`purge`, `invalidate`), over the local
 * layer that the reader in these tests serves from; it answers as `fakeReader.purges` says.
 */
function fakeReaderPurger(cache: Purger): Purger {
  const call = (mode: PurgeMode) =>
    async function purge(tags: string[]): Promise<boolean> {
      const answer = fakeReader.purges;
      readerPurges.push({ mode, tags: [...tags], answer });
      if (answer === "throw") throw new Error("the reader is unreachable (injected)");
      return answer === "accept" && cache[mode](tags);
    };
  return { purge: call("purge"), invalidate: call("invalidate") };
}

/** Targets one fan-out message sends in tests (500 in production). */
export const FANOUT_PAGE_IN_TESTS = 25;

/** The newsroom Worker, on the test clock, with a fake WebSub hub; it purges the reader's (local) cache. */
export const newsroom = createNewsroom({
  clock,
  fetch: async (request) => {
    hubRequests.push(request.clone());
    if (fakeHub.refusals > 0) {
      fakeHub.refusals--;
      return new Response(null, { status: 503 });
    }
    return new Response(null, { status: fakeHub.status });
  },
  purger: (_env, ctx) => fakeReaderPurger(localCache(caches.default, ctx, SITE_URL, clock)),
  // Small pages, so that a fan-out over a few dozen articles goes through several fan-out messages.
  fanoutPage: FANOUT_PAGE_IN_TESTS,
});
/** The reader Worker, on the test clock. */
export const reader = createReader({ clock });

const SITE_URL = "https://news.example";

/** Every message the newsroom sent to a queue and no consumer has taken yet, by queue name. */
const sent = new Map<string, Array<{ body: MessageBody; attempts: number }>>();
/** How many deliveries a message gets before it goes to the dead-letter queue (wrangler.newsroom.toml). */
const MAX_DELIVERIES = 9;

/**
 * The real queue binding, watched: what is sent still goes to the queue, and is recorded so that
 * `drainQueues` can deliver it to the consumer with the plugin's `createMessageBatch`.
 */
function watchedQueue(queue: Queue, name: string): Queue {
  const record = (bodies: unknown[]) => {
    const list = sent.get(name) ?? [];
    for (const body of bodies) list.push({ body: body as MessageBody, attempts: 1 });
    sent.set(name, list);
  };
  return new Proxy(queue, {
    get(target, property) {
      if (property === "send")
        return async (body: unknown, options?: QueueSendOptions) => {
          await target.send(body, options);
          record([body]);
        };
      if (property === "sendBatch")
        return async (messages: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions) => {
          const list = [...messages];
          await target.sendBatch(list, options);
          record(list.map((m) => m.body));
        };
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The environment both Workers run with in tests: the real bindings, queues watched. */
export function testEnv(settings: Partial<Cloudflare.Env> = {}): Cloudflare.Env {
  const base = { ...env, ...settings } as Cloudflare.Env;
  return {
    ...base,
    PIPELINE: watchedQueue(base.PIPELINE, "broadsheet-pipeline"),
    REBUILD: watchedQueue(base.REBUILD, "broadsheet-rebuild"),
    MAIL: watchedQueue(base.MAIL, "broadsheet-mail"),
  };
}

/** Requests as the zone sees them: the reader answers, and hands the newsroom its paths. */
export const worker = {
  async fetch(request: Request, bindings: Cloudflare.Env, ctx: ExecutionContext): Promise<Response> {
    const newsroomEnv = bindings.PIPELINE === env.PIPELINE ? testEnv(bindings) : bindings;
    const readerEnv = {
      ...bindings,
      NEWSROOM: { fetch: (forwarded: Request) => newsroom.fetch(forwarded, newsroomEnv, ctx) } as unknown as Fetcher,
    } as unknown as ReaderBindings;
    return reader.fetch(request, readerEnv, ctx);
  },
  scheduled: (controller: ScheduledController, bindings: Cloudflare.Env, ctx: ExecutionContext) =>
    newsroom.scheduled(controller, bindings, ctx),
};

/**
 * Delivers every message waiting on the queues to the newsroom's consumer, as Cloudflare would:
 * batches of up to 100, per-message acknowledgement, retries, and after the last retry the
 * dead-letter queue. Resolves the number of deliveries.
 */
export async function drainQueues(settings: Partial<Cloudflare.Env> = {}): Promise<number> {
  let deliveries = 0;
  for (let round = 0; round < 10_000; round++) {
    const name = ["broadsheet-pipeline", "broadsheet-rebuild", "broadsheet-mail", DEAD_LETTER_QUEUE, MAIL_DEAD_LETTER_QUEUE].find(
      (q) => sent.get(q)?.length,
    );
    if (!name) return deliveries;
    const waiting = sent.get(name) ?? [];
    const taken = waiting.splice(0, 100);
    deliveries += taken.length;
    const batch = createMessageBatch(
      name,
      taken.map((m, i) => ({ id: `${round}-${i}`, timestamp: new Date(clock.now()), attempts: m.attempts, body: m.body })),
    );
    const ctx = createExecutionContext();
    await newsroom.queue(batch, testEnv(settings), ctx);
    const result = await getQueueResult(batch, ctx);
    // A consumer that threw, or retried the whole batch, gets back every message it did not acknowledge.
    const all = result.outcome !== "ok" || result.retryBatch.retry;
    const retried = new Set([...result.retryMessages.map((m) => m.msgId), ...(all ? taken.map((_, i) => `${round}-${i}`) : [])]);
    for (const [i, m] of taken.entries()) {
      if (!retried.has(`${round}-${i}`) || result.explicitAcks.includes(`${round}-${i}`)) continue;
      if (name === DEAD_LETTER_QUEUE || name === MAIL_DEAD_LETTER_QUEUE) continue; // A dead-letter queue's consumer gives up quietly.
      if (m.attempts >= MAX_DELIVERIES) {
        // wrangler.newsroom.toml: the mail queue has a dead-letter queue of its own.
        const deadQueue = name === "broadsheet-mail" ? MAIL_DEAD_LETTER_QUEUE : DEAD_LETTER_QUEUE;
        const dead = sent.get(deadQueue) ?? [];
        dead.push({ body: m.body, attempts: 1 });
        sent.set(deadQueue, dead);
      } else waiting.push({ body: m.body, attempts: m.attempts + 1 });
    }
  }
  throw new Error("the queues did not drain within 10,000 batches");
}

/** Takes every message waiting on the queues, for a test to deliver in an order of its own. */
export function takeQueued(): MessageBody[] {
  const all = [...sent.values()].flat().map((m) => m.body);
  sent.clear();
  return all;
}

/**
 * Delivers `bodies` to the newsroom's consumer as one batch, each on its `attempts`-th delivery.
 * What the consumer sends while it works stays queued, for `drainQueues`; what it retries is dropped
 * (the test delivers again what it wants delivered again).
 */
export async function deliverBatch(bodies: MessageBody[], attempts = 1): Promise<void> {
  const batch = createMessageBatch(
    "broadsheet-pipeline",
    bodies.map((body, i) => ({ id: `chosen-${i}`, timestamp: new Date(clock.now()), attempts, body })),
  );
  const ctx = createExecutionContext();
  await newsroom.queue(batch, testEnv(), ctx);
  await getQueueResult(batch, ctx);
}

/** Forgets every message waiting on the queues (tests/setup.ts, before each test). */
export function forgetQueuedMessages(): void {
  sent.clear();
}

export const SITE = "https://news.example";
export const TOKEN = "test-token-current-0123456789abcdef";
export const OLD_TOKEN = "test-token-previous-0123456789abcdef";

/**
 * Sends a request through the Worker, with relative paths resolved against the test site, and waits
 * for its background work (applying the outbox, cache writes) before resolving.
 */
export async function request(path: string, init?: RequestInit, settings: Partial<Cloudflare.Env> = {}): Promise<Response> {
  const response = await requestOnly(path, init, settings);
  await drainQueues(settings);
  return response;
}

/** A request and its background work (the send to the queue), leaving the queue's messages waiting. */
export async function requestOnly(path: string, init?: RequestInit, settings: Partial<Cloudflare.Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(new URL(path, SITE), init), testEnv(settings), ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Runs the cron at the clock's time, as Cloudflare would, and waits for it. */
export async function runCron(settings: Partial<Cloudflare.Env> = {}): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: clock.now(), cron: "* * * * *" }), testEnv(settings), ctx);
  await waitOnExecutionContext(ctx);
  await drainQueues(settings);
}

export interface ArticleFields {
  title?: string;
  published?: string;
  updated?: string;
  category?: string;
  authors?: string[];
  summary?: string;
  tags?: string[];
  draft?: boolean;
  image?: { url?: string; alt: string; caption?: string; credit?: string };
  [field: string]: unknown;
}

/** An article file: YAML frontmatter from `fields` (with sensible defaults) and a Markdown body. */
export function articleFile(fields: ArticleFields = {}, body = "A first paragraph of the article.\n\nA second one."): string {
  const frontmatter = { title: "A test article", published: "2025-01-15T10:00:00Z", category: "Tests", ...fields };
  return `---\n${dump(frontmatter)}---\n\n${body}\n`;
}

/** PUTs an article file through the editors' API. */
export function putArticle(slug: string, source: string, headers: Record<string, string> = {}): Promise<Response> {
  return request(`/api/articles/${slug}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "text/markdown", ...headers },
    body: source,
  });
}

/** PUTs an article and fails the test unless it was stored. */
export async function publish(slug: string, fields: ArticleFields = {}, body?: string): Promise<Response> {
  const response = await putArticle(slug, articleFile(fields, body));
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`publishing ${slug} failed with ${response.status}: ${await response.text()}`);
  }
  return response;
}

/** An image uploaded through the editors' API, as it answers: its URL, stored name and size. */
export interface UploadedImage {
  url: string;
  name: string;
  width: number;
  height: number;
}

/** Uploads `bytes` as an image with `alt` through the editors' API, and fails the test unless it was stored. */
export async function uploadImage(bytes: Uint8Array, alt: string): Promise<UploadedImage> {
  const form = new FormData();
  form.set("file", new File([bytes], "picture.png"));
  form.set("alt", alt);
  const response = await request("/api/media", { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` }, body: form });
  expect(response.status).toBe(201);
  const media = (await response.json()) as { url: string; width: number; height: number };
  const name = mediaNameOf(media.url);
  if (name === undefined) throw new Error(`${media.url} is not a stored image's URL`);
  return { ...media, name };
}

export function deleteArticle(slug: string, headers: Record<string, string> = {}): Promise<Response> {
  return request(`/api/articles/${slug}`, { method: "DELETE", headers: { Authorization: `Bearer ${TOKEN}`, ...headers } });
}

/**
 * Every row of the editorial database and every key in KV with its value and metadata, to prove
 * that a failed request wrote nothing.
 */
export async function kvSnapshot(): Promise<Record<string, unknown>> {
  const snapshot: Record<string, unknown> = {};
  // A refused token is recorded on purpose (newsroom/failed-auth.ts): the one write a failed request makes.
  // So is its audit entry, the one entry a refused request writes.
  for (const table of TABLES.filter((name) => name !== "sign_in_failures")) {
    const rows = table === "audit" ? "SELECT * FROM audit WHERE action <> 'sign-in-failed'" : `SELECT * FROM ${table}`;
    snapshot[`d1:${table}`] = (await env.DB.prepare(rows).all()).results;
  }
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await env.ARTICLES.list(cursor ? { cursor } : {});
    for (const key of page.keys) {
      snapshot[key.name] = { value: await env.ARTICLES.get(key.name), metadata: key.metadata ?? null };
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return snapshot;
}

/** An ISO date-time `seconds` from the test clock's now. */
export const secondsFromNow = (seconds: number): string => new Date(clock.now() + seconds * 1000).toISOString();

/**
 * Empties the edge cache as of the test clock's now, then moves the clock on by a millisecond so
 * that what is cached next is newer than the purge. tests/setup.ts purges at the wall clock's now,
 * which a clock moved by an earlier test (or by listing rebuilds' waits) may have left behind.
 */
export async function emptyCache(): Promise<void> {
  const ctx = createExecutionContext();
  await localCache(caches.default, ctx, SITE, clock).purge([EVERYTHING]);
  await waitOnExecutionContext(ctx);
  clock.advance(1);
}

export interface OutboxEntry {
  kind: "article" | "listing" | "purge" | "websub";
  target: string;
  due_at: number;
  attempts: number;
  last_error: string | null;
}

/** The outbox rows still waiting in D1, oldest first, optionally of one kind. */
export async function outbox(kind?: OutboxEntry["kind"]): Promise<OutboxEntry[]> {
  const query = kind
    ? env.DB.prepare("SELECT kind, target, due_at, attempts, last_error FROM outbox WHERE kind = ? ORDER BY id").bind(kind)
    : env.DB.prepare("SELECT kind, target, due_at, attempts, last_error FROM outbox ORDER BY id");
  return (await query.all<OutboxEntry>()).results;
}

export interface PendingPurge {
  tag: string;
  mode: PurgeMode;
  due_at: number;
  repurge: number;
  attempts: number;
}

/** The cache tags waiting to be purged or invalidated, soonest first; `due` keeps those due by now. */
export async function pendingPurges(options: { due?: boolean } = {}): Promise<PendingPurge[]> {
  const rows = (
    await env.DB.prepare(
      "SELECT tag, mode, due_at, repurge, attempts FROM pending_purges ORDER BY due_at, tag",
    ).all<PendingPurge>()
  ).results;
  return options.due ? rows.filter((row) => row.due_at <= clock.now()) : rows;
}

/**
 * Publishes `count` articles one after another, with slugs `<prefix>-<i>`, titles `<Prefix> <i>`,
 * the i-th published `i` days after `start`; then lets the queue's consumer apply them all, as a
 * burst of saves is applied: each page once, each listing once for the lot.
 */
export async function publishSeries(prefix: string, count: number, start = Date.UTC(2025, 0, 1)): Promise<void> {
  const name = prefix.charAt(0).toUpperCase() + prefix.slice(1);
  for (let i = 0; i < count; i++) {
    const fields = { title: `${name} ${i}`, published: new Date(start + i * 86_400_000).toISOString() };
    const response = await requestOnly(`/api/articles/${prefix}-${i}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "text/markdown" },
      body: articleFile(fields),
    });
    if (response.status !== 201)
      throw new Error(`publishing ${prefix}-${i} failed with ${response.status}: ${await response.text()}`);
  }
  await drainQueues();
}
