/**
 * @module bench/run
 * `npm run bench`: builds the Worker as it would be deployed, runs it in workerd (Miniflare) next to
 * two baseline Workers, and loads each route over HTTP on 127.0.0.1. Prints a table, the ratios
 * against their targets, the bundle size, the machine, and a Markdown table for the README.
 *
 * Environment: BENCH_SECONDS (default 5) per case, BENCH_WARMUP_SECONDS (default 2),
 * BENCH_CONNECTIONS (default 8), BENCH_ARTICLES (default 10000) in the large dataset.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { articleKey } from "../../src/content/store";
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
import { type Runtime, runtimeVersions, startRuntime, WORKERS } from "./runtime";
import { articleTemplate, seedArticles, slugFor, type Template } from "./seed";

const SMALL_DATASET = 10;
const BUNDLE_TARGET_KIB = 40;
const LIST_ROUTES = [
  { id: "home", path: "/", label: "Home page /" },
  { id: "rss", path: "/rss.xml", label: "/rss.xml" },
  { id: "json-feed", path: "/feed.json", label: "/feed.json" },
] as const;
// The local cache layer bypasses the cache for any request that carries Authorization
// (src/cache/local-cache.ts), so every such request takes the full render path.
const BYPASS = { Authorization: "Bearer x" };

const log = (line: string) => console.log(line);

async function withDataset(
  count: number,
  template: Template,
  start: () => Promise<Runtime>,
  work: (runtime: Runtime) => Promise<void>,
): Promise<void> {
  const runtime = await start();
  try {
    log(`  seeding ${count.toLocaleString("en-US")} articles into a fresh KV namespace ...`);
    const seeded = await seedArticles(runtime.kv, template, count, log);
    log(
      `  seeded ${count.toLocaleString("en-US")} articles: built in ${seeded.buildSeconds.toFixed(1)} s, ` +
        `written in ${seeded.writeSeconds.toFixed(1)} s (${seeded.recordBytes} B per article record)`,
    );
    await work(runtime);
  } finally {
    await runtime.dispose();
  }
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

  log("[1/4] Building the Worker with wrangler deploy --dry-run ...");
  const bundle = await buildWorker(join(OUT_DIR, "worker"));
  log(`  built ${bundle.modules.map((m) => m.name).join(", ")} in ${bundle.seconds.toFixed(1)} s`);
  log(`  ${bundleLine(bundle.rawBytes, bundle.gzipBytes, BUNDLE_TARGET_KIB)}\n`);

  const template = await articleTemplate();
  const measuredSlug = slugFor(0);
  const start = () => startRuntime(bundle, worker, articleKey(measuredSlug));
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
  // Not one of the two floors: the runtime's own cost of the one `list` that lists and
  // feeds make, measured at both sizes, so the list routes' ratios can be read against it.
  const listFloor = (urls: Record<string, URL>, articles: number) =>
    baseline(
      `floor-kv-list-${articles}`,
      "one KV list of the index (31 keys)",
      urls[WORKERS.kvList] as URL,
      { reads: 0, lists: 1 },
      articles,
    );
  const articlePath = `/articles/${measuredSlug}`;

  log(`[2/4] ${SMALL_DATASET} articles (${template.words} words each): baselines, the article page, lists and feeds`);
  await withDataset(SMALL_DATASET, template, start, async ({ urls }) => {
    const app = (path: string) => new URL(path, urls[WORKERS.app]);
    await run(baseline("floor-constant", "constant response", urls[WORKERS.constant], { reads: 0, lists: 0 }));
    await run(baseline("floor-kv-get", "one KV get of an article record", urls[WORKERS.kvGet], { reads: 1, lists: 0 }));
    await run(listFloor(urls, SMALL_DATASET));
    await run(miss("article", "Article page", app(articlePath), SMALL_DATASET));
    await warmCache(app(articlePath));
    await run(hit("article", "Article page", app(articlePath), SMALL_DATASET));
    for (const route of LIST_ROUTES) await run(miss(route.id, route.label, app(route.path), SMALL_DATASET));
    for (const route of LIST_ROUTES) {
      await warmCache(app(route.path));
      await run(hit(route.id, route.label, app(route.path), SMALL_DATASET));
    }
  });

  const large = settings.largeDataset;
  log(`\n[3/4] ${large.toLocaleString("en-US")} articles: lists and feeds on the render path`);
  await withDataset(large, template, start, async ({ urls }) => {
    const app = (path: string) => new URL(path, urls[WORKERS.app]);
    await run(listFloor(urls, large));
    for (const route of LIST_ROUTES) await run(miss(route.id, route.label, app(route.path), large));
    await run(miss("article", "Article page", app(articlePath), large));
  });

  log("\n[4/4] Results\n");
  const byId = (id: string) => results.find((r) => r.id === id);
  const checks = [
    ratio("Article miss ÷ single-KV floor", byId(`article-miss-${SMALL_DATASET}`), byId("floor-kv-get"), 0.8),
    ...LIST_ROUTES.map((route) =>
      ratio(
        `${route.label} miss: ${large.toLocaleString("en-US")} ÷ ${SMALL_DATASET} articles`,
        byId(`${route.id}-miss-${large}`),
        byId(`${route.id}-miss-${SMALL_DATASET}`),
        0.9,
      ),
    ),
  ].filter((c): c is RatioCheck => c !== null);
  // For context, with no target: how the runtime's own `list` scales between the two datasets.
  const listContext = ratio(
    `KV list floor: ${large.toLocaleString("en-US")} ÷ ${SMALL_DATASET} articles (context)`,
    byId(`floor-kv-list-${large}`),
    byId(`floor-kv-list-${SMALL_DATASET}`),
    0,
  );

  log(textTable(results));
  log("\n“miss” = the render path: requests carry Authorization, so the local cache layer answers X-Cache: BYPASS.");
  log("Latency percentiles are over 2xx responses; KV ops come from each route's Server-Timing header.\n");
  log("Ratios (requests/s)");
  log(ratioLines(checks));
  if (listContext) log(ratioLines([listContext]));
  log(`\n${bundleLine(bundle.rawBytes, bundle.gzipBytes, BUNDLE_TARGET_KIB)}`);
  log(`\nMachine\n${machineLines(machine)}`);
  const totalSeconds = (performance.now() - started) / 1000;
  log(`Bench took ${totalSeconds.toFixed(0)} s (${settings.seconds} s per case).`);
  log("\nMarkdown for the README\n");
  log(markdownTable(results));
  log(
    `\n${settings.connections} connections, ${settings.seconds} s per case after ${settings.warmupSeconds} s warm-up; ` +
      `${machine.cpu} × ${machine.cores}, Node ${machine.node}, workerd ${machine.workerd}, ${machine.date.slice(0, 10)}.`,
  );

  await mkdir(OUT_DIR, { recursive: true });
  const resultsPath = join(OUT_DIR, "results.json");
  await writeFile(
    resultsPath,
    `${JSON.stringify({ machine, settings, bundle: { rawBytes: bundle.rawBytes, gzipBytes: bundle.gzipBytes }, results, checks, totalSeconds }, null, 2)}\n`,
  );
  log(`\nWrote ${resultsPath}`);
}

main().catch((error: unknown) => {
  console.error(`npm run bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
