/**
 * Starts both Workers under one `wrangler dev` on a free port, with their own empty local state,
 * for end-to-end tests of the editors' tools: the reader on the port, the newsroom behind it, and
 * the queues with their consumer.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "node_modules/.bin");
/** The environment for child processes: the project's Node 22 and tools first on PATH. */
export const CHILD_ENV = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

export interface LocalWorker {
  url: string;
  token: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts `wrangler dev` with both configurations: the reader (wrangler.toml) serves the port and
 * hands the newsroom (wrangler.newsroom.toml) its paths. The newsroom gets `EDITOR_TOKENS` set to
 * `token`, `SITE_URL` set to the server's own address, and any further `vars` (which may not
 * override those two); the reader gets `SITE_URL`, and those of `vars` that its configuration
 * declares. Waits until the Worker answers.
 *
 * @example
 * const worker = await startLocalWorker("ana:a-test-token-of-32-characters-or-more", { DESK_SECRET: "a-test-secret-of-32-characters-or-more" });
 * await fetch(`${worker.url}/desk/sign-in`);
 * await worker.stop();
 */
export async function startLocalWorker(token: string, vars: Record<string, string> = {}): Promise<LocalWorker> {
  const worker = await launchLocalWorker(token, vars);
  try {
    await worker.ready;
  } catch (error) {
    await worker.stop();
    throw error;
  }
  return worker;
}

/** A local Worker still starting: its address is known, `ready` settles once it answers (or fails). */
export interface LaunchingWorker extends LocalWorker {
  ready: Promise<void>;
}

/**
 * Like `startLocalWorker`, but returns as soon as the address is chosen, with the migrations and
 * `wrangler dev` going on in the background (nothing blocks the caller's event loop), so a vitest
 * globalSetup can hand the address on while the Worker builds. `stop()` may be called at any time:
 * it ends whatever has started and removes the local state.
 *
 * @example
 * const worker = await launchLocalWorker("a-test-token-of-32-characters-or-more");
 * await worker.ready;
 */
export async function launchLocalWorker(token: string, vars: Record<string, string> = {}): Promise<LaunchingWorker> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const state = await mkdtemp(join(tmpdir(), "broadsheet-e2e-"));
  let child: ChildProcess | undefined;
  let stopped = false;
  let output = "";

  async function run(): Promise<void> {
    // The same migrations `npm start` applies (the editorial database and the search index), into
    // this server's own local state (which the primary Worker's --persist-to sets for both).
    for (const database of ["DB", "SEARCH"]) {
      const migrated = await runChild(
        join(BIN, "wrangler"),
        ["d1", "migrations", "apply", database, "--local", "--persist-to", state, "-c", "wrangler.newsroom.toml"],
        { ...CHILD_ENV, CI: "true" },
      );
      if (stopped) return;
      if (migrated.code !== 0) throw new Error(`wrangler d1 migrations apply ${database} failed:\n${migrated.output}`);
    }
    const settings = { ...vars, EDITOR_TOKENS: token, SITE_URL: url };
    const newsroomConfig = await newsroomConfigWith(state, settings);
    const readerVars = Object.keys((await rawConfig("wrangler.toml")).vars ?? {});
    if (stopped) return;
    const started = spawn(
      join(BIN, "wrangler"),
      [
        "dev",
        "-c",
        "wrangler.toml",
        "-c",
        newsroomConfig,
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--persist-to",
        state,
        ...Object.entries(settings)
          .filter(([name]) => readerVars.includes(name))
          .flatMap(([name, value]) => ["--var", `${name}:${value}`]),
      ],
      { cwd: ROOT, env: CHILD_ENV, stdio: ["ignore", "pipe", "pipe"] },
    );
    child = started;
    started.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));

    const deadline = Date.now() + 120_000;
    for (;;) {
      if (stopped) return;
      if (started.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
      try {
        const response = await fetch(`${url}/rss.xml`, { signal: AbortSignal.timeout(2000) });
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  const ready = run();
  // Whoever awaits `ready` sees its failure; an unawaited one must not end the process.
  ready.catch(() => {});
  return {
    url,
    token,
    ready,
    async stop() {
      stopped = true;
      await ready.catch(() => {});
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child?.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(state, { recursive: true, force: true });
    },
  };
}

/** Runs a command from the project's root to its end, without blocking the event loop. */
function runChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (error) => done({ code: -1, output: `${output}${error.message}` }));
    child.on("exit", (code) => done({ code: code ?? -1, output }));
  });
}

async function rawConfig(path: string) {
  const { experimental_readRawConfig } = await import("wrangler");
  return experimental_readRawConfig({ config: join(ROOT, path) }).rawConfig;
}

/**
 * wrangler dev passes --var only to the first configuration's Worker, and reads the others' local
 * settings from a .dev.vars beside their configuration. So the newsroom runs from a copy of its
 * configuration written into `state`, with its paths made absolute and its [vars] set: those of
 * .dev.vars.example (as `npm start` uses them), then `settings`.
 */
async function newsroomConfigWith(state: string, settings: Record<string, string>): Promise<string> {
  const config = await rawConfig("wrangler.newsroom.toml");
  const fromRoot = (path: string) => resolve(ROOT, path);
  const devVars = Object.fromEntries(
    (await readFile(join(ROOT, ".dev.vars.example"), "utf8"))
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  const copy = {
    ...config,
    main: fromRoot(config.main ?? ""),
    vars: { ...config.vars, ...devVars, ...settings },
    d1_databases: config.d1_databases?.map((db: { migrations_dir?: string }) => ({
      ...db,
      migrations_dir: fromRoot(db.migrations_dir ?? "migrations"),
    })),
    ...(config.assets?.directory ? { assets: { ...config.assets, directory: fromRoot(config.assets.directory) } } : {}),
    ...(config.build ? { build: { ...config.build, cwd: ROOT, watch_dir: fromRoot("src") } } : {}),
  };
  const path = join(state, "wrangler.newsroom.json");
  await writeFile(path, JSON.stringify(copy, null, 2));
  return path;
}

/**
 * Fetches `url` until `ready` accepts the response, for up to fifteen seconds, and returns the last
 * response. A write reaches pages, listings and feeds through the outbox, a moment after the Worker
 * answers it. The body is left unread unless `ready` reads it.
 *
 * @example
 * const page = await fetchUntil(`${worker.url}/articles/hello`, (response) => response.status === 200);
 * const old = await fetchUntil(`${worker.url}/articles/old`, (response) => response.status === 301, { redirect: "manual" });
 */
export async function fetchUntil(
  url: string,
  ready: (response: Response) => boolean | Promise<boolean>,
  init: RequestInit = {},
): Promise<Response> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(url, { ...init, headers: { "Cache-Control": "no-cache", ...init.headers } });
    if ((await ready(response)) || Date.now() > deadline) return response;
    if (!response.bodyUsed) await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Fetches `url` until its body contains `text` (see `fetchUntil`), and returns the last body.
 *
 * @example
 * expect(await textContaining(`${worker.url}/`, "A new article")).toContain("A new article");
 */
export async function textContaining(url: string, text: string): Promise<string> {
  let body = "";
  await fetchUntil(url, async (response) => {
    body = await response.text();
    return body.includes(text);
  });
  return body;
}
