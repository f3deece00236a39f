/**
 * @module cli/export
 * `npm run export -- --site URL --out DIR [--include-drafts] [--include-trash] [--json]`
 *
 * Writes every article of a site as the project's Markdown file (YAML front matter, then the body),
 * exactly the input its editors last saved, with the images the site stores (`/media/…`) downloaded
 * into `DIR/images/` and referenced by relative paths, so `npm run publish -- DIR` into another site
 * uploads them again (under the same content-hash names) and serves the same pages. The authors,
 * sections and redirects go beside them as `authors.json`, `sections.json` and `redirects.json`.
 * Drafts and scheduled articles are written with --include-drafts; the trash, with --include-trash,
 * into `DIR/trash/`, which publish does not read. The token comes from BROADSHEET_TOKEN.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { dump } from "js-yaml";
import { imageReferences } from "../core/markdown";
import { DEFAULT_SITE } from "./publish";
import { type SiteApi, siteApi } from "./site-api";

const USAGE = `Usage: npm run export -- --site URL --out DIR [--include-drafts] [--include-trash] [--json]

  --site URL         the site (default: ${DEFAULT_SITE})
  --out DIR          the folder to write into
  --include-drafts   drafts and scheduled articles too
  --include-trash    the trash too, into DIR/trash/
  The editor token is read from the BROADSHEET_TOKEN environment variable.`;

/** An image stored on the site: `/media/<32 hex>.<ext>`, whose name is its content's hash. */
const STORED_IMAGE = /^\/media\/[0-9a-f]{32}\.[a-z0-9]{2,5}$/;

export interface ExportReport {
  articles: number;
  byStatus: Record<string, number>;
  images: number;
  authors: number;
  sections: number;
  redirects: number;
  failed: Array<{ slug: string; problem: string }>;
}

/**
 * An article's file from the input its editors saved: the fields in the order the schema lists them,
 * then the body. Lists are written on one line, as editors write them.
 */
export function articleSource(input: Record<string, unknown>): string {
  const { body, ...fields } = input;
  const yaml = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => dump({ [key]: value }, { lineWidth: -1, flowLevel: Array.isArray(value) ? 1 : -1 }))
    .join("");
  // The body exactly as saved: the file ends where it ends, so the input read back is the same.
  return `---\n${yaml}---\n\n${typeof body === "string" ? body : ""}`;
}

/** Replaces every stored image (lead and body) by `local(url)`, a path relative to the file. */
export function withLocalImages(input: Record<string, unknown>, local: (url: string) => string): Record<string, unknown> {
  const out = { ...input };
  const image = out.image as { url?: unknown } | undefined;
  if (image && typeof image.url === "string" && STORED_IMAGE.test(image.url)) out.image = { ...image, url: local(image.url) };
  if (typeof out.body === "string") {
    let body = out.body;
    for (const ref of imageReferences(body)) {
      if (!STORED_IMAGE.test(ref.href)) continue;
      body = body.replace(ref.raw, ref.raw.replace(ref.href, local(ref.href)));
    }
    out.body = body;
  }
  return out;
}

export async function exportSite(
  api: SiteApi,
  options: { out: string; includeDrafts: boolean; includeTrash: boolean; log: (line: string) => void },
): Promise<ExportReport> {
  const report: ExportReport = { articles: 0, byStatus: {}, images: 0, authors: 0, sections: 0, redirects: 0, failed: [] };
  const images = join(options.out, "images");
  await mkdir(images, { recursive: true });
  const downloaded = new Set<string>();
  for (const summary of await api.listArticles()) {
    const wanted =
      summary.status === "published" ||
      (options.includeDrafts && (summary.status === "draft" || summary.status === "scheduled")) ||
      (options.includeTrash && summary.status === "trash");
    if (!wanted) continue;
    try {
      const { article } = await api.getArticle(summary.slug);
      const folder = summary.status === "trash" ? join(options.out, "trash") : options.out;
      const prefix = summary.status === "trash" ? "../images/" : "images/";
      const urls: string[] = [];
      const local = withLocalImages(article, (url) => {
        urls.push(url);
        return `${prefix}${basename(url)}`;
      });
      for (const url of urls) {
        if (downloaded.has(url)) continue;
        await writeFile(join(images, basename(url)), await api.download(url));
        downloaded.add(url);
        report.images++;
      }
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, `${summary.slug}.md`), articleSource(local));
      report.articles++;
      report.byStatus[summary.status] = (report.byStatus[summary.status] ?? 0) + 1;
    } catch (error) {
      report.failed.push({ slug: summary.slug, problem: error instanceof Error ? error.message : String(error) });
      options.log(`✗ ${summary.slug}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const { authors } = await api.listAuthors();
  const { sections } = await api.listSections();
  const redirects: Array<{ from: string; to: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await api.listRedirects(cursor);
    redirects.push(...page.redirects.map(({ from, to }) => ({ from, to })));
    cursor = page.cursor;
  } while (cursor);
  await writeFile(join(options.out, "authors.json"), `${JSON.stringify(authors, null, 2)}\n`);
  await writeFile(join(options.out, "sections.json"), `${JSON.stringify(sections, null, 2)}\n`);
  await writeFile(join(options.out, "redirects.json"), `${JSON.stringify(redirects, null, 2)}\n`);
  report.authors = authors.length;
  report.sections = sections.length;
  report.redirects = redirects.length;
  return report;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      site: { type: "string", default: DEFAULT_SITE },
      out: { type: "string" },
      "include-drafts": { type: "boolean", default: false },
      "include-trash": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || !values.out) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }
  const token = process.env.BROADSHEET_TOKEN;
  if (!token) {
    console.error("BROADSHEET_TOKEN is not set: export the editor token first (see docs/publishing.md).");
    return 2;
  }
  const report = await exportSite(siteApi({ site: values.site, token }), {
    out: values.out,
    includeDrafts: values["include-drafts"],
    includeTrash: values["include-trash"],
    log: (line) => console.error(line),
  });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else
    console.log(
      `${report.articles} articles (${Object.entries(report.byStatus)
        .map(([status, n]) => `${n} ${status}`)
        .join(
          ", ",
        )}), ${report.images} images, ${report.authors} authors, ${report.sections} sections, ${report.redirects} redirects written to ${values.out}${report.failed.length ? `; ${report.failed.length} failed` : ""}`,
    );
  return report.failed.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`export failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
