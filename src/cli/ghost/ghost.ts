/**
 * @module cli/ghost/ghost
 * `npm run import -- --from ghost export.json --site URL [--uploads DIR] [--dry-run] [--json]`
 *
 * Reads Ghost's JSON export, versions 2 to 5 (`{"db": [{"meta", "data"}]}`, or `{"meta", "data"}`),
 * and maps each post as the WordPress import does (../wordpress/import.ts sends them): its HTML (or,
 * when no HTML is stored, the text of its Lexical or Mobiledoc document), status, `published_at`,
 * `custom_excerpt`, `feature_image` with its alt and caption (`posts_meta` in Ghost 4 and later),
 * the primary tag as the section and the other public tags as tags (internal `#` tags dropped), and
 * the authors with their bios. Each published post's old `/slug/` answers 301.
 */
import { readFile } from "node:fs/promises";
import * as v from "valibot";
import { LIMITS } from "../../core/limits";
import { validateSlug } from "../../core/schema";
import { checkFrom } from "../../targets/redirects";
import { slugify } from "../scrape/text";
import { convertContent } from "../wordpress/content";
import { emptyReport, type ImportOptions, type ImportReport, postSink, sendAuthors } from "../wordpress/import";
import type { ArticleFields, MappedPost } from "../wordpress/map";

const text = v.optional(v.nullable(v.string()));
const id = v.union([v.string(), v.number()]);
const postSchema = v.looseObject({
  id,
  title: text,
  slug: v.string(),
  html: text,
  mobiledoc: text,
  lexical: text,
  plaintext: text,
  feature_image: text,
  feature_image_alt: text,
  feature_image_caption: text,
  type: text,
  page: v.optional(v.nullable(v.union([v.boolean(), v.number()]))),
  status: v.string(),
  published_at: text,
  updated_at: text,
  created_at: text,
  custom_excerpt: text,
  author_id: v.optional(v.nullable(id)),
});
const exportSchema = v.looseObject({
  meta: v.optional(v.looseObject({ version: v.optional(v.string()) })),
  data: v.looseObject({
    posts: v.optional(v.array(postSchema), []),
    tags: v.optional(v.array(v.looseObject({ id, name: v.string(), slug: text, visibility: text })), []),
    posts_tags: v.optional(
      v.array(v.looseObject({ post_id: id, tag_id: id, sort_order: v.optional(v.nullable(v.number())) })),
      [],
    ),
    users: v.optional(v.array(v.looseObject({ id, name: v.string(), slug: text, bio: text, website: text })), []),
    posts_authors: v.optional(
      v.array(v.looseObject({ post_id: id, author_id: id, sort_order: v.optional(v.nullable(v.number())) })),
      [],
    ),
    posts_meta: v.optional(v.array(v.looseObject({ post_id: id, feature_image_alt: text, feature_image_caption: text })), []),
  }),
});
export type GhostExport = v.InferOutput<typeof exportSchema>;
type GhostPost = v.InferOutput<typeof postSchema>;

/** Ghost's JSON, checked: the first database of a `{"db": [...]}` file, or the file itself. */
export function parseGhostExport(json: unknown): { ok: true; value: GhostExport } | { ok: false; problem: string } {
  const db = typeof json === "object" && json !== null && "db" in json ? (json as { db: unknown }).db : undefined;
  const candidate = Array.isArray(db) ? db[0] : json;
  const parsed = v.safeParse(exportSchema, candidate);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join(".") ?? "";
    return { ok: false, problem: `is not a Ghost export: ${path ? `${path} ` : ""}${issue.message}` };
  }
  return { ok: true, value: parsed.output };
}

/** The text of a Lexical document (Ghost 5): its paragraphs and headings, as Markdown paragraphs. */
export function lexicalText(json: string): string {
  let root: unknown;
  try {
    root = (JSON.parse(json) as { root?: unknown }).root;
  } catch {
    return "";
  }
  const textOf = (node: unknown): string => {
    if (typeof node !== "object" || node === null) return "";
    const n = node as { text?: unknown; children?: unknown; type?: unknown };
    if (typeof n.text === "string") return n.text;
    if (n.type === "linebreak") return "\n";
    return Array.isArray(n.children) ? n.children.map(textOf).join("") : "";
  };
  const blocks = (root as { children?: unknown[] } | undefined)?.children ?? [];
  return blocks
    .map((block) => textOf(block).trim())
    .filter(Boolean)
    .join("\n\n");
}

/** The text of a Mobiledoc document (Ghost 2 to 4): its markup sections' text markers. */
export function mobiledocText(json: string): string {
  let doc: { sections?: unknown[] };
  try {
    doc = JSON.parse(json) as { sections?: unknown[] };
  } catch {
    return "";
  }
  const paragraphs: string[] = [];
  for (const section of doc.sections ?? []) {
    if (!Array.isArray(section)) continue;
    // [1, tag, markers] is a markup section; [3, tag, items] a list, whose items are marker lists.
    const markerLists: unknown[] = section[0] === 1 ? [section[2]] : section[0] === 3 ? ((section[2] as unknown[]) ?? []) : [];
    for (const markers of markerLists) {
      if (!Array.isArray(markers)) continue;
      const line = markers.map((m) => (Array.isArray(m) && typeof m[3] === "string" ? m[3] : "")).join("");
      if (line.trim()) paragraphs.push(line.trim());
    }
  }
  return paragraphs.join("\n\n");
}

/** Ghost's stored URLs name the site as `__GHOST_URL__` (Ghost 4 and later). */
const siteRelative = (url: string) => url.replace(/^__GHOST_URL__/, "");

const escapeMarkdown = (line: string) => line.replace(/[\\`*_[\]#<>|]/g, "\\$&");

const STATES: Record<string, MappedPost["state"] | undefined> = {
  published: "published",
  sent: "published",
  scheduled: "scheduled",
  draft: "draft",
};

/** Every post of an export, mapped; pages and unknown statuses are counted in `report`. */
export function mapGhostPosts(data: GhostExport["data"], report: ImportReport, now: number, oldSite: string): MappedPost[] {
  const tags = new Map(data.tags.map((t) => [String(t.id), t]));
  const users = new Map(data.users.map((u) => [String(u.id), u]));
  const meta = new Map(data.posts_meta.map((m) => [String(m.post_id), m]));
  const byOrder = <T extends { sort_order?: number | null | undefined }>(list: T[]) =>
    [...list].sort((a, b) => (a.sort_order ?? 0) - (b.sort_order ?? 0));
  const postTags = new Map<string, string[]>();
  for (const pt of byOrder(data.posts_tags))
    postTags.set(String(pt.post_id), [...(postTags.get(String(pt.post_id)) ?? []), String(pt.tag_id)]);
  const postAuthors = new Map<string, string[]>();
  for (const pa of byOrder(data.posts_authors))
    postAuthors.set(String(pa.post_id), [...(postAuthors.get(String(pa.post_id)) ?? []), String(pa.author_id)]);

  const mapped: MappedPost[] = [];
  const taken = new Map<string, string>();
  for (const post of data.posts) {
    const isPage = post.type === "page" || post.page === true || post.page === 1;
    if (isPage) {
      report.notImported.page = (report.notImported.page ?? 0) + 1;
      continue;
    }
    report.posts++;
    const state = STATES[post.status];
    if (!state) {
      report.skipped.push({ id: String(post.id), title: post.title ?? "", reason: `status ${post.status}` });
      continue;
    }
    mapped.push(mapGhostPost(post, state, { tags, users, meta, postTags, postAuthors }, taken, now, oldSite));
  }
  return mapped;
}

function mapGhostPost(
  post: GhostPost,
  state: MappedPost["state"],
  refs: {
    tags: Map<string, GhostExport["data"]["tags"][number]>;
    users: Map<string, GhostExport["data"]["users"][number]>;
    meta: Map<string, GhostExport["data"]["posts_meta"][number]>;
    postTags: Map<string, string[]>;
    postAuthors: Map<string, string[]>;
  },
  taken: Map<string, string>,
  now: number,
  oldSite: string,
): MappedPost {
  const notes: string[] = [];
  const sourceId = String(post.id);
  let slug =
    [post.slug, slugify(post.slug), slugify(post.title ?? "")].find((s) => s && validateSlug(s).ok) ?? `post-${sourceId}`;
  if (taken.has(slug) && taken.get(slug) !== sourceId) slug = `${slug.slice(0, 80)}-${sourceId.slice(-12)}`;
  taken.set(slug, sourceId);

  const iso = (value: string | null | undefined) => {
    if (!value) return undefined;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace(/\.000Z$/, "Z");
  };
  const published = iso(post.published_at) ?? iso(post.created_at) ?? new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z");
  const modified = iso(post.updated_at);

  // Internal tags (`#name`, visibility internal) are Ghost's own switches, not topics.
  const publicTags = (refs.postTags.get(sourceId) ?? [])
    .map((tagId) => refs.tags.get(tagId))
    .filter((t): t is NonNullable<typeof t> => t !== undefined && t.visibility !== "internal" && !t.name.startsWith("#"));
  const [primary, ...others] = publicTags;
  const authorIds = refs.postAuthors.get(sourceId) ?? (post.author_id != null ? [String(post.author_id)] : []);
  const authors = authorIds.flatMap((a) => refs.users.get(a)?.name ?? []).slice(0, LIMITS.authors);

  let body: string;
  let dropped: string[] = [];
  if (post.html) {
    const converted = convertContent(post.html.replaceAll("__GHOST_URL__", ""), new Map());
    body = converted.markdown;
    dropped = converted.dropped;
  } else if (post.lexical) body = lexicalText(post.lexical).split("\n\n").map(escapeMarkdown).join("\n\n");
  else if (post.mobiledoc) body = mobiledocText(post.mobiledoc).split("\n\n").map(escapeMarkdown).join("\n\n");
  else body = (post.plaintext ?? "").trim();
  const title = (post.title ?? "").trim() || `Untitled ${sourceId}`;

  const meta = refs.meta.get(sourceId);
  const alt = meta?.feature_image_alt ?? post.feature_image_alt ?? "";
  const caption = (meta?.feature_image_caption ?? post.feature_image_caption ?? "").replace(/<[^>]+>/g, "").trim();
  const fields: ArticleFields = {
    title: title.slice(0, LIMITS.titleLength),
    published,
    ...(modified && Date.parse(modified) > Date.parse(published) ? { updated: modified } : {}),
    category: (primary?.name ?? "Uncategorised").slice(0, LIMITS.categoryLength),
    authors,
    ...(post.custom_excerpt?.trim() ? { summary: post.custom_excerpt.trim().slice(0, LIMITS.summaryLength) } : {}),
    tags: [...new Set(others.map((t) => t.name.slice(0, LIMITS.tagLength)))].slice(0, LIMITS.tags),
    draft: state === "draft",
  };
  const images = [...body.matchAll(/!\[(?:[^\]\\]|\\.)*\]\(<([^>]*)>\)/g)].map((m) => m[1] as string);
  if (post.feature_image) {
    const url = siteRelative(post.feature_image);
    fields.image = {
      url,
      alt: (alt || caption || title).slice(0, LIMITS.altLength),
      ...(caption ? { caption: caption.slice(0, LIMITS.captionLength) } : {}),
    };
    images.push(url);
  }
  const old = checkFrom(`/${post.slug}/`, oldSite);
  return {
    sourceId,
    slug,
    state,
    fields,
    body: body || title,
    images: [...new Set(images)],
    oldPaths: state === "published" && old.ok ? [old.value] : [],
    notes,
    dropped,
  };
}

/** Imports a Ghost export; resolves the report, or a problem with the file. */
export async function importGhost(options: ImportOptions): Promise<ImportReport | { problem: string }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(options.file, "utf8"));
  } catch (error) {
    return { problem: `is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = parseGhostExport(json);
  if (!parsed.ok) return { problem: parsed.problem };
  const report = emptyReport("ghost");
  // Ghost's old URLs are on its own host, which the export does not name: only their paths are kept.
  const posts = mapGhostPosts(parsed.value.data, report, options.now, "https://old.invalid");
  const api = options.api;
  if (api)
    await sendAuthors(
      api,
      parsed.value.data.users.map((u) => ({
        name: u.name,
        ...(u.bio ? { bio: u.bio } : {}),
        ...(u.website && /^https?:\/\//.test(u.website) ? { url: u.website } : {}),
      })),
      options.log,
    );
  // Ghost's post ids are ObjectIds, unique across installs: the source needs no site to qualify it.
  const sink = await postSink({
    api,
    source: "ghost",
    uploads: options.uploads,
    uploadsMarker: "/content/images/",
    report,
    log: options.log,
  });
  let done = 0;
  for (const post of posts) {
    await sink.post(post);
    options.progress?.update(++done, posts.length);
  }
  await sink.finish();
  options.progress?.finish();
  return report;
}
