/**
 * @module cli/publish
 * `npm run publish -- [paths...] [--site URL] [--dry-run]`
 *
 * Validates every article file first, with the Worker's own schema, then sends the valid ones to a
 * site's editors' API. Images an article shows from disk (its lead `image.url` and `![alt](path)`
 * in its body, relative to the file) are uploaded first, and what is sent points at their URLs on
 * the site (cli/local-images.ts); the file itself is not changed. Articles whose content is
 * already live are skipped, so re-running is safe.
 * The token comes from BROADSHEET_TOKEN, never from an argument, so it stays out of shell history.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { describeProblems, type FieldProblem, validateSlug } from "../core/schema";
import { parseArticleFile } from "../core/source";
import { contentVersion } from "../editorial/article";
import { findLocalImages, type LocalImage, rewriteImages } from "./local-images";

export const DEFAULT_SITE = "http://localhost:8787";
const USAGE = `Usage: npm run publish -- [paths...] [--site URL] [--dry-run]

  paths       article files or folders (default: articles/)
  --site URL  the site to publish to (default: ${DEFAULT_SITE})
  --dry-run   validate only; send nothing
  The editor token is read from the BROADSHEET_TOKEN environment variable.`;

export interface ArticleFile {
  path: string;
  slug: string;
  /** The file as it is on disk. */
  source: string;
  /** The images it shows from disk, uploaded before it is sent. */
  images: LocalImage[];
}

/**
 * Where a local image is while a file is validated, before it is uploaded: a URL of the form the
 * site will answer, so the file is judged as it will be sent.
 */
const PLACEHOLDER_IMAGE_URL = `/media/${"0".repeat(32)}.png`;

export interface PublishOptions {
  paths: string[];
  site: string;
  token: string | undefined;
  dryRun: boolean;
  log: (line: string) => void;
}

export interface PublishSummary {
  invalid: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

/** Finds article files: each path is a `.md` file or a folder of them. */
export async function findArticleFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      const names = (await readdir(path)).filter((name) => extname(name) === ".md").sort();
      files.push(...names.map((name) => join(path, name)));
    } else {
      files.push(path);
    }
  }
  return files;
}

/**
 * Reads and validates one file; the slug is its name. Each image it shows from disk must exist and
 * have alt text.
 */
export async function checkFile(
  path: string,
): Promise<{ ok: true; file: ArticleFile } | { ok: false; problems: FieldProblem[] }> {
  const slug = basename(path, extname(path));
  const slugCheck = validateSlug(slug);
  if (!slugCheck.ok) return { ok: false, problems: slugCheck.problems.map((p) => ({ field: "file name", problem: p.problem })) };
  const source = await readFile(path, "utf8");
  const local = await findLocalImages(path, source);
  const placed = rewriteImages(source, local.images, () => PLACEHOLDER_IMAGE_URL);
  const parsed = placed.ok ? parseArticleFile(placed.source) : placed;
  const problems = [...local.problems, ...(parsed.ok ? [] : parsed.problems)];
  if (problems.length) return { ok: false, problems };
  return { ok: true, file: { path, slug, source, images: local.images } };
}

export async function publish(options: PublishOptions): Promise<PublishSummary> {
  const { log } = options;
  const summary: PublishSummary = { invalid: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };
  const valid: ArticleFile[] = [];
  for (const path of await findArticleFiles(options.paths)) {
    const checked = await checkFile(path);
    if (checked.ok) {
      valid.push(checked.file);
      if (options.dryRun) log(`✓ ${display(path)}: valid`);
    } else {
      summary.invalid++;
      for (const p of checked.problems) log(`✗ ${display(path)}: ${p.field ? `${p.field} ` : ""}${p.problem}`);
    }
  }
  if (options.dryRun || valid.length === 0) return summary;

  const api = new URL("/api/articles", options.site).toString();
  assertSafeSite(new URL(options.site));
  const headers = { Authorization: `Bearer ${options.token}` };
  const listing = await fetch(api, { headers });
  if (!listing.ok) throw new Error(`${api} answered ${listing.status}: ${await errorText(listing)}`);
  const live = new Map(
    ((await listing.json()) as { articles: Array<{ slug: string; version: string }> }).articles.map((a) => [a.slug, a.version]),
  );

  const media = new URL("/api/media", options.site).toString();
  // By file: an image shown twice, or by two articles, is uploaded once.
  const uploads = new Map<string, Promise<string>>();
  const upload = (image: LocalImage): Promise<string> => {
    let url = uploads.get(image.path);
    if (!url) {
      url = uploadImage(media, headers, image, log);
      uploads.set(image.path, url);
    }
    return url;
  };

  for (const file of valid) {
    let outgoing: { source: string; version: string };
    try {
      outgoing = await withUploadedImages(file, upload);
    } catch (error) {
      summary.failed++;
      log(`✗ ${display(file.path)}: ${error instanceof Error ? error.message : String(error)}; nothing sent`);
      continue;
    }
    if (live.get(file.slug) === outgoing.version) {
      summary.unchanged++;
      log(`= ${display(file.path)}: unchanged, skipped`);
      continue;
    }
    // Replace only the version listed a moment ago (or create only if there was none), so an edit
    // someone makes in between is reported as a conflict instead of being overwritten.
    const liveVersion = live.get(file.slug);
    const precondition: Record<string, string> = liveVersion ? { "If-Match": `"${liveVersion}"` } : { "If-None-Match": "*" };
    const response = await fetch(`${api}/${file.slug}`, {
      method: "PUT",
      headers: { ...headers, ...precondition, "Content-Type": "text/markdown; charset=utf-8" },
      body: outgoing.source,
    });
    if (!response.ok) {
      summary.failed++;
      log(`✗ ${display(file.path)}: ${response.status} ${await errorText(response)}`);
      continue;
    }
    const result = (await response.json()) as { url: string; created?: boolean; unchanged?: boolean; warnings: string[] };
    if (result.unchanged) summary.unchanged++;
    else if (result.created) summary.created++;
    else summary.updated++;
    log(
      `${result.created ? "+" : "↑"} ${display(file.path)}: ${result.unchanged ? "unchanged" : result.created ? "created" : "updated"} ${result.url}`,
    );
    for (const warning of result.warnings) log(`  ! ${warning}`);
  }
  return summary;
}

/**
 * What is sent for a file, and its version: the file with each image from disk uploaded (by
 * `upload`) and referenced by its URL on the site. A file without such images is sent as it is.
 */
async function withUploadedImages(
  file: ArticleFile,
  upload: (image: LocalImage) => Promise<string>,
): Promise<{ source: string; version: string }> {
  const urls = new Map<LocalImage, string>();
  for (const image of file.images) urls.set(image, await upload(image));
  const rewritten = rewriteImages(file.source, file.images, (image) => urls.get(image) ?? "");
  if (!rewritten.ok) throw new Error(describeProblems(rewritten.problems));
  const parsed = parseArticleFile(rewritten.source);
  if (!parsed.ok) throw new Error(describeProblems(parsed.problems));
  return { source: rewritten.source, version: await contentVersion(parsed.value) };
}

/** Uploads one image with `POST /api/media` (multipart: file and alt) and answers its URL on the site. */
async function uploadImage(
  media: string,
  headers: Record<string, string>,
  image: LocalImage,
  log: (line: string) => void,
): Promise<string> {
  const form = new FormData();
  form.set("file", new File([await readFile(image.path)], basename(image.path)));
  form.set("alt", image.alt);
  const response = await fetch(media, { method: "POST", headers, body: form });
  if (!response.ok) throw new Error(`image ${image.ref}: ${response.status} ${await errorText(response)}`);
  const { url } = (await response.json()) as { url: string };
  const created = response.status === 201;
  log(`${created ? "+" : "="} ${display(image.path)}: ${created ? "uploaded as" : "already stored as"} ${url}`);
  return url;
}

/** The token must not cross the network in clear text: plain http is for this machine only. */
export function assertSafeSite(site: URL): void {
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(site.hostname);
  if (site.protocol !== "https:" && !(site.protocol === "http:" && local)) {
    throw new Error(
      `--site ${site.origin} would send the editor token unencrypted: use https:// (plain http only for localhost)`,
    );
  }
}

function display(path: string): string {
  return relative(process.cwd(), path) || path;
}

async function errorText(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error: string; details?: FieldProblem[] };
    const details = (body.details ?? []).map((d) => `${d.field} ${d.problem}`.trim()).join("; ");
    return details ? `${body.error}: ${details}` : body.error;
  } catch {
    return text.slice(0, 200);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      site: { type: "string", default: DEFAULT_SITE },
      "dry-run": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const token = process.env.BROADSHEET_TOKEN;
  if (!values["dry-run"] && !token) {
    console.error("BROADSHEET_TOKEN is not set: export the editor token first (see docs/publishing.md).");
    return 2;
  }
  const summary = await publish({
    paths: positionals.length ? positionals : ["articles"],
    site: values.site,
    token,
    dryRun: values["dry-run"],
    log: (line) => console.log(line),
  });
  const sent = summary.created + summary.updated;
  console.log(
    values["dry-run"]
      ? `\n${summary.invalid ? `${summary.invalid} invalid` : "all valid"}; nothing sent (dry run)`
      : `\n${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.invalid} invalid, ${summary.failed} failed (${sent} sent to ${values.site})`,
  );
  return summary.invalid || summary.failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`publish failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
