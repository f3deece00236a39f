// `npm run reindex` against a real local Worker (the CLI project's shared site): it pages through
// every article with the editors' token, prints its progress, and leaves the search index answering
// for all of them. Other files' articles are on the site too (the CLI files run one at a time), so
// the counts are the site's own, read from the API just before.
import { spawn } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { cliCommand } from "./cli-command";
import type { LocalSite } from "./global-setup";
import { localSite } from "./local-site";
import { CHILD_ENV, fetchUntil, ROOT } from "./local-worker";

let worker: LocalSite;

async function runReindex(args: string[], token: string | null = worker.token): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...CHILD_ENV };
  if (token === null) delete env.BROADSHEET_TOKEN;
  else env.BROADSHEET_TOKEN = token;
  const [command = "", ...compiled] = await cliCommand("reindex");
  return new Promise((resolve) => {
    const child = spawn(command, [...compiled, ...args], { cwd: ROOT, env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => resolve({ code: code ?? -1, output }));
  });
}

beforeAll(async () => {
  worker = await localSite();
  for (let i = 0; i < 5; i++) {
    const response = await fetch(`${worker.url}/api/articles/quokka-${i}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${worker.token}`, "Content-Type": "text/markdown" },
      body: `---\ntitle: Quokka report ${i}\npublished: 2026-11-2${i}T08:00:00Z\ncategory: Nature\n---\n\nQuokkas smile.\n`,
    });
    expect(response.status).toBe(201);
  }
});

/** The site's articles as the editors' API lists them: all of them, drafts and the trash too. */
async function siteArticles(): Promise<Array<{ status: string }>> {
  const response = await fetch(`${worker.url}/api/articles`, { headers: { Authorization: `Bearer ${worker.token}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { articles: Array<{ status: string }> }).articles;
}

describe("npm run reindex", () => {
  it("rebuilds the index page by page, with progress, and the search finds every article", async () => {
    const articles = await siteArticles();
    // Drafts and the trash are counted, and have no entry.
    const searchable = articles.filter((article) => article.status === "published" || article.status === "scheduled");
    expect(searchable.length).toBeGreaterThanOrEqual(5);
    const { code, output } = await runReindex(["--site", worker.url, "--limit", "2"]);
    expect(code, output).toBe(0);
    // Not a terminal: plain progress lines, the last one complete.
    expect(output).toContain(`${articles.length}/${articles.length} articles  100%`);
    expect(output).toMatch(
      new RegExp(`Reindexed ${articles.length} articles in \\d+ s: ${searchable.length} entries written, 0 removed\\.`),
    );
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
