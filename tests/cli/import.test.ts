import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseArticleFile } from "../../src/content/source";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "node_modules", ".bin");
const SEED = join(ROOT, "tests", "fixtures", "seed-000.txt");
const SLUG = "chinese-foreign-minister-will-visit-russia-to-discuss-ukraine-peace-push";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real command as an editor would; tsx finds `node` on PATH, so the project's Node 22 goes first. */
function runImport(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      join(BIN, "tsx"),
      ["src/cli/import.ts", ...args],
      { cwd: ROOT, env: { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ""}` } },
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
});
