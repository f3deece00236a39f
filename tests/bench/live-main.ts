/**
 * @module bench/live-main
 * `npx tsx tests/bench/live-main.ts`: the live-coverage benchmark (bench/live.ts) on its own, in a
 * fresh workerd, for working on it without the whole `npm run bench`.
 */
import { join } from "node:path";
import { buildWorker } from "./build";
import { runCase } from "./cases";
import type { LoadSettings } from "./config";
import { loadSettingsFromEnv, OUT_DIR, readWranglerToml } from "./config";
import { benchLive } from "./live";
import { type RatioCheck, ratio, ratioLines } from "./report";
import { EDITOR_TOKEN, type Runtime, startRuntime, WORKERS } from "./runtime";
import { applyMigrations } from "./seed";

async function main(): Promise<void> {
  const settings = loadSettingsFromEnv();
  const bundle = await buildWorker(join(OUT_DIR, "worker"));
  const runtime = await startRuntime(bundle, readWranglerToml(), { articleKey: "page:bench-live" });
  try {
    await applyMigrations(runtime.db);
    const live = await benchLive(runtime, { run: (spec) => runCase(spec, settings), log: console.log });
    // For contrast on this machine, now: an ordinary article's page against one KV get of its bytes.
    const plain = await comparePlainArticle(runtime, settings);
    console.log(`\n${ratioLines([...live.checks, ...plain])}\n${live.lines.join("\n")}`);
  } finally {
    await runtime.dispose();
  }
}

async function comparePlainArticle(runtime: Runtime, settings: LoadSettings): Promise<RatioCheck[]> {
  const app = runtime.urls[WORKERS.app];
  const response = await fetch(new URL("/api/articles/bench-plain", app), {
    method: "PUT",
    headers: { Authorization: `Bearer ${EDITOR_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      title: "An ordinary article",
      published: "2026-01-01T09:00:00Z",
      category: "Benchmark",
      body: "Text.",
    }),
  });
  if (!response.ok) throw new Error(`PUT bench-plain answered ${response.status}`);
  const kvUrl = new URL(runtime.urls[WORKERS.kvGet]);
  kvUrl.searchParams.set("key", "page:bench-plain");
  const floor = await runCase(
    {
      id: "floor-kv-get-plain",
      label: "Baseline: one KV get of page:bench-plain",
      url: kvUrl,
      articles: null,
      xCache: null,
      knownKvOps: { reads: 1, lists: 0 },
    },
    settings,
  );
  const miss = await runCase(
    {
      id: "plain-miss",
      label: "Ordinary article page, miss",
      url: new URL("/articles/bench-plain", app),
      headers: { Authorization: "Bearer x" },
      articles: null,
      xCache: "BYPASS",
    },
    settings,
  );
  const check = ratio("Ordinary article page miss ÷ one KV get of the same bytes (for contrast)", miss, floor, 0.8);
  return check ? [check] : [];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
