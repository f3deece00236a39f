import { spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, CHILD_ENV, type LocalWorker, ROOT, startLocalWorker } from "./local-worker";

const TOKEN = "e2e-editor-token";
let worker: LocalWorker;
let articles: string;

/** Runs `npm run publish -- args` as an editor would, and collects what it prints. */
function runPublish(args: string[], token: string | null = TOKEN): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...CHILD_ENV };
  if (token === null) delete env.BROADSHEET_TOKEN;
  else env.BROADSHEET_TOKEN = token;
  return new Promise((resolve) => {
    const child = spawn(join(BIN, "tsx"), ["src/cli/publish.ts", ...args], { cwd: ROOT, env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => resolve({ code: code ?? -1, output }));
  });
}

const NEW_ARTICLE = `---
title: A new article from the editor's desk
published: 2026-11-28T08:00:00Z
category: Newsroom
authors: [Test Editor]
---

Written in a file, published with one command.
`;

/** Fetches `url` until its body contains `text`, for up to ten seconds, and returns the last body. */
async function eventually(url: string, text: string): Promise<string> {
  let body = "";
  for (let tries = 0; tries < 50 && !body.includes(text); tries++) {
    if (tries) await new Promise((resolve) => setTimeout(resolve, 200));
    body = await (await fetch(url, { headers: { "Cache-Control": "no-cache" } })).text();
  }
  return body;
}

beforeAll(async () => {
  worker = await startLocalWorker(TOKEN);
  articles = await mkdtemp(join(tmpdir(), "broadsheet-articles-"));
  await cp(join(ROOT, "articles"), articles, { recursive: true });
  await writeFile(join(articles, "new.md"), NEW_ARTICLE);
});

afterAll(async () => {
  await worker?.stop();
  if (articles) await rm(articles, { recursive: true, force: true });
});

describe("npm run publish against a running local Worker", () => {
  it("publishes every article, and the new one is on the home page, its page and both feeds", async () => {
    const { code, output } = await runPublish([articles, "--site", worker.url]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/\+ .*new\.md: created http:\/\/127\.0\.0\.1:\d+\/articles\/new/);
    expect(output).toMatch(/4 created, 0 updated, 0 unchanged, 0 invalid, 0 failed/);

    // Listings are rebuilt just after the response (coalesced, at most once a second per KV key).
    const home = await eventually(`${worker.url}/`, "A new article from the editor&#39;s desk");
    expect(home).toContain("A new article from the editor&#39;s desk");
    expect(await eventually(`${worker.url}/articles/new`, "Written in a file")).toContain(
      "Written in a file, published with one command.",
    );
    expect(await (await fetch(`${worker.url}/rss.xml`)).text()).toContain("A new article from the editor&#39;s desk");
    const feed = (await (await fetch(`${worker.url}/feed.json`)).json()) as { items: Array<{ url: string }> };
    expect(feed.items.map((item) => item.url)).toContain(`${worker.url}/articles/new`);
  });

  it("skips unchanged articles when run again, and sends only what changed", async () => {
    const again = await runPublish([articles, "--site", worker.url]);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/0 created, 0 updated, 4 unchanged/);
    expect(again.output).toContain("new.md: unchanged, skipped");

    const source = await readFile(join(articles, "new.md"), "utf8");
    await writeFile(join(articles, "new.md"), source.replace("one command.", "one command, then corrected."));
    const edited = await runPublish([articles, "--site", worker.url]);
    expect(edited.code, edited.output).toBe(0);
    expect(edited.output).toMatch(/0 created, 1 updated, 3 unchanged/);
    expect(await eventually(`${worker.url}/articles/new`, "then corrected.")).toContain("then corrected.");
  });

  it("validates every file first, sends the valid ones, and exits non-zero naming the bad file and field", async () => {
    await writeFile(join(articles, "broken.md"), "---\ntitle: Broken\ncategory: News\n---\n\nNo date.\n");
    await writeFile(join(articles, "Bad_Name.md"), NEW_ARTICLE);
    const { code, output } = await runPublish([articles, "--site", worker.url]);
    expect(code).toBe(1);
    expect(output).toMatch(/✗ .*broken\.md: published is required/);
    expect(output).toMatch(/✗ .*Bad_Name\.md: file name must be lower-case/);
    expect(output).toMatch(/2 invalid/);
    expect((await fetch(`${worker.url}/articles/broken`)).status).toBe(404);
    await rm(join(articles, "broken.md"));
    await rm(join(articles, "Bad_Name.md"));
  });

  it("sends nothing on --dry-run", async () => {
    await writeFile(join(articles, "dry.md"), NEW_ARTICLE.replace("A new article", "A dry run"));
    const { code, output } = await runPublish([join(articles, "dry.md"), "--site", worker.url, "--dry-run"], null);
    expect(code, output).toBe(0);
    expect(output).toContain("dry.md: valid");
    expect(output).toContain("nothing sent (dry run)");
    expect((await fetch(`${worker.url}/articles/dry`)).status).toBe(404);
    await rm(join(articles, "dry.md"));
  });

  it("refuses to run without a token, and reports a wrong one", async () => {
    const missing = await runPublish([articles, "--site", worker.url], null);
    expect(missing.code).toBe(2);
    expect(missing.output).toContain("BROADSHEET_TOKEN is not set");
    const wrong = await runPublish([articles, "--site", worker.url], "not-the-token");
    expect(wrong.code).toBe(1);
    expect(wrong.output).toContain("401");
    expect(wrong.output).not.toContain("not-the-token");
    const cleartext = await runPublish([articles, "--site", "http://news.example"]);
    expect(cleartext.code).toBe(1);
    expect(cleartext.output).toContain("would send the editor token unencrypted");
  });
});
