/**
 * @module cli/dev
 * `npm start`: applies the D1 migrations to the local databases, serves both Workers with one
 * `wrangler dev` (the reader on http://localhost:8787, the newsroom behind it, the queues and their
 * consumers), runs the newsroom's scheduled work every minute as Cloudflare's cron would, then
 * publishes every file in `articles/` through the editors' API, exactly as an editor would. Safe to
 * run again: local state persists in `.wrangler/`, and unchanged articles are skipped.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { HOME_FEED_PATHS } from "../feeds/model";
import { publish } from "./publish";

const PORT = Number(process.env.PORT ?? 8787);
const SITE = `http://localhost:${PORT}`;
/** .dev.vars.example's token, and the one before it, from before tokens needed 32 characters. */
const DEV_TOKEN = "broadsheet-dev-token-not-for-production";
const OLD_DEV_TOKEN = "broadsheet-dev-token";
const READY_TIMEOUT_MS = 90_000;
/** The cron's period in wrangler.newsroom.toml: `wrangler dev` runs no cron by itself. */
const CRON_INTERVAL_MS = 60_000;
/**
 * The reader first: wrangler dev serves the first configuration's Worker on the port and runs the
 * others beside it, reached through service bindings
 * (https://developers.cloudflare.com/workers/development-testing/multi-workers/).
 */
const CONFIGS = ["-c", "wrangler.toml", "-c", "wrangler.newsroom.toml"];

async function devToken(): Promise<string> {
  if (!existsSync(".dev.vars")) {
    await copyFile(".dev.vars.example", ".dev.vars");
    console.log("Created .dev.vars with the development editor token (see .dev.vars.example).");
  }
  let vars = await readFile(".dev.vars", "utf8");
  // A .dev.vars from before the desk lacks its secret: add the development one.
  if (!vars.split("\n").some((l) => l.startsWith("DESK_SECRET="))) {
    const example = (await readFile(".dev.vars.example", "utf8")).split("\n").find((l) => l.startsWith("DESK_SECRET="));
    if (example) {
      vars = `${vars.replace(/\n?$/, "\n")}${example}\n`;
      await writeFile(".dev.vars", vars);
      console.log("Added the development DESK_SECRET to .dev.vars (see .dev.vars.example).");
    }
  }
  // The development token was once 20 characters; the Worker now refuses tokens under 32.
  if (vars.split("\n").includes(`EDITOR_TOKENS=${OLD_DEV_TOKEN}`)) {
    vars = vars.replace(`EDITOR_TOKENS=${OLD_DEV_TOKEN}`, `EDITOR_TOKENS=${DEV_TOKEN}`);
    await writeFile(".dev.vars", vars);
    console.log(`Replaced the old, too short development token in .dev.vars with ${DEV_TOKEN}.`);
  }
  const line = vars.split("\n").find((l) => l.startsWith("EDITOR_TOKENS="));
  const token = line?.slice("EDITOR_TOKENS=".length).split(",")[0]?.trim().replace(/^"|"$/g, "");
  if (!token) throw new Error(".dev.vars has no EDITOR_TOKENS line: copy it from .dev.vars.example");
  return token;
}

async function waitUntilServing(child: ReturnType<typeof spawn>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      await fetch(`${SITE}${HOME_FEED_PATHS.rss}`, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(`the site did not answer on ${SITE} within ${READY_TIMEOUT_MS / 1000} s`);
}

/**
 * `wrangler d1 migrations apply --local` for the editorial database and the search index: a fresh
 * clone gets its tables, a used one what it lacks. Both Workers' configs name the same local files.
 */
function applyLocalMigrations(): void {
  for (const database of ["DB", "SEARCH"]) {
    const result = spawnSync("wrangler", ["d1", "migrations", "apply", database, "--local", "-c", "wrangler.newsroom.toml"], {
      stdio: "inherit",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    });
    if (result.status !== 0) throw new Error(`applying the local D1 migrations of ${database} failed (see above)`);
  }
}

async function main(): Promise<void> {
  const token = await devToken();
  applyLocalMigrations();
  const child = spawn("wrangler", ["dev", ...CONFIGS, "--port", String(PORT)], {
    stdio: "inherit",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 0));

  await waitUntilServing(child);
  runCronEveryMinute(token);
  console.log(`\nSeeding local KV from articles/ through ${SITE}/api ...`);
  const summary = await publish({ paths: ["articles"], site: SITE, token, dryRun: false, log: (l) => console.log(l) });
  console.log(
    `Local KV ready: ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.invalid + summary.failed} failed.`,
  );
  const shown = token === DEV_TOKEN ? `${token} (the development token from .dev.vars)` : "the first token in .dev.vars";
  console.log(`\nBroadsheet is running on ${SITE}`);
  console.log(`The desk: ${SITE}/desk  (sign in with ${shown})\n`);
}

/** Calls the newsroom's cron (POST /api/cron, as an editor may) every minute, as Cloudflare would. */
function runCronEveryMinute(token: string): void {
  const run = async () => {
    try {
      const response = await fetch(`${SITE}/api/cron`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
      if (!response.ok) console.error(`cron: the newsroom answered ${response.status}`);
    } catch (error) {
      console.error(`cron: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  setInterval(run, CRON_INTERVAL_MS).unref();
  void run();
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
