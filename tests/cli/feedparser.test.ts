/**
 * Every feed, in every format and listing, read by Python's feedparser (Debian's python3-feedparser,
 * which .ci/run installs), the parser most feed readers' back ends are built on: well-formed
 * (`bozo` 0), with every item, and an archive a reader can walk.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalWorker, startLocalWorker, textContaining } from "./local-worker";

const TOKEN = "feedparser-token-0123456789abcdef0123";
const PYTHON = "/usr/bin/python3";
const hasFeedparser = spawnSync(PYTHON, ["-c", "import feedparser"]).status === 0;
let worker: LocalWorker;

async function put(slug: string, fields: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${worker.url}/api/articles/${slug}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ category: "World", body: "A paragraph with <b>markup</b> & [a link](/articles/x).\n", ...fields }),
  });
  if (!response.ok) throw new Error(`PUT ${slug}: ${response.status} ${await response.text()}`);
}

/** Runs feedparser on a URL and returns what it saw. */
function parse(url: string): { bozo: number; entries: number; prevArchive: string | null } {
  const script = `
import feedparser, json, sys, urllib.request
f = feedparser.parse(urllib.request.urlopen(sys.argv[1]).read())
prev = [l["href"] for l in f.feed.get("links", []) if l.get("rel") == "prev-archive"]
print(json.dumps({"bozo": int(f.bozo), "entries": len(f.entries), "prevArchive": prev[0] if prev else None}))`;
  const run = spawnSync(PYTHON, ["-c", script, url], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { bozo: number; entries: number; prevArchive: string | null };
}

beforeAll(async () => {
  if (!hasFeedparser) return;
  worker = await startLocalWorker(TOKEN);
  await put("first", {
    title: "First & <foremost>",
    published: "2025-01-10T09:00:00Z",
    tags: ["Ünïcode"],
    authors: ["A. Writer"],
  });
  await put("second", { title: "Second ]]> with RTL \u202etext", published: "2025-02-10T09:00:00Z", tags: ["Ünïcode"] });
  // The read model is built just after each response; give it a moment.
  await textContaining(`${worker.url}/tags/uenicode/rss.xml`, "Second");
  // An archive part rewritten within KV's one write a second per key waits for the cron; run it.
  const cron = await fetch(`${worker.url}/api/cron`, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(cron.status).toBe(200);
});

/** The number of entries in each archive part, walking back from the subscription feed. */
function walkArchive(): number[] {
  const seen: number[] = [];
  let url: string | null = parse(`${worker.url}/atom.xml`).prevArchive;
  while (url) {
    const local = url.replace(/^https?:\/\/[^/]+/, worker.url);
    const part = parse(local);
    expect(part.bozo, local).toBe(0);
    seen.push(part.entries);
    url = part.prevArchive;
  }
  return seen;
}

afterAll(async () => {
  await worker?.stop();
});

describe.skipIf(!hasFeedparser)("Python's feedparser", () => {
  it("reads every feed of every listing without a complaint", () => {
    for (const base of ["", "/sections/world", "/tags/uenicode", "/authors/a-writer"]) {
      for (const file of ["rss.xml", "atom.xml"]) {
        const result = parse(`${worker.url}${base}/${file}`);
        expect(result.bozo, `${base}/${file}`).toBe(0);
        expect(result.entries, `${base}/${file}`).toBeGreaterThan(0);
      }
    }
  });

  it("walks the archive from the subscription feed", async () => {
    // Rebuilt archive parts reach the edge cache a moment after the cron answers.
    const deadline = Date.now() + 15_000;
    let seen = walkArchive();
    while (seen.join() !== "1,1" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = walkArchive();
    }
    expect(seen).toEqual([1, 1]);
  });
});
