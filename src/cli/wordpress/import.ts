/**
 * @module cli/wordpress/import
 * `npm run import -- --from wordpress export.xml [--uploads DIR] --site URL [--dry-run] [--json]`
 *
 * Two streaming passes over the export (./wxr.ts): the first collects what posts refer to (authors,
 * categories, attachments), the second maps each post (./map.ts), uploads its images from
 * `--uploads` (a copy of wp-content/uploads), sends it through the editors' API, and stores its old
 * URLs as redirects. Idempotent and resumable: the site records which article each post became
 * (its source id, newsroom/api-imports.ts), so a rerun from any machine finds it even after a
 * rename; a post it has not recorded gets the slug that follows from its WordPress name and id. An
 * article whose content is already live is skipped, and a changed one is replaced only at the
 * version listed when the run began, so a rerun updates what changed and creates nothing twice.
 */
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename, join, normalize, sep } from "node:path";
import { type FieldProblem, validateSlug } from "../../core/schema";
import { parseArticleFile } from "../../core/source";
import { taxonomySlug } from "../../core/taxonomy";
import { contentVersion } from "../../editorial/article";
import { articlePath } from "../../targets/document-name";
import type { Progress } from "../progress";
import { ApiFailure, type SiteApi } from "../site-api";
import type { Attachment } from "./content";
import { articleFile, attachmentOf, type MappedPost, mapItem, type WxrContext } from "./map";
import { readWxr, type WxrAuthor, type WxrCategory } from "./wxr";

/** What an import is run with: the export, the images, the site (none for a dry run), the clock and the log. */
export interface ImportOptions {
  file: string;
  uploads?: string | undefined;
  /** The site's API; undefined for a dry run, which checks everything and sends nothing. */
  api?: SiteApi | undefined;
  now: number;
  progress?: Progress;
  log: (line: string) => void;
}

export interface ImportReport {
  source: "wordpress" | "ghost";
  posts: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Valid, not sent: a dry run. */
  checked: number;
  skipped: Array<{ id: string; title: string; reason: string }>;
  failed: Array<{ id: string; slug: string; problems: FieldProblem[] }>;
  /** Items that are not posts (pages, attachments, menu items…), by type. */
  notImported: Record<string, number>;
  comments: number;
  imagesUploaded: number;
  imagesMissing: Array<{ id: string; url: string; reason: string }>;
  /** Shortcodes removed, by name, with how many posts had them. */
  shortcodesDropped: Record<string, number>;
  redirects: number;
  redirectsRefused: Array<{ from: string; problem: string }>;
  /** Each imported post: its source id and its slug here. */
  articles: Array<{ id: string; slug: string; state: string; notes: string[] }>;
}

export const emptyReport = (source: ImportReport["source"]): ImportReport => ({
  source,
  posts: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  checked: 0,
  skipped: [],
  failed: [],
  notImported: {},
  comments: 0,
  imagesUploaded: 0,
  imagesMissing: [],
  shortcodesDropped: {},
  redirects: 0,
  redirectsRefused: [],
  articles: [],
});

/** Redirects sent a request: the API's limit. */
const REDIRECT_BATCH = 1000;

/** Imports a WordPress export; resolves the report. Throws a WxrError for XML it cannot read. */
export async function importWordPress(options: ImportOptions): Promise<ImportReport> {
  const report = emptyReport("wordpress");
  // Pass 1: what posts refer to.
  const authors = new Map<string, WxrAuthor>();
  const categories = new Map<string, WxrCategory>();
  const attachments = new Map<string, Attachment>();
  let oldSite = "";
  let total = 0;
  await readWxr(createReadStream(options.file), {
    site: (site) => {
      oldSite = site.baseSiteUrl || site.link;
    },
    author: (author) => authors.set(author.login, author),
    category: (category) => categories.set(category.nicename, category),
    item: (item) => {
      const attachment = attachmentOf(item);
      if (attachment) attachments.set(attachment.id, attachment);
      if (item.postType === "post") total++;
    },
  });
  if (!URL.canParse(oldSite)) oldSite = "https://old.invalid";
  const context: WxrContext = { authors, categories, attachments, oldSite, now: options.now };

  const api = options.api;
  if (api)
    await sendAuthors(
      api,
      [...authors.values()].map((a) => ({ name: a.displayName })),
      options.log,
    );
  const sink = await postSink({
    api,
    source: `wordpress ${oldSite}`,
    uploads: options.uploads,
    uploadsMarker: WP_UPLOADS,
    report,
    log: options.log,
  });
  const taken = new Map<string, string>();

  // Pass 2: the posts.
  let done = 0;
  await readWxr(createReadStream(options.file), {
    item: async (item) => {
      report.comments += item.comments;
      const mapped = mapItem(item, context, taken);
      if (mapped.kind === "not-imported") {
        report.notImported[mapped.postType] = (report.notImported[mapped.postType] ?? 0) + 1;
        return;
      }
      report.posts++;
      if (mapped.kind === "skipped") report.skipped.push({ id: mapped.sourceId, title: mapped.title, reason: mapped.reason });
      else await sink.post(mapped.post);
      options.progress?.update(++done, total);
    },
  });
  await sink.finish();
  options.progress?.finish();
  return report;
}

/** Where WordPress keeps uploads, in their URLs. */
const WP_UPLOADS = "/wp-content/uploads/";

/**
 * What every source's import does with a mapped post: upload its images, send it, and store its old
 * URLs as redirects (in requests of 1,000, the last at `finish`).
 */
export async function postSink(options: {
  api: SiteApi | undefined;
  /** The export the posts come from, as the site records it: `wordpress https://old.example`, `ghost`. */
  source: string;
  uploads: string | undefined;
  /** The part of an image URL after which its path under `uploads` starts. */
  uploadsMarker: string;
  report: ImportReport;
  log: (line: string) => void;
}) {
  const { api, report } = options;
  const live = new Map((api ? await api.listArticles() : []).map((a) => [a.slug, a.version]));
  // The articles earlier runs made of these posts, under their slugs today (a rename since included).
  const known = new Map((api ? await api.listImports(options.source) : []).map((p) => [p.id, p.slug]));
  const uploaded = new Map<string, Promise<string | undefined>>();
  let redirects: Array<{ from: string; to: string }> = [];
  let sources: Array<{ id: string; slug: string }> = [];
  const flushSources = async () => {
    const batch = sources;
    sources = [];
    if (!api || batch.length === 0) return;
    try {
      await api.putImports(options.source, batch);
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      // Not fatal: a rerun finds these articles by their slugs, and records them then.
      options.log(`! recording which article ${batch.length} posts became failed: ${error.message}`);
    }
  };
  const flushRedirects = async () => {
    await flushSources();
    const batch = redirects;
    redirects = [];
    if (!api || batch.length === 0) return;
    try {
      const stored = await api.putRedirects(batch);
      report.redirects += stored.redirects.length;
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      for (const d of error.details) {
        const at = /^\[(\d+)\]/.exec(d.field);
        report.redirectsRefused.push({ from: at ? (batch[Number(at[1])]?.from ?? "") : "", problem: d.problem });
      }
    }
  };
  return {
    async post(post: MappedPost): Promise<void> {
      for (const name of post.dropped) report.shortcodesDropped[name] = (report.shortcodesDropped[name] ?? 0) + 1;
      await withImages(post, options.uploads, options.uploadsMarker, api, uploaded, report);
      const recorded = known.get(post.sourceId);
      if (recorded) post.slug = recorded;
      if (!(await sendPost(post, api, live, report, options.log))) return;
      if (recorded !== post.slug) sources.push({ id: post.sourceId, slug: post.slug });
      for (const from of post.oldPaths) redirects.push({ from, to: articlePath(post.slug) });
      if (redirects.length >= REDIRECT_BATCH || sources.length >= REDIRECT_BATCH) await flushRedirects();
    },
    finish: flushRedirects,
  };
}

/** Authors' profiles, so each byline links to a page with the name WordPress showed. */
export async function sendAuthors(
  api: SiteApi,
  authors: Array<{ name: string; bio?: string; url?: string }>,
  log: (line: string) => void,
): Promise<void> {
  const existing = new Set((await api.listAuthors()).authors.map((a) => a.slug));
  for (const author of authors) {
    const slug = taxonomySlug(author.name);
    if (!slug || existing.has(slug)) continue;
    try {
      await api.putAuthor(slug, author);
    } catch (error) {
      log(`! author ${author.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * Uploads each image of a post from `uploads` (by its path under wp-content/uploads/) and points the
 * post at its new URL. An image that is not there keeps its old URL and is reported.
 */
async function withImages(
  post: MappedPost,
  uploads: string | undefined,
  marker: string,
  api: SiteApi | undefined,
  uploaded: Map<string, Promise<string | undefined>>,
  report: ImportReport,
): Promise<void> {
  for (const url of post.images) {
    const local = uploads ? localUpload(uploads, url, marker) : undefined;
    if (!local) {
      report.imagesMissing.push({
        id: post.sourceId,
        url,
        reason: uploads ? `is not under ${marker}` : "not uploaded: no --uploads folder given",
      });
      continue;
    }
    let found = uploaded.get(url);
    if (!found) {
      found = (async () => {
        const bytes = await readFile(local).catch(() => undefined);
        if (!bytes) return undefined;
        if (!api) return url;
        const alt = post.fields.image?.url === url ? post.fields.image.alt : `Image from ${post.fields.title}`;
        const stored = await api.uploadMedia(new Uint8Array(bytes), basename(local), alt.slice(0, 300));
        report.imagesUploaded++;
        return stored.url;
      })();
      uploaded.set(url, found);
    }
    let replacement: string | undefined;
    try {
      replacement = await found;
    } catch (error) {
      report.imagesMissing.push({
        id: post.sourceId,
        url,
        reason: `upload failed: ${error instanceof Error ? error.message : String(error)}`,
      });
      continue;
    }
    if (replacement === undefined) {
      report.imagesMissing.push({ id: post.sourceId, url, reason: `is not in ${uploads}` });
      continue;
    }
    post.body = post.body.split(`](<${url}>)`).join(`](<${replacement}>)`);
    if (post.fields.image?.url === url) post.fields.image.url = replacement;
  }
}

/** The file under `uploads` an uploads URL stands for, never outside it. */
export function localUpload(uploads: string, url: string, marker = WP_UPLOADS): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url, "https://old.invalid").pathname);
  } catch {
    return undefined;
  }
  const at = path.indexOf(marker);
  if (at < 0) return undefined;
  const relative = normalize(path.slice(at + marker.length));
  if (relative.startsWith("..") || relative.includes(`${sep}..${sep}`) || relative.startsWith(sep)) return undefined;
  return join(uploads, relative);
}

async function sendPost(
  post: MappedPost,
  api: SiteApi | undefined,
  live: Map<string, string>,
  report: ImportReport,
  log: (line: string) => void,
): Promise<boolean> {
  const fail = (problems: FieldProblem[]) => {
    report.failed.push({ id: post.sourceId, slug: post.slug, problems });
    log(`✗ ${post.sourceId} ${post.slug}: ${problems.map((p) => `${p.field} ${p.problem}`).join("; ")}`);
    return false;
  };
  const slugCheck = validateSlug(post.slug);
  if (!slugCheck.ok) return fail(slugCheck.problems);
  const source = articleFile(post);
  const parsed = parseArticleFile(source);
  if (!parsed.ok) return fail(parsed.problems);
  report.articles.push({ id: post.sourceId, slug: post.slug, state: post.state, notes: post.notes });
  if (!api) {
    report.checked++;
    return true;
  }
  const version = await contentVersion(parsed.value);
  const had = live.get(post.slug);
  if (had === version) {
    report.unchanged++;
    return true;
  }
  try {
    const saved = await api.putArticle(post.slug, source, had);
    live.set(post.slug, saved.version);
    if (saved.unchanged) report.unchanged++;
    else if (had === undefined) report.created++;
    else report.updated++;
    return true;
  } catch (error) {
    if (!(error instanceof ApiFailure)) throw error;
    return fail(error.details.length ? error.details : [{ field: "request", problem: error.message }]);
  }
}

/** Whether a path is a readable file. */
export const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );

/** The report as text, for the terminal. */
export function reportText(report: ImportReport, dryRun: boolean): string[] {
  const lines: string[] = [];
  const sent = dryRun
    ? `${report.checked} valid (dry run: nothing sent)`
    : `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged`;
  lines.push(`\n${report.posts} posts: ${sent}, ${report.skipped.length} skipped, ${report.failed.length} failed`);
  const others = Object.entries(report.notImported);
  if (others.length || report.comments)
    lines.push(
      `Not imported: ${[...others.map(([type, n]) => `${n} ${type}`), ...(report.comments ? [`${report.comments} comments`] : [])].join(", ")}`,
    );
  for (const s of report.skipped) lines.push(`  - skipped ${s.id} "${s.title}": ${s.reason}`);
  for (const f of report.failed)
    lines.push(`  ✗ ${f.id} ${f.slug}: ${f.problems.map((p) => `${p.field} ${p.problem}`).join("; ")}`);
  lines.push(`Images: ${report.imagesUploaded} uploaded, ${report.imagesMissing.length} missing`);
  for (const m of report.imagesMissing.slice(0, 50)) lines.push(`  ! post ${m.id}: ${m.url} ${m.reason}`);
  if (report.imagesMissing.length > 50) lines.push(`  … and ${report.imagesMissing.length - 50} more (see --json)`);
  const dropped = Object.entries(report.shortcodesDropped);
  if (dropped.length) lines.push(`Shortcodes removed: ${dropped.map(([name, n]) => `[${name}] in ${n} posts`).join(", ")}`);
  for (const a of report.articles) for (const note of a.notes) lines.push(`  ! ${a.id} ${a.slug}: ${note}`);
  if (!dryRun) lines.push(`Redirects: ${report.redirects} stored, ${report.redirectsRefused.length} refused`);
  for (const r of report.redirectsRefused.slice(0, 20)) lines.push(`  ✗ ${r.from}: ${r.problem}`);
  return lines;
}
