/**
 * Moving out and back in (issue 26): `npm run export` of one running site, `npm run publish` of that
 * folder into a second, empty one (with the export's authors and redirects loaded through the API,
 * as docs/exporting.md says), and the second site serves the same pages.
 *
 * What is compared, byte for byte:
 * - every file a second export (of the second site) writes against the first export's: each
 *   article's Markdown file and each image exactly; authors.json, sections.json and redirects.json
 *   with each site's origin written as `SITE` (authors.json names each author's page by its URL);
 * - each published article's page, the home page, the section's page and the author's page, as
 *   each site's reader serves them, once every occurrence of each site's own origin
 *   (`http://127.0.0.1:<port>`, its SITE_URL) is written as `SITE`: the two sites differ in their
 *   address and nothing else;
 * - each old path's 301 `Location`, in the same way.
 *
 * Two Workers of their own (not the CLI project's shared site), so that no other test's articles or
 * sections are in the navigation of either.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSite } from "../../src/cli/export";
import { siteApi } from "../../src/cli/site-api";
import { makePng } from "../support/png";
import { cliCommand } from "./cli-command";
import { CHILD_ENV, fetchUntil, type LaunchingWorker, launchLocalWorker, ROOT } from "./local-worker";

const TOKEN = "round-trip-token-0123456789abcdef0123";
let first: LaunchingWorker;
let second: LaunchingWorker;
const folders: string[] = [];

const auth = { Authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  // One after the other: two `wrangler dev`s starting at once can race for the same internal socket.
  first = await launchLocalWorker(`ana:${TOKEN}`);
  await first.ready;
  second = await launchLocalWorker(`ana:${TOKEN}`);
  await second.ready;
}, 180_000);

afterAll(async () => {
  await Promise.allSettled([first?.stop(), second?.stop()]);
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function api(site: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${site}${path}`, {
    method,
    headers: { ...auth, ...(typeof body === "string" ? {} : { "Content-Type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

const markdown = (path: string, source: string) =>
  api(first.url, "PUT", path, source, { "Content-Type": "text/markdown; charset=utf-8", "If-None-Match": "*" });

async function exportTo(site: string): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), "broadsheet-round-trip-"));
  folders.push(out);
  const report = await exportSite(siteApi({ site, token: TOKEN }), {
    out,
    includeDrafts: true,
    includeTrash: false,
    log: () => {},
  });
  expect(report.failed).toEqual([]);
  return out;
}

/** Every file under `dir`, by its path inside it. */
async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), await readFile(path));
  }
  return files;
}

async function runPublish(dir: string, site: string): Promise<{ code: number; output: string }> {
  const [command = "", ...compiled] = await cliCommand("publish");
  return new Promise((resolve) => {
    const child = spawn(command, [...compiled, dir, "--site", site], {
      cwd: ROOT,
      env: { ...CHILD_ENV, BROADSHEET_TOKEN: TOKEN },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => resolve({ code: code ?? -1, output }));
  });
}

/** A page as a site serves it, with the site's own origin written as SITE. */
async function page(site: string, path: string, until?: string): Promise<string> {
  let body = "";
  const response = await fetchUntil(`${site}${path}`, async (r) => {
    body = await r.text();
    return r.status === 200 && (until === undefined || body.split(site).join("SITE") === until);
  });
  expect(response.status, `${site}${path}`).toBe(200);
  return body.split(site).join("SITE");
}

describe("export, then publish into an empty site", () => {
  it("serves the same pages and exports the same files, byte for byte", async () => {
    // The first site: an author with a profile, an image, three articles (one a draft), an old URL.
    const form = new FormData();
    form.set("file", new File([makePng(64, 32)], "heron.png", { type: "image/png" }));
    form.set("alt", "A heron over the river");
    const image = (await (await fetch(`${first.url}/api/media`, { method: "POST", headers: auth, body: form })).json()) as {
      url: string;
    };
    expect(image.url).toMatch(/^\/media\/[\w-]+\.png$/);
    await api(first.url, "PUT", "/api/authors/ana-ruiz", { name: "Ana Ruiz", bio: "Covers the river and its towns." });
    await markdown(
      "/api/articles/herons-return",
      `---\ntitle: "Herons return: a colon, 'quotes' and ünïcode"\npublished: 2025-03-28T12:00:00Z\ncategory: River\n` +
        `authors: [Ana Ruiz]\ntags: [birds, rivers]\nsummary: The herons are back.\n` +
        `image: {url: "${image.url}", alt: "A heron over the river", caption: "At dawn"}\n---\n\n` +
        `First paragraph, with *emphasis* and a [link](https://example.com/a?b=1&c=2).\n\n` +
        `![The heron again](${image.url})\n\n> A quotation.\n\n- one\n- two\n`,
    );
    await markdown(
      "/api/articles/ferry-times",
      "---\ntitle: Ferry times\npublished: 2025-03-29T08:00:00Z\ncategory: River\nauthors: [Ana Ruiz]\n---\n\nThe last crossing leaves at eleven.\n",
    );
    await markdown(
      "/api/articles/bridge-draft",
      "---\ntitle: Bridge, a draft\npublished: 2025-04-01T08:00:00Z\ncategory: River\ndraft: true\n---\n\nNot yet.\n",
    );
    await api(first.url, "PUT", "/api/redirects", [{ from: "/2019/03/herons/", to: "/articles/herons-return" }]);
    const published = ["herons-return", "ferry-times"];
    const paths = [...published.map((slug) => `/articles/${slug}`), "/", "/sections/river", "/authors/ana-ruiz"];
    for (const path of paths) await page(first.url, path);

    const exported = await exportTo(first.url);
    const files = await filesOf(exported);
    expect([...files.keys()].sort()).toEqual(
      [
        "authors.json",
        "bridge-draft.md",
        "ferry-times.md",
        "herons-return.md",
        `images/${image.url.slice("/media/".length)}`,
        "redirects.json",
        "sections.json",
      ].sort(),
    );

    // The second site: its authors, then the articles (npm run publish), then its redirects.
    const authors = JSON.parse(String(files.get("authors.json"))) as Array<{ slug: string; page: string }>;
    for (const { slug, page: _page, ...profile } of authors) await api(second.url, "PUT", `/api/authors/${slug}`, profile);
    const published2 = await runPublish(exported, second.url);
    expect(published2.code, published2.output).toBe(0);
    await api(second.url, "PUT", "/api/redirects", JSON.parse(String(files.get("redirects.json"))));

    // Pages: the second site's, once its pipeline has caught up, are the first's.
    for (const path of paths) {
      const expected = await page(first.url, path);
      expect(await page(second.url, path, expected), path).toBe(expected);
    }
    const locations = await Promise.all(
      [first.url, second.url].map(async (site) => {
        const response = await fetchUntil(`${site}/2019/03/herons/`, (r) => r.status === 301, { redirect: "manual" });
        return (response.headers.get("Location") ?? "").split(site).join("SITE");
      }),
    );
    expect(locations).toEqual(["SITE/articles/herons-return", "SITE/articles/herons-return"]);

    // Files: exporting the second site writes the same bytes.
    const again = await filesOf(await exportTo(second.url));
    expect([...again.keys()].sort()).toEqual([...files.keys()].sort());
    const exportedFrom = (site: string, bytes: Buffer | undefined) => String(bytes).split(site).join("SITE");
    for (const [path, bytes] of files) {
      if (path.endsWith(".json")) expect(exportedFrom(second.url, again.get(path)), path).toBe(exportedFrom(first.url, bytes));
      else expect(again.get(path)?.equals(bytes), path).toBe(true);
    }
  }, 120_000);
});
