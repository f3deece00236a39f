/**
 * Every feed, in every format and listing, read by Python's feedparser (Debian's python3-feedparser,
 * which .ci/run installs), the parser most feed readers' back ends are built on: well-formed
 * (`bozo` 0), with every item, and an archive a reader can walk. On the CLI project's shared site:
 * the archives walked are those of a section and a tag that only this file's articles have.
 * Without feedparser the tests skip, except under CI (`CI=true`), where they fail: CI installs it.
 */
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import type { LocalSite } from "./global-setup";
import { localSite } from "./local-site";
import { textContaining } from "./local-worker";

const PYTHON = "/usr/bin/python3";
const hasFeedparser = spawnSync(PYTHON, ["-c", "import feedparser"]).status === 0;
/** CI must run these: a missing parser fails there instead of skipping (.ci/run installs it). */
const required = process.env.CI === "true";
let worker: LocalSite;

async function put(slug: string, fields: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${worker.url}/api/articles/${slug}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${worker.token}`, "Content-Type": "application/json" },
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
  if (!hasFeedparser) {
    if (required) throw new Error(`CI=true and ${PYTHON} cannot import feedparser: install python3-feedparser`);
    return;
  }
  worker = await localSite();
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
  const cron = await fetch(`${worker.url}/api/cron`, { method: "POST", headers: { Authorization: `Bearer ${worker.token}` } });
  expect(cron.status).toBe(200);
});

/** The number of entries in each archive part, walking back from a listing's subscription feed. */
function walkArchive(listing: string): number[] {
  const seen: number[] = [];
  let url: string | null = parse(`${worker.url}${listing}/atom.xml`).prevArchive;
  while (url) {
    const local = url.replace(/^https?:\/\/[^/]+/, worker.url);
    const part = parse(local);
    expect(part.bozo, local).toBe(0);
    seen.push(part.entries);
    url = part.prevArchive;
  }
  return seen;
}

describe.skipIf(!hasFeedparser && !required)("Python's feedparser", () => {
  it("reads every feed of every listing without a complaint", () => {
    for (const base of ["", "/sections/world", "/tags/uenicode", "/authors/a-writer"]) {
      for (const file of ["rss.xml", "atom.xml"]) {
        const result = parse(`${worker.url}${base}/${file}`);
        expect(result.bozo, `${base}/${file}`).toBe(0);
        expect(result.entries, `${base}/${file}`).toBeGreaterThan(0);
      }
    }
  });

  it.each(["/sections/world", "/tags/uenicode"])("walks the archive of %s from its subscription feed", async (listing) => {
    // Rebuilt archive parts reach the edge cache a moment after the cron answers.
    const deadline = Date.now() + 15_000;
    let seen = walkArchive(listing);
    while (seen.join() !== "1,1" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = walkArchive(listing);
    }
    expect(seen).toEqual([1, 1]);
  });
});
