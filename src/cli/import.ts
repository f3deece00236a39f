/**
 * @module cli/import
 * `npm run import -- <raw.txt> [--out articles/] [--category NAME] [--published ISO] [--slug SLUG] [--force] [--stdout]`
 *
 * Turns the text scraped from a news page into an article file for an editor to review: the cleaning
 * is `cleanScrape` (./scrape/index.ts); this file reads, checks the result with the Worker's own schema,
 * writes, and prints everything that was detected, removed or is worth a second look.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { validateSlug } from "../content/article";
import { parseArticleFile } from "../content/source";
import { cleanScrape, formatArticleFile, type ScrapeReport, slugify } from "./scrape/index";

export const DEFAULT_OUT = "articles";
const USAGE = `Usage: npm run import -- <raw.txt> [--out DIR] [--category NAME] [--published ISO] [--slug SLUG] [--force] [--stdout]

  raw.txt           the text scraped from one article's page
  --out DIR         the folder to write <slug>.md into (default: ${DEFAULT_OUT}/)
  --category NAME   the category, needed when the text has no "Category" header
  --published ISO   when it was published, like 2025-03-28T09:00:00Z (a bare date means noon UTC);
                    needed when it cannot be inferred from the caption's date and the text's weekday
  --slug SLUG       the file name, when the one made from the title does not suit
  --force           overwrite the file if it exists
  --stdout          print the article file instead of writing it; the report goes to stderr
                    (run npm with -s, as in npm run -s import -- raw.txt --stdout > a.md, to keep its banner out)`;

// Exit codes: 0 written, 1 the input or the file system failed, 2 the command line needs changing.
const OK = 0;
const FAILED = 1;
const USAGE_ERROR = 2;

// A field the text may lack, and the flag that supplies it.
const FLAG_FOR: Record<string, string> = {
  category: '--category "Latest news"',
  published: "--published 2025-03-28T09:00:00Z",
};

export interface ImportOptions {
  input: string;
  out: string;
  category?: string | undefined;
  published?: string | undefined;
  slug?: string | undefined;
  force: boolean;
  stdout: boolean;
  /** Where the report goes. */
  log: (line: string) => void;
  /** Where the article goes with `stdout`. */
  print: (text: string) => void;
}

/** Imports one scraped file; returns the exit code. */
export async function importScrape(options: ImportOptions): Promise<number> {
  const { log } = options;
  let raw: string;
  try {
    raw = await readFile(options.input, "utf8");
  } catch (error) {
    log(`✗ cannot read ${options.input}: ${reason(error)}`);
    return FAILED;
  }
  log(`Importing ${display(options.input)}`);
  const result = cleanScrape(raw, {
    ...(options.category !== undefined ? { category: options.category } : {}),
    ...(options.published !== undefined ? { published: options.published } : {}),
  });
  printReport(result, log);
  if (!result.ok) {
    for (const p of result.problems) log(`✗ ${p.field} ${p.problem}${FLAG_FOR[p.field] ? `: pass ${FLAG_FOR[p.field]}` : ""}`);
    return result.problems.every((p) => p.field in FLAG_FOR) ? USAGE_ERROR : FAILED;
  }

  const slug = options.slug ?? slugify(result.article.title);
  const slugCheck = validateSlug(slug);
  if (!slugCheck.ok) {
    const fix = options.slug === undefined ? ": the title gives no usable file name, so pass --slug my-article" : "";
    for (const p of slugCheck.problems) log(`✗ slug "${slug}" ${p.problem}${fix}`);
    return options.slug === undefined ? FAILED : USAGE_ERROR;
  }

  const published = result.detected.published;
  const comments = published?.from === "inferred" ? [`published was inferred by npm run import: ${published.how}.`] : [];
  const source = formatArticleFile(result.article, comments);
  // The file must read back through the same schema the Worker uses, or it is not written at all.
  const parsed = parseArticleFile(source);
  if (!parsed.ok) {
    log("✗ the imported article does not pass the article schema:");
    for (const p of parsed.problems) log(`  ${p.field} ${p.problem}`);
    return FAILED;
  }

  if (options.stdout) {
    options.print(source);
    return OK;
  }
  const path = join(options.out, `${slug}.md`);
  try {
    await mkdir(options.out, { recursive: true });
    // "wx" fails if the file exists, in the same step as the write, so nothing is overwritten by a race.
    await writeFile(path, source, { encoding: "utf8", flag: options.force ? "w" : "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    log(
      code === "EEXIST"
        ? `✗ ${display(path)} already exists: pass --force to overwrite it`
        : `✗ cannot write ${display(path)}: ${reason(error)}`,
    );
    return FAILED;
  }
  log(`✓ wrote ${display(path)}`);
  log(`  Review it, then publish it with: npm run publish -- ${display(path)}`);
  return OK;
}

/** Prints what the import detected, removed and wants checked. */
export function printReport(report: ScrapeReport, log: (line: string) => void): void {
  const { detected, removed, warnings } = report;
  const image = detected.image;
  const published = detected.published;
  log("\nDetected");
  log(`  title      ${detected.title ?? "(none)"}`);
  log(
    `  category   ${detected.category ? `${detected.category.value} (${detected.category.from === "header" ? 'from the "Category" header' : "given with --category"})` : "(none)"}`,
  );
  log(`  authors    ${detected.authors.length ? detected.authors.join(", ") : "(none)"}`);
  log(`  caption    ${image?.caption ?? "(none)"}`);
  log(`  credit     ${image?.credit ?? "(none)"}`);
  if (image) log(`  alt        ${image.alt}`);
  log(
    `  published  ${published ? `${published.value}: ${published.from === "option" ? "--published " : "inferred as "}${published.how}` : "(not found)"}`,
  );
  if (detected.normalized.length) {
    log("\nNormalized");
    for (const line of detected.normalized) log(`  ${line}`);
  }
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
  const [input, ...extra] = positionals;
  if (input === undefined || extra.length > 0) {
    console.error(
      `${input === undefined ? "Give one scraped text file." : `Give only one file, not ${positionals.length}.`}\n\n${USAGE}`,
    );
    return USAGE_ERROR;
  }
  // With --stdout the article is the output, so the report moves to stderr where it cannot mix in.
  const log = values.stdout ? (line: string) => console.error(line) : (line: string) => console.log(line);
  return importScrape({
    input,
    out: values.out,
    category: values.category,
    published: values.published,
    slug: values.slug,
    force: values.force,
    stdout: values.stdout,
    log,
    print: (text) => process.stdout.write(text),
  });
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
      help: { type: "boolean", short: "h", default: false },
    },
  });
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
