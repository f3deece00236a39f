import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseArticleFile } from "../../src/core/source";
import { cliCommand } from "./cli-command";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "node_modules", ".bin");
const SEED = join(ROOT, "tests", "fixtures", "seed-000.txt");
const SLUG = "chinese-foreign-minister-will-visit-russia-to-discuss-ukraine-peace-push";
const CORPUS = join(ROOT, "tests", "fixtures", "import");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real command as an editor would (compiled once: tests/cli/cli-command.ts), with the project's Node 22 first on PATH. */
function runImport(...args: string[]): Promise<Run> {
  return runImportWith({}, ...args);
}

async function runImportWith(env: Record<string, string>, ...args: string[]): Promise<Run> {
  const [command = "", ...compiled] = await cliCommand("import");
  return new Promise((done) => {
    const { BROADSHEET_DEFAULT_CATEGORY: _ignored, ...inherited } = process.env;
    execFile(
      command,
      [...compiled, ...args],
      { cwd: ROOT, env: { ...inherited, ...env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ""}` } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

describe("npm run import", () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "broadsheet-import-"));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it("imports the seed into a valid article and reports what it did", async () => {
    const dir = join(out, "seed");
    const run = await runImport(SEED, "--out", dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('line 6 "3 min read": reading time');
    expect(run.stdout).toContain('line 7 "Authors": an "Authors" label with no names');
    expect(run.stdout).toMatch(/line 8 ".*": repeats the title/);
    expect(run.stdout).toContain("repeats paragraph 2 (line 13) word for word");
    expect(run.stdout).toContain('line 43 "See all"');
    expect(run.stdout).toMatch(/title +Chinese Foreign Minister.*\n +line 4, scored \d+/);
    expect(run.stdout).toContain('= line 9 "Chinese Foreign Minister Wang Yi held');
    expect(run.stdout).toMatch(
      /near-duplicate: paragraph 9 \(line 29\) .*paragraph 3 \(line 15\) and paragraph 4 \(line 17\).*\d+%/,
    );
    expect(run.stdout).toContain("78 non-breaking spaces → ordinary spaces");
    expect(run.stdout).toContain("first Friday on or after 2025-03-27");
    expect(run.stdout).toContain("noon UTC");
    expect(run.stdout).toContain(`wrote ${join(dir, `${SLUG}.md`)}`);

    const parsed = parseArticleFile(await readFile(join(dir, `${SLUG}.md`), "utf8"));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.value).toMatchObject({
      title: "Chinese Foreign Minister Will Visit Russia to Discuss Ukraine Peace Push",
      category: "Latest news",
      published: "2025-03-28T12:00:00Z",
      authors: [],
      image: { caption: expect.stringMatching(/on March 27, 2025\.$/), credit: "Getty Images" },
    });
    expect(parsed.value.body).toContain("China itslef claims neutrality");
    expect(parsed.value.body).not.toContain("See all");
  });

  it("refuses to overwrite the file without --force, and overwrites with it", async () => {
    const dir = join(out, "overwrite");
    const path = join(dir, `${SLUG}.md`);
    await mkdir(dir);
    await writeFile(path, "edited by hand\n");
    const refused = await runImport(SEED, "--out", dir);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("already exists: pass --force");
    expect(await readFile(path, "utf8")).toBe("edited by hand\n");

    const forced = await runImport(SEED, "--out", dir, "--force");
    expect(forced.code).toBe(0);
    expect(parseArticleFile(await readFile(path, "utf8")).ok).toBe(true);
  });

  it("asks for --published when the date cannot be inferred, and writes nothing", async () => {
    const raw = join(out, "no-caption.txt");
    await writeFile(raw, (await readFile(SEED, "utf8")).replace(/^.*\(Source: Getty Images\)\n/m, ""));
    const dir = join(out, "no-caption");
    const run = await runImport(raw, "--out", dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("published could not be inferred");
    expect(run.stdout).toContain("pass --published");
    await expect(readdir(dir)).rejects.toThrow();

    const given = await runImport(raw, "--out", dir, "--published", "2025-03-28T09:00:00Z");
    expect(given.code).toBe(0);
    expect(await readdir(dir)).toEqual([`${SLUG}.md`]);
  });

  it("prints the file with --stdout and the report on stderr", async () => {
    const run = await runImport(SEED, "--stdout", "--out", join(out, "unused"));
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith("---\n")).toBe(true);
    expect(parseArticleFile(run.stdout).ok).toBe(true);
    expect(run.stderr).toContain("Removed");
    await expect(readdir(join(out, "unused"))).rejects.toThrow();
  });

  it("answers usage errors with exit code 2, and a missing file with 1", async () => {
    expect((await runImport("--help")).code).toBe(0);
    const unknown = await runImport(SEED, "--bogus");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Usage: npm run import");
    expect((await runImport()).code).toBe(2);
    const missing = await runImport(join(out, "missing.txt"));
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("cannot read");
  });

  it("imports a saved .html page to the same article as its plain-text twin", async () => {
    const dir = join(out, "html");
    const run = await runImport(join(CORPUS, "html-twin.html"), "--out", dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("read as a saved page");
    const [written] = await readdir(dir);
    expect(written).toBe("ferry-service-returns-to-the-outer-islands-after-ten-years.md");
    const expected = await readFile(join(CORPUS, "html-twin.expected.md"), "utf8");
    expect(await readFile(join(dir, written ?? ""), "utf8")).toBe(expected);
  });

  it("imports every .txt and .html file in a folder, each to its expected article", async () => {
    const input = join(out, "folder-in");
    const dir = join(out, "folder-out");
    await mkdir(input);
    const names = ["indian-daily", "wire-dateline", "german", "magazine"];
    for (const name of names) await writeFile(join(input, `${name}.txt`), await readFile(join(CORPUS, `${name}.txt`), "utf8"));
    await writeFile(join(input, "html-twin.html"), await readFile(join(CORPUS, "html-twin.html"), "utf8"));
    await writeFile(join(input, "notes.md"), "not a scrape\n");
    const run = await runImport(input, "--out", dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("5 of 5 files imported");
    const files = await readdir(dir);
    expect(files).toHaveLength(5);
    for (const name of [...names, "html-twin"]) {
      const expected = await readFile(join(CORPUS, `${name}.expected.md`), "utf8");
      const title = /^title: '?(.+?)'?$/m.exec(expected)?.[1] ?? "";
      const file = files.find((f) => f.startsWith(title.toLowerCase().split(/[^a-z]+/)[0] ?? "?"));
      expect(file, name).toBeDefined();
      expect(await readFile(join(dir, file ?? ""), "utf8")).toBe(expected);
    }
  });

  it("gives the same report as JSON with --json, one entry per file", async () => {
    const dir = join(out, "json");
    const run = await runImport(join(CORPUS, "indian-daily.txt"), "--out", dir, "--json");
    expect(run.code).toBe(0);
    const [entry, ...more] = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      status: "written",
      code: 0,
      article: { title: "Coastal Towns Get Early Warning Sirens Before Monsoon", category: "National", authors: ["Priya Raman"] },
      report: {
        detected: {
          byline: "By Priya Raman | Updated: January 15, 2020 14:55 IST",
          category: { value: "National", from: "breadcrumb" },
          credits: ["PNA"],
          published: { value: "2020-01-15T14:55:00+05:30", from: "byline" },
          image: { credit: "PNA" },
        },
      },
    });
    const report = entry?.report as { removed: { text: string; reason: string }[]; taken: { as: string }[] };
    expect(report.removed).toContainEqual({ line: 2, text: "City", reason: expect.stringContaining("chrome") });
    expect(report.removed).toContainEqual({ line: 32, text: "Related Stories", reason: expect.stringContaining("trailer") });
    expect(report.taken.map((t) => t.as)).toEqual(["category", "title", "byline", "caption", "credit"]);

    const failed = await runImport(join(CORPUS, "no-date.txt"), "--out", dir, "--json");
    expect(failed.code).toBe(2);
    expect(JSON.parse(failed.stdout)).toMatchObject([{ status: "failed", problems: [{ field: "published" }] }]);
    expect((await runImport(SEED, "--json", "--stdout")).code).toBe(2);
  });

  it("takes a default category from --category or BROADSHEET_DEFAULT_CATEGORY, else a placeholder with a warning", async () => {
    const raw = join(out, "no-category.txt");
    await writeFile(raw, (await readFile(SEED, "utf8")).replace("Category\nLatest news\n", ""));
    const placeholder = await runImport(raw, "--stdout");
    expect(placeholder.code).toBe(0);
    expect(placeholder.stdout).toContain("category: Uncategorised");
    expect(placeholder.stdout).toContain("# category is a placeholder");
    expect(placeholder.stderr).toContain("pass --category");

    const fromEnv = await runImportWith({ BROADSHEET_DEFAULT_CATEGORY: "World" }, raw, "--stdout");
    expect(fromEnv.stdout).toContain("category: World");
    expect(fromEnv.stderr).toContain("BROADSHEET_DEFAULT_CATEGORY");
    const fromFlag = await runImportWith({ BROADSHEET_DEFAULT_CATEGORY: "World" }, raw, "--stdout", "--category", "Asia");
    expect(fromFlag.stdout).toContain("category: Asia");
  });
});
