/**
 * Starts the real Worker under `wrangler dev` on a free port with its own empty local KV, for
 * end-to-end tests of the editors' tools.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
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
 * Starts `wrangler dev` with `EDITOR_TOKENS` set to `token`, `SITE_URL` to its own address, and any
 * further `vars` (which may not override those two). Waits until the Worker answers.
 *
 * @example
 * const worker = await startLocalWorker("ana:a-test-token-of-32-characters-or-more", { DESK_SECRET: "a-test-secret-of-32-characters-or-more" });
 * await fetch(`${worker.url}/desk/sign-in`);
 * await worker.stop();
 */
export async function startLocalWorker(token: string, vars: Record<string, string> = {}): Promise<LocalWorker> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const state = await mkdtemp(join(tmpdir(), "broadsheet-e2e-"));
  // The same migrations `npm start` applies (the editorial database and the search index), into
  // this worker's own local state.
  for (const database of ["DB", "SEARCH"]) {
    const migrated = spawnSync(join(BIN, "wrangler"), ["d1", "migrations", "apply", database, "--local", "--persist-to", state], {
      cwd: ROOT,
      env: { ...CHILD_ENV, CI: "true" },
      encoding: "utf8",
    });
    if (migrated.status !== 0)
      throw new Error(`wrangler d1 migrations apply ${database} failed:\n${migrated.stdout}${migrated.stderr}`);
  }
  const child: ChildProcess = spawn(
    join(BIN, "wrangler"),
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      state,
      "--var",
      `EDITOR_TOKENS:${token}`,
      "--var",
      `SITE_URL:${url}`,
      ...Object.entries(vars)
        .filter(([name]) => name !== "EDITOR_TOKENS" && name !== "SITE_URL")
        .flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ],
    { cwd: ROOT, env: CHILD_ENV, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
    try {
      const response = await fetch(`${url}/rss.xml`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    token,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      await rm(state, { recursive: true, force: true });
    },
  };
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
