/**
 * @module bench/live-main
 * `npx tsx tests/bench/live-main.ts`: the live-coverage benchmark (bench/live.ts) on its own, in a
 * fresh workerd, for working on it without the whole `npm run bench`.
 */
import { join } from "node:path";
import { buildWorker } from "./build";
import { runCase } from "./cases";
import { loadSettingsFromEnv, OUT_DIR, readWranglerToml } from "./config";
import { benchLive } from "./live";
import { ratioLines } from "./report";
import { startRuntime } from "./runtime";
import { applyMigrations } from "./seed";

async function main(): Promise<void> {
  const settings = loadSettingsFromEnv();
  const bundle = await buildWorker(join(OUT_DIR, "worker"));
  const runtime = await startRuntime(bundle, readWranglerToml(), { articleKey: "page:bench-live" });
  try {
    await applyMigrations(runtime.db);
    const live = await benchLive(runtime, { run: (spec) => runCase(spec, settings), log: console.log });
    console.log(`\n${ratioLines(live.checks)}\n${live.lines.join("\n")}`);
  } finally {
    await runtime.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
