// `npm run reindex` against a real local Worker: it pages through every article with the editors'
// token, prints its progress, and leaves the search index answering for all of them.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, CHILD_ENV, fetchUntil, type LocalWorker, ROOT, startLocalWorker } from "./local-worker";

const TOKEN = "e2e-reindex-token-0123456789abcdef0123";
let worker: LocalWorker;

function runReindex(args: string[], token: string | null = TOKEN): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...CHILD_ENV };
  if (token === null) delete env.BROADSHEET_TOKEN;
  else env.BROADSHEET_TOKEN = token;
  return new Promise((resolve) => {
    const child = spawn(join(BIN, "tsx"), ["src/cli/reindex.ts", ...args], { cwd: ROOT, env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => resolve({ code: code ?? -1, output }));
  });
}

beforeAll(async () => {
  worker = await startLocalWorker(TOKEN);
  for (let i = 0; i < 5; i++) {
    const response = await fetch(`${worker.url}/api/articles/quokka-${i}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "text/markdown" },
      body: `---\ntitle: Quokka report ${i}\npublished: 2026-11-2${i}T08:00:00Z\ncategory: Nature\n---\n\nQuokkas smile.\n`,
    });
    expect(response.status).toBe(201);
  }
});

afterAll(async () => {
  await worker?.stop();
});

describe("npm run reindex", () => {
  it("rebuilds the index page by page, with progress, and the search finds every article", async () => {
    const { code, output } = await runReindex(["--site", worker.url, "--limit", "2"]);
    expect(code).toBe(0);
    // Not a terminal: plain progress lines, the last one complete.
    expect(output).toContain("5/5 articles  100%");
    expect(output).toMatch(/Reindexed 5 articles in \d+ s: 5 entries written, 0 removed\./);
    const response = await fetchUntil(
      `${worker.url}/search.json?q=quokkas`,
      async (r) => ((await r.clone().json()) as { total: number }).total === 5,
    );
    expect(((await response.json()) as { total: number }).total).toBe(5);
  });

  it("needs the editors' token", async () => {
    const { code, output } = await runReindex(["--site", worker.url], null);
    expect(code).toBe(2);
    expect(output).toContain("BROADSHEET_TOKEN is not set");
  });
});
