/**
 * Helpers for integration tests: real requests through the Worker, real D1, KV and Cache API, on
 * a clock the test moves by hand.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { dump } from "js-yaml";
import { expect } from "vitest";
import { EVERYTHING, localCache } from "../../src/cache/local-cache";
import type { Clock } from "../../src/core/clock";
import { TABLES } from "../../src/editorial/database";
import { createWorker } from "../../src/index";
import { mediaNameOf } from "../../src/media/store";

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
/** How the fake hub answers; a test may make it fail. */
export const fakeHub = { status: 204 };
export const worker = createWorker({
  clock,
  fetch: async (request) => {
    hubRequests.push(request.clone());
    return new Response(null, { status: fakeHub.status });
  },
});

export const SITE = "https://news.example";
export const TOKEN = "test-token-current-0123456789abcdef";
export const OLD_TOKEN = "test-token-previous-0123456789abcdef";

/**
 * Sends a request through the Worker, with relative paths resolved against the test site, and waits
 * for its background work (applying the outbox, cache writes) before resolving.
 */
export async function request(path: string, init?: RequestInit, settings: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  // A request built here carries no `cf` object; the handler's type expects an incoming one.
  const incoming = new Request(new URL(path, SITE), init) as Request<unknown, IncomingRequestCfProperties>;
  const response = await worker.fetch(incoming, { ...env, ...settings }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Runs the cron at the clock's time, as Cloudflare would, and waits for it. */
export async function runCron(settings: Partial<Env> = {}): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(
    createScheduledController({ scheduledTime: clock.now(), cron: "* * * * *" }),
    { ...env, ...settings },
    ctx,
  );
  await waitOnExecutionContext(ctx);
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
  for (const table of TABLES.filter((name) => name !== "sign_in_failures")) {
    snapshot[`d1:${table}`] = (await env.DB.prepare(`SELECT * FROM ${table}`).all()).results;
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

/**
 * Publishes `count` articles one after another (so each save's rebuilds finish before the next),
 * with slugs `<prefix>-<i>`, titles `<Prefix> <i>`, the i-th published `i` days after `start`.
 */
export async function publishSeries(prefix: string, count: number, start = Date.UTC(2025, 0, 1)): Promise<void> {
  const name = prefix.charAt(0).toUpperCase() + prefix.slice(1);
  for (let i = 0; i < count; i++) {
    await publish(`${prefix}-${i}`, { title: `${name} ${i}`, published: new Date(start + i * 86_400_000).toISOString() });
  }
}
