/**
 * @module cli/import
 * `npm run import -- <file-or-folder> [--out articles/] [--category NAME] [--published ISO] [--slug SLUG] [--force] [--stdout] [--json]`
 * `npm run import -- --from wordpress|ghost EXPORT [--uploads DIR] --site URL [--dry-run] [--json]`
 *
 * With `--from`, a whole site moves in from its export: see ./wordpress/import.ts and
 * ./ghost/ghost.ts. Otherwise:
 * Turns text scraped from news pages, or saved .html pages, into article files for an editor to
 * review. The cleaning is `cleanScrape` (./scrape/clean-scrape.ts) and the HTML reading `htmlToText`
 * (./scrape/html.ts); this file reads, checks each result with the Worker's own schema, writes, and
 * reports every decision: as text, or as JSON with --json.
 */
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { extname, isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { FieldProblem } from "../core/schema";
import { validateSlug } from "../core/schema";
import { parseArticleFile } from "../core/source";
import { importGhost } from "./ghost/ghost";
import { createProgress } from "./progress";
import { fileComments, formatArticleFile } from "./scrape/article-file";
import { cleanScrape } from "./scrape/clean-scrape";
import { htmlToText } from "./scrape/html";
import { slugify } from "./scrape/text";
import type { ImportedArticle, ScrapeOptions, ScrapeReport } from "./scrape/types";
import { siteApi } from "./site-api";
import { importWordPress, reportText } from "./wordpress/import";
import { WxrError } from "./wordpress/wxr";

export const DEFAULT_OUT = "articles";
/** The environment setting that gives a default category, like --category. */
export const CATEGORY_ENV = "BROADSHEET_DEFAULT_CATEGORY";
const USAGE = `Usage: npm run import -- <file or folder> [--out DIR] [--category NAME] [--published ISO] [--slug SLUG] [--force] [--stdout] [--json]
       npm run import -- --from wordpress export.xml [--uploads DIR] --site URL [--dry-run] [--json]
       npm run import -- --from ghost export.json [--uploads DIR] --site URL [--dry-run] [--json]

  --from wordpress  import a whole WordPress site from its export (Tools → Export, WXR 1.1 or 1.2):
                    posts in every status, authors, sections and tags, images from --uploads (a copy
                    of wp-content/uploads), and a 301 from every old URL; run it again to update
                    what changed. The editor token is read from BROADSHEET_TOKEN.
  --from ghost      the same from Ghost's JSON export (versions 2 to 5); --uploads is a copy of
                    content/images. See docs/importing.md.

  file or folder    the text scraped from one article's page (.txt), or a saved page (.html);
                    or a folder: every .txt, .html and .htm file in it
  --out DIR         the folder to write <slug>.md into (default: ${DEFAULT_OUT}/)
  --category NAME   the category when a page names no section (default: $${CATEGORY_ENV}, else "Uncategorised")
  --published ISO   when it was published, like 2025-03-28T09:00:00Z (a bare date means noon UTC);
                    replaces any date found on the page; needed when the page gives none
  --slug SLUG       the file name, when the one made from the title does not suit (one file only)
  --force           overwrite the file if it exists
  --stdout          print the article file instead of writing it; the report goes to stderr
                    (run npm with -s, as in npm run -s import -- raw.txt --stdout > a.md, to keep its banner out)
  --json            print the report as JSON on stdout, one entry per file, instead of as text`;

// Exit codes: 0 written, 1 the input or the file system failed, 2 the command line needs changing.
const OK = 0;
const FAILED = 1;
const USAGE_ERROR = 2;
const INPUT_EXTENSIONS = new Set([".txt", ".html", ".htm"]);

// A field the page may lack, and the flag that supplies it.
const FLAG_FOR: Record<string, string> = { published: "--published 2025-03-28T09:00:00Z" };

export interface ImportOptions {
  /** A scraped text file, a saved .html page, or a folder of them. */
  input: string;
  out: string;
  category?: string | undefined;
  categoryFrom?: "option" | "environment";
  published?: string | undefined;
  slug?: string | undefined;
  force: boolean;
  stdout: boolean;
  /** Where the report goes, line by line. */
  log: (line: string) => void;
  /** Where the article goes with `stdout`. */
  print: (text: string) => void;
}

/** What became of one input: the exit code it earns, and everything --json reports. */
export interface ImportOutcome {
  input: string;
  code: number;
  status: "written" | "printed" | "failed";
  file?: string;
  article?: ImportedArticle;
  problems: FieldProblem[];
  /** What the HTML page's metadata gave, for a saved page. */
  page?: string[];
  report?: ScrapeReport;
}

/** Imports a file or every file in a folder; gives each one's outcome. The exit code is the worst of them. */
export async function importInputs(options: ImportOptions): Promise<ImportOutcome[]> {
  let inputs: string[];
  try {
    inputs = await inputsOf(options.input);
  } catch (error) {
    options.log(`✗ cannot read ${options.input}: ${reason(error)}`);
    return [{ input: options.input, code: FAILED, status: "failed", problems: [{ field: "input", problem: reason(error) }] }];
  }
  if (inputs.length === 0) {
    options.log(`✗ ${display(options.input)} holds no .txt, .html or .htm files`);
    return [
      {
        input: options.input,
        code: FAILED,
        status: "failed",
        problems: [{ field: "input", problem: "holds no files to import" }],
      },
    ];
  }
  if (inputs.length > 1 && options.slug !== undefined) {
    options.log("✗ --slug names one file, so it cannot be used with a folder");
    return [
      { input: options.input, code: USAGE_ERROR, status: "failed", problems: [{ field: "slug", problem: "needs one file" }] },
    ];
  }
  const outcomes: ImportOutcome[] = [];
  for (const input of inputs) outcomes.push(await importScrape({ ...options, input }));
  if (inputs.length > 1) {
    const written = outcomes.filter((o) => o.code === OK).length;
    options.log(`${written} of ${inputs.length} files imported`);
  }
  return outcomes;
}

async function inputsOf(input: string): Promise<string[]> {
  if (!(await stat(input)).isDirectory()) return [input];
  const names = await readdir(input);
  return names
    .filter((name) => INPUT_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort()
    .map((name) => join(input, name));
}

/** Imports one scraped file or saved page; gives its outcome. */
export async function importScrape(options: ImportOptions): Promise<ImportOutcome> {
  const { log, input } = options;
  const failed = (code: number, problems: FieldProblem[], more: Partial<ImportOutcome> = {}): ImportOutcome => ({
    input,
    code,
    status: "failed",
    problems,
    ...more,
  });
  let raw: string;
  try {
    raw = await readFile(input, "utf8");
  } catch (error) {
    log(`✗ cannot read ${input}: ${reason(error)}`);
    return failed(FAILED, [{ field: "input", problem: `cannot be read: ${reason(error)}` }]);
  }
  log(`Importing ${display(input)}`);
  let page: string[] | undefined;
  if (/\.html?$/i.test(input)) {
    const extracted = htmlToText(raw);
    if (!extracted) {
      log("✗ no article was found on the page");
      return failed(FAILED, [{ field: "input", problem: "has no article that Readability can find" }]);
    }
    raw = extracted.text;
    page = extracted.found;
    log(`  read as a saved page: ${page.join(", ") || "no metadata"}`);
  }
  const scrapeOptions: ScrapeOptions = {
    ...(options.category !== undefined ? { category: options.category, categoryFrom: options.categoryFrom ?? "option" } : {}),
    ...(options.published !== undefined ? { published: options.published } : {}),
  };
  const result = cleanScrape(raw, scrapeOptions);
  const report: ScrapeReport = {
    taken: result.taken,
    removed: result.removed,
    warnings: result.warnings,
    detected: result.detected,
  };
  const more = { report, ...(page ? { page } : {}) };
  printReport(report, log);
  if (!result.ok) {
    for (const p of result.problems) log(`✗ ${p.field} ${p.problem}${FLAG_FOR[p.field] ? `: pass ${FLAG_FOR[p.field]}` : ""}`);
    return failed(result.problems.every((p) => p.field in FLAG_FOR) ? USAGE_ERROR : FAILED, result.problems, more);
  }

  const slug = options.slug ?? slugify(result.article.title);
  const slugCheck = validateSlug(slug);
  if (!slugCheck.ok) {
    const fix = options.slug === undefined ? ": the title gives no usable file name, so pass --slug my-article" : "";
    for (const p of slugCheck.problems) log(`✗ slug "${slug}" ${p.problem}${fix}`);
    return failed(options.slug === undefined ? FAILED : USAGE_ERROR, slugCheck.problems, more);
  }

  const source = formatArticleFile(result.article, fileComments(result.detected));
  // The file must read back through the same schema the Worker uses, or it is not written at all.
  const parsed = parseArticleFile(source);
  if (!parsed.ok) {
    log("✗ the imported article does not pass the article schema:");
    for (const p of parsed.problems) log(`  ${p.field} ${p.problem}`);
    return failed(FAILED, parsed.problems, more);
  }

  const done = { input, problems: [], article: result.article, ...more };
  if (options.stdout) {
    options.print(source);
    return { ...done, code: OK, status: "printed" };
  }
  const path = join(options.out, `${slug}.md`);
  try {
    await mkdir(options.out, { recursive: true });
    // "wx" fails if the file exists, in the same step as the write, so nothing is overwritten by a race.
    await writeFile(path, source, { encoding: "utf8", flag: options.force ? "w" : "wx" });
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === "EEXIST";
    log(
      exists
        ? `✗ ${display(path)} already exists: pass --force to overwrite it`
        : `✗ cannot write ${display(path)}: ${reason(error)}`,
    );
    return failed(FAILED, [{ field: "file", problem: exists ? "already exists" : reason(error) }], { ...more, file: path });
  }
  log(`✓ wrote ${display(path)}`);
  log(`  Review it, then publish it with: npm run publish -- ${display(path)}\n`);
  return { ...done, code: OK, status: "written", file: path };
}

const CATEGORY_FROM: Record<string, string> = {
  header: 'from the "Category" header',
  section: "from the page's section line",
  breadcrumb: "from the page's breadcrumb",
  option: "the default given with --category",
  environment: `the default in ${CATEGORY_ENV}`,
  placeholder: "a placeholder: the page names no section and no default was given",
};

/** Prints what the import took as each field, what it removed and why, and what it wants checked. */
export function printReport(report: ScrapeReport, log: (line: string) => void): void {
  const { detected, taken, removed, warnings } = report;
  const { image, published, updated, category } = detected;
  log("\nDetected");
  log(`  title      ${detected.title ?? "(none)"}${detected.titleWhy ? `\n             ${detected.titleWhy}` : ""}`);
  log(`  category   ${category ? `${category.value} (${CATEGORY_FROM[category.from]})` : "(none)"}`);
  log(`  byline     ${detected.byline ?? "(none)"}`);
  log(`  authors    ${detected.authors.length ? detected.authors.join(", ") : "(none)"}`);
  log(`  credits    ${detected.credits.length ? detected.credits.join(", ") : "(none)"}`);
  log(`  caption    ${image?.caption ?? "(none)"}`);
  log(`  credit     ${image?.credit ?? "(none)"}`);
  if (image) log(`  alt        ${image.alt}`);
  if (detected.dateline) log(`  dateline   ${detected.dateline} (kept in the text)`);
  log(
    `  published  ${published ? `${published.value}: ${published.from === "option" ? "--published " : ""}${published.how}` : "(not found)"}`,
  );
  if (updated) log(`  updated    ${updated.value}: ${updated.how}`);
  if (detected.normalized.length) {
    log("\nNormalized");
    for (const line of detected.normalized) log(`  ${line}`);
  }
  log(`\nTaken as fields${taken.length ? "" : ": nothing"}`);
  for (const t of taken) log(`  = line ${t.line} "${shorten(t.text)}": ${t.as}`);
  log(`\nRemoved${removed.length ? "" : ": nothing"}`);
  for (const r of removed) log(`  - line ${r.line} "${shorten(r.text)}": ${r.reason}`);
  log(`\nWarnings${warnings.length ? "" : ": none"}`);
  for (const w of warnings) log(`  ! ${w.kind === "check" ? `${w.field}: ` : "near-duplicate: "}${w.message}`);
  log("");
}

function shorten(text: string, max = 70): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function display(path: string): string {
  // Relative when inside the working folder, where editors run the tools; absolute elsewhere.
  const near = relative(process.cwd(), path);
  return near && !near.startsWith("..") && !isAbsolute(near) ? near : resolve(path);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine();
  } catch (error) {
    console.error(`${reason(error)}\n\n${USAGE}`);
    return USAGE_ERROR;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return OK;
  }
  if (values.from !== undefined) return importSite(values, positionals);
  const [input, ...extra] = positionals;
  if (input === undefined || extra.length > 0) {
    const problem =
      input === undefined ? "Give one scraped file or a folder." : `Give only one file or folder, not ${positionals.length}.`;
    console.error(`${problem}\n\n${USAGE}`);
    return USAGE_ERROR;
  }
  if (values.json && values.stdout) {
    console.error(`--json already includes each article's fields, so it cannot be used with --stdout.\n\n${USAGE}`);
    return USAGE_ERROR;
  }
  const fromEnvironment = values.category === undefined ? process.env[CATEGORY_ENV]?.trim() || undefined : undefined;
  // With --stdout the article is the output, so the report moves to stderr where it cannot mix in;
  // with --json the JSON is the output, and the text report is not printed.
  const log = values.json
    ? () => {}
    : values.stdout
      ? (line: string) => console.error(line)
      : (line: string) => console.log(line);
  const outcomes = await importInputs({
    input,
    out: values.out,
    category: values.category ?? fromEnvironment,
    categoryFrom: fromEnvironment ? "environment" : "option",
    published: values.published,
    slug: values.slug,
    force: values.force,
    stdout: values.stdout,
    log,
    print: (text) => process.stdout.write(text),
  });
  if (values.json) process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
  return Math.max(...outcomes.map((o) => o.code));
}

function parseCommandLine() {
  return parseArgs({
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: "string", default: DEFAULT_OUT },
      category: { type: "string" },
      published: { type: "string" },
      slug: { type: "string" },
      force: { type: "boolean", default: false },
      stdout: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      from: { type: "string" },
      uploads: { type: "string" },
      site: { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
  });
}

/** `--from wordpress`: a whole site from its export, through the site's API. */
async function importSite(values: ReturnType<typeof parseCommandLine>["values"], positionals: string[]): Promise<number> {
  const [file, ...extra] = positionals;
  if (values.from !== "wordpress" && values.from !== "ghost") {
    console.error(`--from ${values.from} is not a source this tool reads: use wordpress or ghost.\n\n${USAGE}`);
    return USAGE_ERROR;
  }
  if (file === undefined || extra.length) {
    console.error(`Give one export file.\n\n${USAGE}`);
    return USAGE_ERROR;
  }
  const dryRun = values["dry-run"];
  const token = process.env.BROADSHEET_TOKEN;
  if (!dryRun && (!values.site || !token)) {
    console.error(
      !values.site
        ? `--site URL is required (or --dry-run).\n\n${USAGE}`
        : "BROADSHEET_TOKEN is not set: export the editor token first.",
    );
    return USAGE_ERROR;
  }
  if (
    values.uploads !== undefined &&
    !(await stat(values.uploads).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  ) {
    console.error(`--uploads ${values.uploads} is not a folder`);
    return USAGE_ERROR;
  }
  const log = values.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  const run = {
    file,
    uploads: values.uploads,
    api: !dryRun && values.site && token ? siteApi({ site: values.site, token }) : undefined,
    now: Date.now(),
    progress: createProgress({ unit: "posts" }),
    log,
  };
  try {
    const report = values.from === "ghost" ? await importGhost(run) : await importWordPress(run);
    if ("problem" in report) {
      console.error(`✗ ${file} ${report.problem}`);
      return FAILED;
    }
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else for (const line of reportText(report, dryRun)) log(line);
    return report.failed.length || report.redirectsRefused.length ? FAILED : OK;
  } catch (error) {
    if (error instanceof WxrError) {
      console.error(`✗ ${file}: ${error.message}`);
      return FAILED;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`import failed: ${reason(error)}`);
      process.exit(FAILED);
    },
  );
}
