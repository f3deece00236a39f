/**
 * @module bench/run
 * `npm run bench`: builds the Worker as it would be deployed, runs it in workerd (Miniflare) next to
 * baseline Workers, and loads each route over HTTP on 127.0.0.1. Times a fresh isolate's first
 * response from inside workerd, and a 1,000-article publish through the API. Prints a table, the
 * ratios against their targets, the bundle size, the machine, and a Markdown table for docs/benchmark.md.
 *
 * Environment: BENCH_SECONDS (default 3) per case, BENCH_WARMUP_SECONDS (default 1),
 * BENCH_CONNECTIONS (default 8), BENCH_ARTICLES (default 10000) in the large dataset;
 * BENCH_ONLY=first-response runs only the fresh-isolate timing.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, platform, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { type SiteVars, siteFromEnv } from "../../src/core/config";
import { renderBody } from "../../src/core/markdown";
import { buildWorker } from "./build";
import { type CaseSpec, runCase, warmCache } from "./cases";
import { loadSettingsFromEnv, OUT_DIR, readWranglerToml } from "./config";
import {
  bundleLine,
  type CaseResult,
  type Machine,
  machineLines,
  markdownTable,
  type RatioCheck,
  ratio,
  ratioLines,
  textTable,
} from "./report";
import { type Runtime, runtimeVersions, startRuntime, TIMING_HEADER, WORKERS, type WrapperTiming } from "./runtime";
import {
  applyMigrations,
  articleTemplate,
  type PublishResult,
  publishArticles,
  type SqlSeedResult,
  seedArticlesWithSql,
  slugFor,
  type Template,
} from "./seed";
import { typicalArticle, WORST_CASES } from "./worst-case-markdown";

const SMALL_DATASET = 10;
const BUNDLE_TARGET_KIB = 40;
// Each public route and the one read-model key it reads on a miss (src/content/store.ts).
const LIST_ROUTES = [
  { id: "home", path: "/", label: "Home page /", key: "listing:home" },
  { id: "rss", path: "/rss.xml", label: "/rss.xml", key: "listing:home:rss" },
  { id: "json-feed", path: "/feed.json", label: "/feed.json", key: "listing:home:json" },
] as const;
/** A section's page and feeds (the bench's articles are all in "Benchmark"): only in the small dataset, which is published through the API. */
const SECTION_ROUTES = [
  { id: "atom", path: "/atom.xml", label: "/atom.xml", key: "listing:home:atom" },
  { id: "section", path: "/sections/benchmark", label: "Section page", key: "listing:section:benchmark" },
  { id: "section-rss", path: "/sections/benchmark/rss.xml", label: "Section RSS", key: "listing:section:benchmark:rss" },
  { id: "section-atom", path: "/sections/benchmark/atom.xml", label: "Section Atom", key: "listing:section:benchmark:atom" },
] as const;
const FIRST_RESPONSE_TARGET_MS = 5;
/** Fresh isolates timed for the first-response row: each a separate Worker in one new workerd. */
const TIMED_ISOLATES = 5;
const PUBLISH_COUNT = 1_000;
const PUBLISH_TARGET_SECONDS = 60;
const RENDER_RUNS = 5;
// The local cache layer bypasses the cache for any request that carries Authorization
// (src/cache/local-cache.ts), so every such request takes the full render path.
const BYPASS = { Authorization: "Bearer x" };

const log = (line: string) => console.log(line);

/** A fresh instance (persisted under `persistPath`), its D1 migrated, `count` articles published through the API. */
async function withDataset(
  count: number,
  template: Template,
  start: () => Promise<Runtime>,
  work: (runtime: Runtime, published: PublishResult) => Promise<void>,
): Promise<void> {
  const runtime = await start();
  try {
    await applyMigrations(runtime.db);
    log(`  publishing ${count.toLocaleString("en-US")} articles through PUT /api/articles/<slug> into a fresh D1 ...`);
    const published = await publishArticles(runtime.urls[WORKERS.app], template, count, log);
    log(
      `  published ${count.toLocaleString("en-US")} articles: PUTs answered in ${published.putSeconds.toFixed(1)} s, ` +
        `home page and feed list the newest after ${published.totalSeconds.toFixed(1)} s`,
    );
    await work(runtime, published);
  } finally {
    await runtime.dispose();
  }
}

/** One fresh isolate's first response: timed inside workerd by the wrapper, and over HTTP by Node. */
interface IsolateTiming extends WrapperTiming {
  /** Node's time from sending the request until the whole body was read, over HTTP on 127.0.0.1. */
  httpMs: number;
}

interface FirstResponses {
  isolates: IsolateTiming[];
  /** The first isolate's second request, for contrast. */
  second: IsolateTiming;
  /** Median over the isolates of `fetchMs`: the number held against the target. */
  medianFetchMs: number;
}

/** Requests `path` once from each timed isolate, in order, then once more from the first. */
async function firstResponses(runtime: Runtime, path: string): Promise<FirstResponses> {
  const timed = async (base: URL): Promise<IsolateTiming> => {
    const started = performance.now();
    const response = await fetch(new URL(path, base), { headers: BYPASS });
    await response.arrayBuffer();
    const httpMs = performance.now() - started;
    if (response.status !== 200 || response.headers.get("X-Cache") !== "BYPASS") {
      throw new Error(`${path}: status ${response.status}, X-Cache ${response.headers.get("X-Cache")}; expected 200 BYPASS`);
    }
    const header = response.headers.get(TIMING_HEADER);
    if (!header) throw new Error(`${path}: the timed wrapper sent no ${TIMING_HEADER}`);
    return { ...(JSON.parse(header) as WrapperTiming), httpMs };
  };
  const isolates: IsolateTiming[] = [];
  for (const base of runtime.timedUrls) isolates.push(await timed(base));
  const first = runtime.timedUrls[0];
  if (!first || isolates.some((isolate) => !isolate.first)) throw new Error("the timed isolates were not fresh");
  const fetches = isolates.map((isolate) => isolate.fetchMs).sort((a, b) => a - b);
  return { isolates, second: await timed(first), medianFetchMs: fetches[Math.floor(fetches.length / 2)] ?? Number.NaN };
}

/** Median render time (ms) of `renderBody` over a few runs, after one warm-up run. */
function renderMs(body: string): number {
  renderBody(body);
  const times: number[] = [];
  for (let i = 0; i < RENDER_RUNS; i++) {
    const started = performance.now();
    renderBody(body);
    times.push(performance.now() - started);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const started = performance.now();
  const settings = loadSettingsFromEnv();
  const worker = readWranglerToml();
  const versions = runtimeVersions();
  const machine: Machine = {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: totalmem() / 1024 ** 3,
    os: `${platform()} ${release()}`,
    node: process.version,
    ...versions,
    date: new Date().toISOString(),
  };
  log("Broadsheet benchmark");
  log(machineLines(machine));
  log(
    `Load:      ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.seconds} s per case, ` +
      `autocannon on 127.0.0.1\n`,
  );

  log("[1/6] Building the Worker with wrangler deploy --dry-run ...");
  const bundle = await buildWorker(join(OUT_DIR, "worker"));
  log(`  built ${bundle.modules.map((m) => m.name).join(", ")} in ${bundle.seconds.toFixed(1)} s`);
  log(`  ${bundleLine(bundle.rawBytes, bundle.gzipBytes, BUNDLE_TARGET_KIB)}\n`);

  const template = await articleTemplate();
  const measuredSlug = slugFor(0);
  const persistPath = await mkdtemp(join(tmpdir(), "broadsheet-bench-"));
  const start = (persist?: string) => () =>
    startRuntime(bundle, worker, { articleKey: `page:${measuredSlug}`, ...(persist ? { persistPath: persist } : {}) });
  const results: CaseResult[] = [];
  const run = async (spec: CaseSpec) => {
    results.push(await runCase(spec, settings));
  };

  // The render path: Authorization makes the local cache layer answer X-Cache: BYPASS.
  const miss = (id: string, label: string, url: URL, articles: number): CaseSpec => ({
    id: `${id}-miss-${articles}`,
    label: `${label}, miss`,
    url,
    headers: BYPASS,
    articles,
    xCache: "BYPASS",
  });
  const hit = (id: string, label: string, url: URL, articles: number): CaseSpec => ({
    id: `${id}-hit-${articles}`,
    label: `${label}, hit`,
    url,
    articles,
    xCache: "HIT",
    knownKvOps: { reads: 0, lists: 0 },
  });
  const baseline = (
    id: string,
    label: string,
    url: URL,
    kvOps: { reads: number; lists: number },
    articles: number | null = null,
  ): CaseSpec => ({
    id,
    label: `Baseline: ${label}`,
    url,
    articles,
    xCache: null,
    knownKvOps: kvOps,
  });
  // One KV get of exactly the key (and so the bytes) the compared route reads.
  const kvGet = (urls: Record<string, URL>, id: string, key: string, articles: number) => {
    const url = new URL(urls[WORKERS.kvGet] as URL);
    url.searchParams.set("key", key);
    return baseline(`floor-kv-get-${id}`, `one KV get of ${key}`, url, { reads: 1, lists: 0 }, articles);
  };
  const articlePath = `/articles/${measuredSlug}`;
  const articleKey = `page:${measuredSlug}`;

  // BENCH_ONLY=first-response: seed, then only time fresh isolates (a quick loop while working on cold starts).
  const onlyFirstResponse = process.env.BENCH_ONLY === "first-response";
  log(`[2/6] ${SMALL_DATASET} articles (${template.words} words each): baselines, the article page, lists and feeds`);
  await withDataset(SMALL_DATASET, template, start(persistPath), async ({ urls }) => {
    if (onlyFirstResponse) return;
    const app = (path: string) => new URL(path, urls[WORKERS.app]);
    await run(baseline("floor-constant", "constant response", urls[WORKERS.constant], { reads: 0, lists: 0 }));
    await run(kvGet(urls, "article", articleKey, SMALL_DATASET));
    await run(miss("article", "Article page", app(articlePath), SMALL_DATASET));
    await warmCache(app(articlePath));
    await run(hit("article", "Article page", app(articlePath), SMALL_DATASET));
    for (const route of [...LIST_ROUTES, ...SECTION_ROUTES]) {
      await run(kvGet(urls, route.id, route.key, SMALL_DATASET));
      await run(miss(route.id, route.label, app(route.path), SMALL_DATASET));
    }
    for (const route of LIST_ROUTES) {
      await warmCache(app(route.path));
      await run(hit(route.id, route.label, app(route.path), SMALL_DATASET));
    }
  });

  // A new workerd over the state just persisted, with timed copies of the app that have served nothing.
  log(
    `\n[3/6] ${TIMED_ISOLATES} fresh isolates over the persisted state: each one's first article response, timed inside workerd`,
  );
  const fresh = await startRuntime(bundle, worker, {
    articleKey: `page:${measuredSlug}`,
    persistPath,
    timedIsolates: TIMED_ISOLATES,
  });
  let firstResponse: FirstResponses;
  try {
    firstResponse = await firstResponses(fresh, articlePath);
    const ms = (value: number) => `${value.toFixed(0)} ms`;
    firstResponse.isolates.forEach((isolate, i) => {
      log(
        `  isolate ${i + 1}: app fetch ${ms(isolate.fetchMs)} inside workerd (module import before it ${ms(isolate.importMs)}); ` +
          `over HTTP from Node ${isolate.httpMs.toFixed(1)} ms${i === 0 ? "  (first request to this workerd process)" : ""}`,
      );
    });
    log(
      `  isolate 1 again: app fetch ${ms(firstResponse.second.fetchMs)} inside workerd; over HTTP ${firstResponse.second.httpMs.toFixed(1)} ms`,
    );
  } finally {
    await fresh.dispose();
    await rm(persistPath, { recursive: true, force: true });
  }
  if (onlyFirstResponse) return;

  const large = settings.largeDataset;
  const site = siteFromEnv(worker.vars as SiteVars);
  let seeded: SqlSeedResult | undefined;
  log(`\n[4/6] ${large.toLocaleString("en-US")} articles, INSERTed into D1 with SQL: lists and feeds on the render path`);
  const largeRuntime = await start()();
  try {
    await applyMigrations(largeRuntime.db);
    const app = (path: string) => new URL(path, largeRuntime.urls[WORKERS.app]);
    seeded = await seedArticlesWithSql(app("/"), largeRuntime.db, site, template, large, [measuredSlug], log);
    log(
      `  seeded ${large.toLocaleString("en-US")} rows: built in Node ${seeded.buildSeconds.toFixed(1)} s, ` +
        `INSERTs ${seeded.insertSeconds.toFixed(1)} s; POST /api/cron built the home page, feeds, sitemap and ` +
        `1 article page in ${seeded.cronSeconds.toFixed(1)} s`,
    );
    for (const route of LIST_ROUTES) await run(miss(route.id, route.label, app(route.path), large));
    await run(miss("article", "Article page", app(articlePath), large));
  } finally {
    await largeRuntime.dispose();
  }

  let publish: PublishResult | undefined;
  log(`\n[5/6] Publishing ${PUBLISH_COUNT.toLocaleString("en-US")} articles through the API into a fresh instance`);
  await withDataset(PUBLISH_COUNT, template, start(), async (_runtime, published) => {
    publish = published;
  });

  log("\n[6/6] Render time at the body size limit (renderBody in Node via tsx, not workerd; median of 5)");
  const renders = [
    { name: "typical article", ms: renderMs(typicalArticle()) },
    ...WORST_CASES.map((c) => ({ name: c.name, ms: renderMs(c.body) })),
  ];
  const typicalMs = renders[0]?.ms ?? Number.NaN;
  for (const r of renders)
    log(`  ${r.name.padEnd(44)} ${r.ms.toFixed(1).padStart(8)} ms  ${(r.ms / typicalMs).toFixed(1)}× typical`);
  const worst = renders.slice(1).reduce((w, r) => (r.ms > w.ms ? r : w), { name: "none", ms: 0 });

  log("\n[Results]\n");
  const byId = (id: string) => results.find((r) => r.id === id);
  const kvText = (id: string) => {
    const ops = byId(id)?.kvOps;
    return ops ? `${ops.reads} reads, ${ops.lists} lists` : "?";
  };
  const checks = [
    ratio(
      `Article page miss ÷ one KV get of the same bytes (${kvText(`article-miss-${SMALL_DATASET}`)})`,
      byId(`article-miss-${SMALL_DATASET}`),
      byId("floor-kv-get-article"),
      0.85,
    ),
    ...[...LIST_ROUTES, ...SECTION_ROUTES].map((route) =>
      ratio(
        `${route.label} miss ÷ one KV get of the same bytes (${kvText(`${route.id}-miss-${SMALL_DATASET}`)})`,
        byId(`${route.id}-miss-${SMALL_DATASET}`),
        byId(`floor-kv-get-${route.id}`),
        0.8,
      ),
    ),
    ...LIST_ROUTES.map((route) =>
      ratio(
        `${route.label} miss: ${large.toLocaleString("en-US")} ÷ ${SMALL_DATASET} articles (${kvText(`${route.id}-miss-${large}`)})`,
        byId(`${route.id}-miss-${large}`),
        byId(`${route.id}-miss-${SMALL_DATASET}`),
        0.9,
      ),
    ),
  ].filter((c): c is RatioCheck => c !== null);
  const pass = (ok: boolean) => (ok ? "PASS" : "NOT MET");
  const oneRead = [...LIST_ROUTES, ...SECTION_ROUTES].every((route) => {
    const ops = byId(`${route.id}-miss-${SMALL_DATASET}`)?.kvOps;
    return ops?.reads === 1 && ops.lists === 0;
  });
  const otherLines = [
    `Home, feeds, a section's page and feeds: one KV read each on a miss  ${pass(oneRead)}`,
    `A fresh isolate's first article response (miss), inside workerd: median of ${TIMED_ISOLATES} isolates ` +
      `${firstResponse.medianFetchMs.toFixed(0)} ms  target ≤ ${FIRST_RESPONSE_TARGET_MS} ms  ${pass(firstResponse.medianFetchMs <= FIRST_RESPONSE_TARGET_MS)}`,
    `  each isolate, app fetch inside workerd: ${firstResponse.isolates.map((i) => i.fetchMs.toFixed(0)).join(", ")} ms ` +
      `(performance.now(), 1 ms steps); module import before it: ${firstResponse.isolates.map((i) => i.importMs.toFixed(0)).join(", ")} ms`,
    `  the same requests over HTTP from Node: ${firstResponse.isolates.map((i) => i.httpMs.toFixed(1)).join(", ")} ms; ` +
      `isolate 1's second request ${firstResponse.second.fetchMs.toFixed(0)} ms inside, ${firstResponse.second.httpMs.toFixed(1)} ms over HTTP`,
    publish
      ? `Publish ${publish.count.toLocaleString("en-US")} articles (PUTs, 8 at a time) until home and feed list the newest ${publish.totalSeconds.toFixed(1).padStart(6)} s  target ≤ ${PUBLISH_TARGET_SECONDS} s  ${pass(publish.totalSeconds <= PUBLISH_TARGET_SECONDS)}${publish.count === 1000 ? "" : " (not 1,000 articles)"}`
      : "Publish: not measured",
    seeded
      ? `Large dataset: ${seeded.count.toLocaleString("en-US")} rows INSERTed with SQL (not the API), then one POST /api/cron built the read model`
      : "Large dataset: not seeded",
    `Worst-case render at the body limit: ${worst.name}, ${worst.ms.toFixed(1)} ms vs ${typicalMs.toFixed(1)} ms typical (${(worst.ms / typicalMs).toFixed(1)}×, Node)`,
  ];

  log(textTable(results));
  log("\n“miss” = the render path: requests carry Authorization, so the local cache layer answers X-Cache: BYPASS.");
  log("Latency percentiles are over 2xx responses; KV ops come from each route's Server-Timing header.\n");
  log("Ratios (requests/s)");
  log(ratioLines(checks));
  log(otherLines.join("\n"));
  log(`\n${bundleLine(bundle.rawBytes, bundle.gzipBytes, BUNDLE_TARGET_KIB)}`);
  log(`\nMachine\n${machineLines(machine)}`);
  const totalSeconds = (performance.now() - started) / 1000;
  log(`Bench took ${totalSeconds.toFixed(0)} s (${settings.seconds} s per case).`);
  log("\nMarkdown for docs/benchmark.md\n");
  log(markdownTable(results));
  log(
    `\n${settings.connections} connections, ${settings.seconds} s per case after ${settings.warmupSeconds} s warm-up; ` +
      `${machine.cpu} × ${machine.cores}, Node ${machine.node}, workerd ${machine.workerd}, ${machine.date.slice(0, 10)}.`,
  );

  await mkdir(OUT_DIR, { recursive: true });
  const resultsPath = join(OUT_DIR, "results.json");
  await writeFile(
    resultsPath,
    `${JSON.stringify({ machine, settings, bundle: { rawBytes: bundle.rawBytes, gzipBytes: bundle.gzipBytes }, results, checks, firstResponse, publish, seeded, renders, totalSeconds }, null, 2)}\n`,
  );
  log(`\nWrote ${resultsPath}`);
}

main().catch((error: unknown) => {
  console.error(`npm run bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
