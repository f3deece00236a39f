/**
 * @module cli/local-images
 * The images an article file shows from the editor's disk: the lead image (`image.url` in the
 * frontmatter) and `![alt](path)` in the body, each path relative to the article file. They are
 * found and checked before anything is sent, uploaded with `POST /api/media`, and written into
 * what is sent as the `/media/<hash>.<ext>` URLs the site answers. The file on disk never changes.
 */
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { imageReferences } from "../core/markdown";
import type { FieldProblem } from "../core/schema";
import { loadFrontmatter, splitFrontmatter } from "../core/source";
import { normalizeAlt } from "../media/alt";

/** One reference to an image on disk. */
export interface LocalImage {
  /** Where it is referenced. */
  where: "lead" | "body";
  /** The path as written in the article. */
  ref: string;
  /** The file, resolved against the article's folder. */
  path: string;
  /** Its alt text: the Markdown image's, or the frontmatter image's. */
  alt: string;
  /** The body image as written, `![…](…)`; empty for the lead. */
  raw: string;
}

const SCHEME = /^[a-z][a-z\d+.-]*:/i;

/**
 * Whether an image reference is a path on the editor's disk: not a URL with a scheme, not a path
 * on the site (`/…`, which includes `//host/…`), not a fragment.
 * @example isLocalPath("images/heron.jpg") // true
 * @example isLocalPath("/media/0123456789abcdef0123456789abcdef.jpg") // false
 * @example isLocalPath("https://images.example/heron.jpg") // false
 */
export function isLocalPath(ref: string): boolean {
  return ref.trim() !== "" && !ref.startsWith("/") && !ref.startsWith("#") && !SCHEME.test(ref);
}

/**
 * The local images of the article at `articlePath`, each checked: the file exists, and the image
 * has alt text (an upload needs it). A frontmatter that does not parse has no lead to find here;
 * validating the file reports it.
 */
export async function findLocalImages(
  articlePath: string,
  source: string,
): Promise<{ images: LocalImage[]; problems: FieldProblem[] }> {
  const split = splitFrontmatter(source);
  const folder = dirname(articlePath);
  const images: LocalImage[] = [];
  const lead = leadImage(split?.yaml ?? "");
  if (lead && isLocalPath(lead.url)) {
    images.push({ where: "lead", ref: lead.url, path: resolve(folder, fromUrlPath(lead.url)), alt: lead.alt, raw: "" });
  }
  for (const image of imageReferences(split?.body ?? source)) {
    if (!isLocalPath(image.href)) continue;
    images.push({
      where: "body",
      ref: image.href,
      path: resolve(folder, fromUrlPath(image.href)),
      // As the upload will read it (media/alt.ts), so all-whitespace alt text is found missing here.
      alt: normalizeAlt(image.alt),
      raw: image.raw,
    });
  }

  const problems: FieldProblem[] = [];
  for (const image of images) {
    const field = image.where === "lead" ? "image" : "body";
    if (image.alt === "") {
      problems.push({
        field,
        problem:
          image.where === "lead"
            ? `has no alt text for ${image.ref}: describe it in image.alt`
            : `image ${image.ref} has no alt text: describe it, as in ![A heron fishing](${image.ref})`,
      });
    }
    if (!(await isFile(image.path))) {
      problems.push({ field, problem: `image ${image.ref} is not a file (looked for ${image.path})` });
    }
  }
  return { images, problems };
}

/**
 * The source with each local image's reference replaced by `urlFor(image)`: the lead's
 * `image.url` value in the frontmatter, and each body image's destination, in order. Everything
 * else is left byte for byte. A reference that cannot be found as written is a problem.
 * @example rewriteImages(source, images, (image) => uploaded.get(image.path) ?? "")
 */
export function rewriteImages(
  source: string,
  images: readonly LocalImage[],
  urlFor: (image: LocalImage) => string,
): { ok: true; source: string } | { ok: false; problems: FieldProblem[] } {
  const split = splitFrontmatter(source);
  let frontmatter = split?.header ?? "";
  let body = split?.body ?? source;
  const problems: FieldProblem[] = [];

  for (const image of images.filter((i) => i.where === "lead")) {
    // The value of `url:` as written, plain or quoted, in block or flow style.
    const value = new RegExp(`(\\burl[ \\t]*:[ \\t]*)(["']?)${escapeRegExp(image.ref)}\\2(?=[ \\t]*(?:[,}#\\r\\n]|$))`, "g");
    const matches = frontmatter.match(value)?.length ?? 0;
    if (matches !== 1) {
      problems.push({ field: "image.url", problem: `${image.ref} cannot be replaced: write it as url: ${image.ref}` });
      continue;
    }
    frontmatter = frontmatter.replace(value, (_, key: string, quote: string) => `${key}${quote}${urlFor(image)}${quote}`);
  }

  // Body images in document order: each is looked for after the one before, so a repeat written
  // the same way is replaced where it stands.
  let rewritten = "";
  let cursor = 0;
  for (const image of images.filter((i) => i.where === "body")) {
    const at = body.indexOf(image.raw, cursor);
    const destination = lastMatch(image.raw, new RegExp(`\\]\\([ \\t]*<?(${escapeRegExp(image.ref)})`, "g"));
    if (at < 0 || destination === undefined) {
      problems.push({ field: "body", problem: `image ${image.ref} cannot be replaced: write it as ![alt](${image.ref})` });
      continue;
    }
    const replaced = `${image.raw.slice(0, destination)}${urlFor(image)}${image.raw.slice(destination + image.ref.length)}`;
    rewritten += body.slice(cursor, at) + replaced;
    cursor = at + image.raw.length;
  }
  body = rewritten + body.slice(cursor);
  return problems.length ? { ok: false, problems } : { ok: true, source: frontmatter + body };
}

/** The lead image's url and alt, as the YAML says, if it loads as an article's does and has them. */
function leadImage(yaml: string): { url: string; alt: string } | undefined {
  let fields: unknown;
  try {
    fields = loadFrontmatter(yaml);
  } catch {
    return undefined;
  }
  const image = fields && typeof fields === "object" && "image" in fields ? fields.image : undefined;
  if (!image || typeof image !== "object" || !("url" in image) || typeof image.url !== "string") return undefined;
  const alt = "alt" in image && typeof image.alt === "string" ? image.alt.trim() : "";
  return { url: image.url.trim(), alt };
}

/** A URL path as a file path: `my%20photo.jpg` is `my photo.jpg` on disk. */
function fromUrlPath(ref: string): string {
  try {
    return decodeURI(ref);
  } catch {
    return ref;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Where group 1 of the last match of `pattern` (global) starts in `text`. */
function lastMatch(text: string, pattern: RegExp): number | undefined {
  let found: number | undefined;
  for (const match of text.matchAll(pattern)) found = (match.index ?? 0) + match[0].length - (match[1]?.length ?? 0);
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
