/**
 * @module bench/live
 * Live coverage in `npm run bench` (docs/live-and-corrections.md): a live article with 2,000
 * updates. Its page on a miss must still be one KV read, at least 0.8× one KV get of the same
 * bytes, and no larger than it was at 50 updates (the page shows the newest 50); and an update
 * added through the API must reach the page, the Atom feed and the JSON document quickly (the
 * issue's target: 5 s locally, with no cron run).
 *
 * `benchLive` takes a started runtime with D1 migrated (run.ts's `start()` and `applyMigrations`)
 * and the case runner, so the lead can call it from run.ts as one more step:
 *
 *   const live = await benchLive(runtime, { run: (spec) => runCase(spec, settings), log });
 *   results.push(...live.results); checks.push(...live.checks); otherLines.push(...live.lines);
 */
import { renderBody } from "../../src/core/markdown";
import type { CaseSpec } from "./cases";
import { probe } from "./load";
import { type CaseResult, type RatioCheck, ratio } from "./report";
import { EDITOR_TOKEN, type Runtime, WORKERS } from "./runtime";

/** Updates the live article is seeded with. */
export const LIVE_UPDATES = 2_000;
const SLUG = "bench-live";
const EDITOR = { Authorization: `Bearer ${EDITOR_TOKEN}` };
// The local cache layer bypasses the cache for a request with Authorization: the render path.
const BYPASS = { Authorization: "Bearer x" };
const POLL_MS = 10;
const VISIBLE_TARGET_SECONDS = 5;
const INSERT_BATCH = 25;
/** What the page at 2,000 updates may weigh over the page at 50: "Update 1999" is longer than "Update 49", and it links to older pages. */
const PAGE_SLACK = 1.05;

export interface LiveBenchOptions {
  /** Runs one case (run.ts: `runCase(spec, settings)`) and resolves its result. */
  run: (spec: CaseSpec) => Promise<CaseResult>;
  log: (line: string) => void;
}

export interface LiveBenchResult {
  results: CaseResult[];
  checks: RatioCheck[];
  /** Lines for the report: one KV read, bounded size, time until visible. */
  lines: string[];
  pageBytes: { at50: number; atTotal: number };
  visibleSeconds: { page: number; atom: number; json: number };
}

/** Seeds the live article, measures its page against one KV get, and times an update until readers see it. */
export async function benchLive(runtime: Runtime, options: LiveBenchOptions): Promise<LiveBenchResult> {
  const { log } = options;
  const app = (path: string) => new URL(path, runtime.urls[WORKERS.app]);
  await api(app(`/api/articles/${SLUG}`), "PUT", {
    title: "Election night, live",
    published: new Date(Date.now() - 86_400_000).toISOString(),
    category: "Benchmark",
    live: true,
    body: "Results as they come in, constituency by constituency.",
  });
  const articleId = (await runtime.db.prepare("SELECT id FROM articles WHERE slug = ?").bind(SLUG).first<{ id: string }>())?.id;
  if (!articleId) throw new Error(`${SLUG} was not stored`);

  log(`  seeding ${LIVE_UPDATES.toLocaleString("en-US")} updates into D1 with SQL, then one through the API ...`);
  await seedUpdates(runtime.db, articleId, 0, 48);
  await addUpdate(app, "Update 50, through the API.");
  const at50 = await settledPageBytes(app);
  await seedUpdates(runtime.db, articleId, 49, LIVE_UPDATES - 3);
  const started = performance.now();
  await addUpdate(app, `Update ${LIVE_UPDATES}, through the API.`);
  // The first build of 40 older pages takes a few rounds; the cron finishes what the request left.
  await waitFor(async () => {
    await fetch(app("/api/cron"), { method: "POST", headers: EDITOR }).then((r) => r.arrayBuffer());
    const status = (await (await fetch(app(`/articles/${SLUG}/live.json`), { headers: BYPASS })).json()) as { total: number };
    const last = await fetch(app(`/articles/${SLUG}/updates/${Math.ceil(LIVE_UPDATES / 50)}`), { headers: BYPASS });
    await last.arrayBuffer();
    return status.total === LIVE_UPDATES && last.status === 200;
  }, 120_000);
  log(`  the read model of ${LIVE_UPDATES} updates was built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const atTotal = await settledPageBytes(app);

  const kvUrl = new URL(runtime.urls[WORKERS.kvGet]);
  kvUrl.searchParams.set("key", `page:${SLUG}`);
  const floor = await options.run({
    id: "floor-kv-get-live",
    label: `Baseline: one KV get of page:${SLUG}`,
    url: kvUrl,
    articles: null,
    xCache: null,
    knownKvOps: { reads: 1, lists: 0 },
  });
  const miss = await options.run({
    id: "live-miss",
    label: `Live page (${LIVE_UPDATES.toLocaleString("en-US")} updates), miss`,
    url: app(`/articles/${SLUG}`),
    headers: BYPASS,
    articles: null,
    xCache: "BYPASS",
  });

  const visible = await timeUntilVisible(app);
  const check = ratio(
    `Live page miss ÷ one KV get of the same bytes (${miss.kvOps.reads} reads, ${miss.kvOps.lists} lists)`,
    miss,
    floor,
    0.8,
  );
  const pass = (ok: boolean) => (ok ? "PASS" : "NOT MET");
  const oneRead = miss.kvOps.reads === 1 && miss.kvOps.lists === 0;
  const slowest = Math.max(visible.page, visible.atom, visible.json);
  const lines = [
    `Live page with ${LIVE_UPDATES.toLocaleString("en-US")} updates: one KV read on a miss  ${pass(oneRead)}`,
    `Live page size: ${atTotal.toLocaleString("en-US")} B at ${LIVE_UPDATES.toLocaleString("en-US")} updates, ` +
      `${at50.toLocaleString("en-US")} B at 50 (the same 50 shown, longer numbers and a link to older pages)  ${pass(atTotal <= at50 * PAGE_SLACK)}`,
    `An update until the page, the Atom feed and live.json show it: ${visible.page.toFixed(2)} s, ` +
      `${visible.atom.toFixed(2)} s, ${visible.json.toFixed(2)} s  target ≤ ${VISIBLE_TARGET_SECONDS} s  ${pass(slowest <= VISIBLE_TARGET_SECONDS)}`,
  ];
  for (const line of lines) log(`  ${line}`);
  return {
    results: [floor, miss],
    checks: check ? [check] : [],
    lines,
    pageBytes: { at50, atTotal },
    visibleSeconds: visible,
  };
}

/** Updates `from` to `to` (0-based), a second apart and an hour or more ago, as the API would store them. */
async function seedUpdates(db: D1Database, articleId: string, from: number, to: number): Promise<void> {
  const base = Date.now() - 3_600_000 - LIVE_UPDATES * 1000;
  const statements: D1PreparedStatement[] = [];
  for (let i = from; i <= to; i++) {
    const body = `Update ${i + 1}: the count in ward ${i + 1} is in, and **turnout** was ${50 + (i % 40)}%.\n`;
    const rendered = renderBody(body);
    if (!rendered.ok) throw new Error("a seeded update does not render");
    const at = base + i * 1000;
    statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO live_updates (id, article_id, created_at, created_by, changed_at, changed_by, version, headline, body, html, summary, pinned)
           VALUES (?, ?, ?, 'bench', ?, 'bench', ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          `b${String(i).padStart(11, "0")}`.slice(0, 12),
          articleId,
          at,
          at,
          `v${i}`,
          i % 10 === 0 ? `Ward ${i + 1} declares` : null,
          body,
          rendered.html,
          rendered.summary,
          // One key event, the first update: the page at 50 and at 2,000 updates carries the same list.
          i === 0 ? 1 : 0,
        ),
    );
  }
  for (let i = 0; i < statements.length; i += INSERT_BATCH) {
    const batch = statements.slice(i, i + INSERT_BATCH);
    // Miniflare's proxy to D1 now and then drops a request on a busy machine: the inserts are
    // idempotent (OR IGNORE), so try again.
    for (let attempt = 1; ; attempt++) {
      try {
        await db.batch(batch);
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
      }
    }
  }
}

/** Posts an update through the API, as an editor does; resolves its id. */
async function addUpdate(app: (path: string) => URL, body: string): Promise<string> {
  const response = await api(app(`/api/articles/${SLUG}/updates`), "POST", { body });
  return ((await response.json()) as { id: string }).id;
}

async function api(url: URL, method: "PUT" | "POST", body: unknown): Promise<Response> {
  const response = await fetch(url, {
    method,
    headers: { ...EDITOR, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url.pathname} answered ${response.status}: ${await response.text()}`);
  return response;
}

/** The page's size once the pipeline has applied its work (read past the cache). */
async function settledPageBytes(app: (path: string) => URL): Promise<number> {
  let bytes = 0;
  await waitFor(async () => {
    const sample = await probe(app(`/articles/${SLUG}`), BYPASS);
    const same = sample.status === 200 && sample.bytes === bytes;
    bytes = sample.bytes;
    return same;
  }, 30_000);
  return bytes;
}

/** Seconds from an update's POST until the page, the Atom feed and the JSON document each show it. */
async function timeUntilVisible(app: (path: string) => URL): Promise<{ page: number; atom: number; json: number }> {
  const started = performance.now();
  const id = await addUpdate(app, "A late declaration, timed.");
  const seconds = () => (performance.now() - started) / 1000;
  const shows = (path: string) => async () => (await (await fetch(app(path), { headers: BYPASS })).text()).includes(id);
  const when = async (path: string) => {
    await waitFor(shows(path), 60_000);
    return seconds();
  };
  const [page, atom, json] = await Promise.all([
    when(`/articles/${SLUG}`),
    when(`/articles/${SLUG}/atom.xml`),
    when(`/articles/${SLUG}/live.json`),
  ]);
  return { page, atom, json };
}

async function waitFor(condition: () => Promise<boolean>, limitMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`gave up after ${limitMs / 1000} s`);
}
