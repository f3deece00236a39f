import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePng } from "../support/png";
import { cliCommand } from "./cli-command";
import type { LocalSite } from "./global-setup";
import { localSite } from "./local-site";
import { CHILD_ENV, ROOT, textContaining } from "./local-worker";

/** The CLI project's shared local site (tests/cli/global-setup.ts). */
let worker: LocalSite;
let articles: string;
/** A second folder, of articles that show images from disk. */
let illustrated: string;

/** Runs `npm run publish -- args` as an editor would, and collects what it prints. */
async function runPublish(args: string[], token: string | null = worker.token): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...CHILD_ENV };
  if (token === null) delete env.BROADSHEET_TOKEN;
  else env.BROADSHEET_TOKEN = token;
  const [command = "", ...compiled] = await cliCommand("publish");
  return new Promise((resolve) => {
    const child = spawn(command, [...compiled, ...args], { cwd: ROOT, env });
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

/** An article file in the illustrated folder, with a lead image and a body. */
function illustratedArticle(title: string, image: string, body: string): string {
  return `---\ntitle: ${title}\npublished: 2026-11-28T09:00:00Z\ncategory: Newsroom\n${image}---\n\n${body}\n`;
}

beforeAll(async () => {
  worker = await localSite();
  articles = await mkdtemp(join(tmpdir(), "broadsheet-articles-"));
  await cp(join(ROOT, "articles"), articles, { recursive: true });
  await writeFile(join(articles, "new.md"), NEW_ARTICLE);
  illustrated = await mkdtemp(join(tmpdir(), "broadsheet-illustrated-"));
  await mkdir(join(illustrated, "images"));
  await writeFile(join(illustrated, "images", "strip.png"), makePng(700, 20));
  await writeFile(join(illustrated, "images", "small.png"), makePng(40, 30));
});

afterAll(async () => {
  if (articles) await rm(articles, { recursive: true, force: true });
  if (illustrated) await rm(illustrated, { recursive: true, force: true });
});

describe("npm run publish against a running local Worker", () => {
  it("publishes every article, and the new one is on the home page, its page and both feeds", async () => {
    const { code, output } = await runPublish([articles, "--site", worker.url]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/\+ .*new\.md: created http:\/\/127\.0\.0\.1:\d+\/articles\/new/);
    expect(output).toMatch(/4 created, 0 updated, 0 unchanged, 0 invalid, 0 failed/);

    // Listings are rebuilt just after the response (coalesced, at most once a second per KV key).
    const home = await textContaining(`${worker.url}/`, "A new article from the editor&#39;s desk");
    expect(home).toContain("A new article from the editor&#39;s desk");
    expect(await textContaining(`${worker.url}/articles/new`, "Written in a file")).toContain(
      "Written in a file, published with one command.",
    );
    // The feeds too, once their purge lands: another file on the shared site may have had them cached.
    expect(await textContaining(`${worker.url}/rss.xml`, "A new article from the editor&#39;s desk")).toContain(
      "A new article from the editor&#39;s desk",
    );
    const feed = JSON.parse(await textContaining(`${worker.url}/feed.json`, `${worker.url}/articles/new`)) as {
      items: Array<{ url: string }>;
    };
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
    expect(await textContaining(`${worker.url}/articles/new`, "then corrected.")).toContain("then corrected.");
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

  it("uploads the images an article shows from disk, once each, and publishes it pointing at them", async () => {
    const file = join(illustrated, "from-disk.md");
    const source = illustratedArticle(
      "Illustrated from disk",
      "image:\n  url: images/strip.png\n  alt: A strip of evening sky\n",
      "A paragraph.\n\n![The strip again](images/strip.png)\n\n- ![A small square](./images/small.png)",
    );
    await writeFile(file, source);
    const { code, output } = await runPublish([file, "--site", worker.url]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/1 created, 0 updated, 0 unchanged, 0 invalid, 0 failed/);
    // The strip is shown twice, and uploaded once.
    expect(output.match(/strip\.png: uploaded as \/media\/[0-9a-f]{32}\.png/g)).toHaveLength(1);
    expect(output.match(/small\.png: uploaded as \/media\/[0-9a-f]{32}\.png/g)).toHaveLength(1);
    expect(await readFile(file, "utf8")).toBe(source);

    const stored = (await (
      await fetch(`${worker.url}/api/articles/from-disk`, { headers: { Authorization: `Bearer ${worker.token}` } })
    ).json()) as { article: { image: { url: string; alt: string }; body: string } };
    const strip = stored.article.image.url;
    expect(strip).toMatch(/^\/media\/[0-9a-f]{32}\.png$/);
    expect(stored.article.body).toMatch(
      new RegExp(
        `^A paragraph\\.\\n\\n!\\[The strip again\\]\\(${strip}\\)\\n\\n- !\\[A small square\\]\\(/media/[0-9a-f]{32}\\.png\\)\\n$`,
      ),
    );

    // The page offers the strip's narrower copies, made by the Images binding under wrangler dev.
    const page = await textContaining(`${worker.url}/articles/from-disk`, "The strip again");
    expect(page).toContain(`srcset="${worker.url}/media/w/320/${strip.slice("/media/".length)} 320w,`);
    const variant = await fetch(`${worker.url}/media/w/320/${strip.slice("/media/".length)}`);
    expect(variant.status).toBe(200);
    expect(variant.headers.get("Content-Type")).toBe("image/png");
    // IHDR's width, big-endian at byte 16.
    expect(Buffer.from(await variant.arrayBuffer()).readUInt32BE(16)).toBe(320);

    const again = await runPublish([file, "--site", worker.url]);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain("from-disk.md: unchanged, skipped");
    expect(again.output).toMatch(/strip\.png: already stored as \/media\//);
  });

  it("refuses an article whose image is missing or has no alt text, naming the file and the image, and sends none of it", async () => {
    await writeFile(join(illustrated, "missing-image.md"), illustratedArticle("Missing", "", "![A heron](images/heron.png)"));
    await writeFile(join(illustrated, "no-alt.md"), illustratedArticle("No alt", "", "![](images/small.png)"));
    await writeFile(
      join(illustrated, "no-lead-alt.md"),
      illustratedArticle("No lead alt", 'image:\n  url: images/strip.png\n  alt: ""\n', "Text."),
    );
    const { code, output } = await runPublish([
      join(illustrated, "missing-image.md"),
      join(illustrated, "no-alt.md"),
      join(illustrated, "no-lead-alt.md"),
      "--site",
      worker.url,
    ]);
    expect(code).toBe(1);
    expect(output).toMatch(/✗ .*missing-image\.md: body image images\/heron\.png is not a file/);
    expect(output).toMatch(/✗ .*no-alt\.md: body image images\/small\.png has no alt text/);
    expect(output).toMatch(/✗ .*no-lead-alt\.md: image has no alt text for images\/strip\.png/);
    expect(output).toMatch(/3 invalid/);
    expect(output).not.toContain("uploaded as");
    for (const slug of ["missing-image", "no-alt", "no-lead-alt"]) {
      expect((await fetch(`${worker.url}/articles/${slug}`)).status).toBe(404);
    }
  });
});
