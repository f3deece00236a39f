/**
 * @module bench/pipeline
 * Issue 15's targets, measured against the reader and the newsroom running together with their
 * queues (bench/runtime.ts), through the editors' API and with no cron run: whatever reaches the
 * read model gets there through the queue alone.
 *
 * - A full rebuild (`POST /api/pipeline/rebuild`) of an archive seeded with SQL: until every article
 *   page is in KV and the rebuild's own record says done.
 * - A navigation change (`PUT /api/sections/:slug`): until every article page shows the new order.
 * - A save until its page, the home page, its feeds and its section show it.
 * - A burst of saves, 8 at a time, until the home page and its feeds list the newest; and the purge
 *   requests the newsroom made of the reader meanwhile, against the configured token bucket.
 *
 * Times come from polling (the KV read model from Node, or pages over HTTP past the cache), so they
 * are at most one poll late. Each article page's arrival is read from KV: its key for a build, its
 * ETag for a change, which moves exactly when the HTML does.
 */

import type { PurgePacing } from "../../src/pipeline/purges";
import { navFromHtml } from "../support/nav";
import type { PurgeRecord, Runtime } from "./runtime";
import { EDITOR_TOKEN, WORKERS } from "./runtime";
import { LISTINGS_TIMEOUT_SECONDS, slugFor, type Template } from "./seed";

const EDITOR = { Authorization: `Bearer ${EDITOR_TOKEN}` };
// The local cache layer bypasses the cache for a request with Authorization: the read model itself.
const BYPASS = { Authorization: "Bearer x" };
const PAGE_PREFIX = "page:";
const KV_POLL_MS = 1000;
const HTTP_POLL_MS = 50;
const VERIFY_CONCURRENCY = 8;

/**
 * Cloudflare Queues: a push consumer scales out to this many concurrent invocations, and by
 * default (no max_concurrency, as in wrangler.newsroom.toml) to the maximum
 * (https://developers.cloudflare.com/queues/platform/limits/,
 * https://developers.cloudflare.com/queues/configuration/consumer-concurrency/).
 */
export const QUEUES_MAX_CONCURRENCY = 250;
/** The same limits page: messages a second one queue delivers at most. */
export const QUEUES_MAX_MESSAGES_PER_SECOND = 5_000;

export interface BuildTiming {
  articles: number;
  /** Documents the rebuild counted (article pages and listings, D1's `rebuilds.total`). */
  documents: number;
  /** Seconds from the request until every article page was there and the rebuild recorded done; null if not within the limit. */
  seconds: number | null;
  /** Seconds until every article page was there. */
  pagesSeconds: number | null;
  /** Seconds until the last of D1's `rebuilds` rows started by it said finished. */
  recordSeconds: number | null;
  /** Rebuilds it started (D1's `rebuilds` rows). */
  rebuilds: number;
}

/** A navigation change: `seconds` is until every page shows the new order, whatever the rebuilds' records say. */
export interface NavigationTiming extends BuildTiming {
  before: string[];
  after: string[];
  /** Article pages read back over HTTP (past the cache) that show the new order. */
  verified: number;
}

interface RebuildStatus {
  rebuild: { id: number; total: number; done: number; finishedAt: string | null } | null;
}

async function api(app: URL, method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<Response> {
  const response = await fetch(new URL(path, app), {
    method,
    headers: { ...EDITOR, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

/** Every `page:` key in KV with its ETag (PageMeta.etag), by slug: one `list` per 1,000 keys. */
async function pageEtags(kv: KVNamespace): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<{ etag?: string }, string> = await kv.list<{ etag?: string }>({
      prefix: PAGE_PREFIX,
      ...(cursor ? { cursor } : {}),
    });
    for (const key of page.keys) found.set(key.name.slice(PAGE_PREFIX.length), key.metadata?.etag ?? "");
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return found;
}

/**
 * Waits until every one of `slugs` has a page whose ETag differs from `before` (absent counts as
 * differing from nothing), and until every rebuild recorded since `startedAt` (epoch ms) has
 * finished: a change may start more than one (the home page's build starts another when it sees a
 * new navigation). Times are seconds from `startedAt`; the rebuilds' from their own `finished_at`.
 */
async function waitForBuild(
  runtime: Runtime,
  slugs: string[],
  before: Map<string, string>,
  startedAt: number,
  limitSeconds: number,
  log: (line: string) => void,
): Promise<{ pagesSeconds: number | null; recordSeconds: number | null; documents: number; rebuilds: number }> {
  const seconds = () => (Date.now() - startedAt) / 1000;
  let pagesSeconds: number | null = null;
  let recordSeconds: number | null = null;
  let documents = 0;
  let rebuilds = 0;
  let reported = 0;
  while (seconds() < limitSeconds && (pagesSeconds === null || recordSeconds === null)) {
    await new Promise((resolve) => setTimeout(resolve, KV_POLL_MS));
    if (pagesSeconds === null) {
      const now = await pageEtags(runtime.kv);
      const done = slugs.filter((slug) => {
        const etag = now.get(slug);
        return etag !== undefined && etag !== before.get(slug);
      }).length;
      if (done === slugs.length) pagesSeconds = seconds();
      if (seconds() - reported >= 30) {
        reported = seconds();
        log(`    ${done.toLocaleString("en-US")}/${slugs.length.toLocaleString("en-US")} pages after ${seconds().toFixed(0)} s`);
      }
    }
    if (recordSeconds === null) {
      const { results } = await runtime.db
        .prepare("SELECT total, finished_at FROM rebuilds WHERE started_at >= ? ORDER BY id")
        .bind(startedAt)
        .all<{ total: number; finished_at: number | null }>();
      rebuilds = results.length;
      documents = results[0]?.total ?? 0;
      if (results.length > 0 && results.every((r) => r.finished_at !== null)) {
        recordSeconds = (Math.max(...results.map((r) => r.finished_at as number)) - startedAt) / 1000;
      }
    }
  }
  return { pagesSeconds, recordSeconds, documents, rebuilds };
}

const latest = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : Math.max(a, b));

/** `POST /api/pipeline/rebuild` over `count` seeded articles, until every page is built. */
export async function timeFullRebuild(
  runtime: Runtime,
  count: number,
  limitSeconds: number,
  log: (line: string) => void,
): Promise<BuildTiming> {
  const slugs = Array.from({ length: count }, (_, i) => slugFor(i));
  const before = await pageEtags(runtime.kv);
  const started = Date.now();
  await api(runtime.urls[WORKERS.app], "POST", "/api/pipeline/rebuild");
  const waited = await waitForBuild(runtime, slugs, before, started, limitSeconds, log);
  return { articles: count, ...waited, seconds: latest(waited.pagesSeconds, waited.recordSeconds) };
}

/**
 * Moves the last section of the navigation to the front (`PUT /api/sections/:slug`), then waits
 * until every article page's ETag has changed; then reads every page back over HTTP and checks its
 * navigation shows the new order.
 */
export async function timeNavigationChange(
  runtime: Runtime,
  count: number,
  limitSeconds: number,
  log: (line: string) => void,
): Promise<NavigationTiming> {
  const app = runtime.urls[WORKERS.app];
  const slugs = Array.from({ length: count }, (_, i) => slugFor(i));
  const sample = await (await fetch(new URL(`/articles/${slugs[0]}`, app), { headers: BYPASS })).text();
  const before = navFromHtml(sample).map((section) => section.slug);
  const moved = before.at(-1);
  if (!moved || before.length < 2) throw new Error(`the article pages show no navigation to reorder: ${JSON.stringify(before)}`);
  const after = [moved, ...before.slice(0, -1)];
  const etags = await pageEtags(runtime.kv);
  const started = Date.now();
  await api(app, "PUT", `/api/sections/${moved}`, { position: 0 });
  const waited = await waitForBuild(runtime, slugs, etags, started, limitSeconds, log);
  log(`    reading all ${count.toLocaleString("en-US")} article pages back over HTTP to check their navigation ...`);
  const expected = after.join(",");
  let verified = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: VERIFY_CONCURRENCY }, async () => {
      while (next < slugs.length) {
        const slug = slugs[next++] as string;
        const html = await (await fetch(new URL(`/articles/${slug}`, app), { headers: BYPASS })).text();
        if (
          navFromHtml(html)
            .map((section) => section.slug)
            .join(",") === expected
        )
          verified++;
      }
    }),
  );
  // What readers wait for is the pages; the rebuilds' records are reported beside it.
  return { articles: count, ...waited, seconds: waited.pagesSeconds, before, after, verified };
}

/** Seconds from a save until each path showed the article, past the cache; null for a path that did not within the limit. */
export interface SaveVisibility {
  slug: string;
  seconds: Record<string, number | null>;
  /** The slowest path. */
  all: number | null;
}

/** The paths that must show a new article in section "benchmark": its page, the home page and feeds, its section. */
export const SAVE_PATHS = (slug: string) => [
  `/articles/${slug}`,
  "/",
  "/feed.json",
  "/rss.xml",
  "/atom.xml",
  "/sections/benchmark",
];

/** PUTs one new article (newer than any other) and polls each path past the cache until it shows it. */
export async function timeSave(runtime: Runtime, template: Template, slug: string, limitSeconds = 60): Promise<SaveVisibility> {
  const app = runtime.urls[WORKERS.app];
  // A minute old: newer than every other article, so the home page and feeds must list it.
  const input = { ...template.input, title: `A save, timed (${slug})`, published: new Date(Date.now() - 60_000).toISOString() };
  const started = performance.now();
  const response = await fetch(new URL(`/api/articles/${slug}`, app), {
    method: "PUT",
    headers: { ...EDITOR, "If-None-Match": "*", "Content-Type": "application/json" },
    body: JSON.stringify(input),
  });
  if (response.status !== 201) throw new Error(`PUT ${slug} answered ${response.status}: ${await response.text()}`);
  const seconds: Record<string, number | null> = {};
  await Promise.all(
    SAVE_PATHS(slug).map(async (path) => {
      seconds[path] = null;
      while ((performance.now() - started) / 1000 < limitSeconds) {
        const page = await fetch(new URL(path, app), { headers: BYPASS });
        const body = await page.text();
        if (page.ok && body.includes(`/articles/${slug}`)) {
          seconds[path] = (performance.now() - started) / 1000;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, HTTP_POLL_MS));
      }
    }),
  );
  const values = Object.values(seconds);
  return { slug, seconds, all: values.some((v) => v === null) ? null : Math.max(...(values as number[])) };
}

/** Waits until the pipeline has nothing left: no unsent or unacknowledged outbox rows, no unfinished rebuild. */
export async function waitForQuiet(runtime: Runtime, limitSeconds = LISTINGS_TIMEOUT_SECONDS): Promise<boolean> {
  const app = runtime.urls[WORKERS.app];
  const deadline = performance.now() + limitSeconds * 1000;
  while (performance.now() < deadline) {
    const status = (await (await api(app, "GET", "/api/pipeline")).json()) as RebuildStatus & {
      backlog: { unsent: number; waiting: number };
    };
    const rebuilding = status.rebuild !== null && status.rebuild.finishedAt === null;
    if (status.backlog.unsent + status.backlog.waiting === 0 && !rebuilding) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

export interface PurgeSummary {
  requests: number;
  refused: number;
  tags: { min: number; median: number; max: number; total: number };
  /** The most requests in any 60 s. */
  busiestMinute: number;
  /** Whether every stretch of time held no more requests than the bucket allows (burst + rate × time). */
  withinBucket: boolean;
  pacing: PurgePacing;
}

/** Purge and invalidate requests from `records` made in [from, to] (epoch ms), against the bucket. */
export function summarisePurges(records: PurgeRecord[], from: number, to: number, pacing: PurgePacing): PurgeSummary {
  const within = records.filter((r) => r.at >= from && r.at <= to).sort((a, b) => a.at - b.at);
  const sizes = within.map((r) => r.tags).sort((a, b) => a - b);
  let busiestMinute = 0;
  let withinBucket = true;
  for (let i = 0; i < within.length; i++) {
    const start = within[i] as PurgeRecord;
    busiestMinute = Math.max(busiestMinute, within.filter((r) => r.at >= start.at && r.at < start.at + 60_000).length);
    for (let j = i; j < within.length; j++) {
      // Requests i..j took j − i + 1 tokens; the bucket held at most `burst` at i and refilled since.
      const allowed = pacing.burst + (pacing.ratePerMinute * ((within[j] as PurgeRecord).at - start.at)) / 60_000;
      if (j - i + 1 > Math.floor(allowed + 1e-9)) withinBucket = false;
    }
  }
  return {
    requests: within.length,
    refused: within.filter((r) => !r.ok).length,
    tags: {
      min: sizes[0] ?? 0,
      median: sizes[Math.floor(sizes.length / 2)] ?? 0,
      max: sizes.at(-1) ?? 0,
      total: sizes.reduce((a, b) => a + b, 0),
    },
    busiestMinute,
    withinBucket,
    pacing,
  };
}

/**
 * What `pagesPerSecond` with one local consumer would be in production at Cloudflare Queues'
 * documented concurrency, assuming consumers scale linearly (each as fast as the local one) up to
 * the per-queue message limit. D1 runs one database's queries one at a time, so this is an upper bound.
 */
export function projectToProduction(pagesPerSecond: number, pages: number): { pagesPerSecond: number; seconds: number } {
  const rate = Math.min(pagesPerSecond * QUEUES_MAX_CONCURRENCY, QUEUES_MAX_MESSAGES_PER_SECOND);
  return { pagesPerSecond: rate, seconds: pages / rate };
}
