/**
 * @module cli/wordpress/map
 * One WordPress item as what Broadsheet stores: which posts are imported and in what state, the
 * article file's fields (section, tags, authors, description, lead image), its slug, and the old
 * URLs that redirect to it. Pure: the importer (./import.ts) does the reading, uploading and sending.
 *
 *   publish → published    future → scheduled (published later, not a draft)    draft → draft
 *   pending → draft (until review states exist)    private → draft    trash, auto-draft → skipped
 *   pages, attachments, menu items and everything else → not imported, counted in the report
 */
import { dump } from "js-yaml";
import { LIMITS } from "../../core/limits";
import { validateSlug } from "../../core/schema";
import { checkFrom } from "../../targets/redirects";
import { slugify } from "../scrape/text";
import { type Attachment, convertContent } from "./content";
import type { WxrAuthor, WxrCategory, WxrItem } from "./wxr";

/** What the export says beside its items: authors, categories, attachments. */
export interface WxrContext {
  authors: Map<string, WxrAuthor>;
  categories: Map<string, WxrCategory>;
  attachments: Map<string, Attachment>;
  /** The old site's origin (`wp:base_site_url`, else the channel's link). */
  oldSite: string;
  /** When the import runs (ms): the date of a draft that never had one. */
  now: number;
}

export interface ArticleFields {
  title: string;
  published: string;
  updated?: string;
  category: string;
  authors: string[];
  summary?: string;
  image?: { url: string; alt: string; caption?: string };
  tags: string[];
  draft: boolean;
}

export interface MappedPost {
  sourceId: string;
  slug: string;
  state: "published" | "scheduled" | "draft";
  fields: ArticleFields;
  body: string;
  /** Image URLs the body shows, then the lead image's, for the importer to upload. */
  images: string[];
  /** Old paths on the old site that should answer 301 to the article. */
  oldPaths: string[];
  /** What the editor should know: shortcodes dropped, fields shortened, attachments missing. */
  notes: string[];
  dropped: string[];
}

export type Mapping =
  | { kind: "post"; post: MappedPost }
  | { kind: "skipped"; sourceId: string; title: string; reason: string }
  | { kind: "not-imported"; postType: string };

const STATES: Record<string, MappedPost["state"] | undefined> = {
  publish: "published",
  future: "scheduled",
  draft: "draft",
  pending: "draft",
  private: "draft",
};

/** `2019-03-05 10:00:00` (UTC) as ISO 8601; undefined for WordPress's empty `0000-00-00 00:00:00`. */
export function wpDate(text: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match || match[1] === "0000") return undefined;
  const iso = `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

const plain = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();

/** Shortens to `max` characters on a word boundary, with an ellipsis; says so in `notes`. */
function shorten(text: string, max: number, field: string, notes: string[]): string {
  if (text.length <= max) return text;
  notes.push(`${field} was shortened to ${max} characters`);
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max / 2)).trimEnd()}…`;
}

/** The slug a post gets: its WordPress name when it is a valid slug, else one made from its title, else `post-<id>`. */
export function slugFor(item: WxrItem): string {
  let name = item.postName;
  try {
    name = decodeURIComponent(name);
  } catch {
    // A name that is not valid percent-encoding is used as it is.
  }
  for (const candidate of [name.toLowerCase(), slugify(name), slugify(item.title)]) {
    if (candidate && validateSlug(candidate).ok) return candidate;
  }
  return `post-${item.id}`;
}

/** The old paths of a post: its permalink, `?p=ID`, and the date-based permalinks WordPress answers. */
export function oldPathsOf(item: WxrItem, oldSite: string): string[] {
  const paths = new Set<string>();
  const add = (url: string) => {
    const checked = checkFrom(url, oldSite);
    if (checked.ok && checked.value !== "/") paths.add(checked.value);
  };
  if (item.link) add(item.link);
  if (/[?&]p=\d+/.test(item.guid)) add(`/?p=${item.id}`);
  add(`/?p=${item.id}`);
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(item.postDate);
  if (date && item.postName) {
    add(`/${date[1]}/${date[2]}/${date[3]}/${item.postName}/`);
    add(`/${date[1]}/${date[2]}/${item.postName}/`);
  }
  return [...paths];
}

/** Maps one item; `taken` holds the slugs already given to other source ids in this import. */
export function mapItem(item: WxrItem, context: WxrContext, taken: Map<string, string>): Mapping {
  if (item.postType !== "post") return { kind: "not-imported", postType: item.postType || "unknown" };
  const state = STATES[item.status];
  if (!state) return { kind: "skipped", sourceId: item.id, title: item.title, reason: `status ${item.status || "missing"}` };
  const notes: string[] = [];

  let slug = slugFor(item);
  const owner = taken.get(slug);
  if (owner !== undefined && owner !== item.id) {
    slug = `${slug.slice(0, LIMITS.slugLength - item.id.length - 1)}-${item.id}`;
    notes.push(`slug taken by another post: imported as ${slug}`);
  }
  taken.set(slug, item.id);

  const published =
    wpDate(item.postDateGmt) ?? wpDate(item.postDate) ?? new Date(context.now).toISOString().replace(/\.\d{3}Z$/, "Z");
  const modified = wpDate(item.modifiedGmt);
  const updated = modified && Date.parse(modified) > Date.parse(published) ? modified : undefined;

  // Sections: the primary category where the export names one (Yoast's), else the first.
  const categories = item.terms.filter((t) => t.domain === "category");
  const primaryId = item.meta.get("_yoast_wpseo_primary_category") ?? item.meta.get("rank_math_primary_category");
  const primary = primaryId ? [...context.categories.values()].find((c) => c.id === primaryId)?.nicename : undefined;
  const sectionTerm =
    categories.find((t) => t.nicename === primary) ?? categories.find((t) => t.nicename !== "uncategorized") ?? categories[0];
  const category = shorten(sectionTerm?.name || "Uncategorised", LIMITS.categoryLength, "category", notes);
  const tagNames = [...categories.filter((t) => t !== sectionTerm), ...item.terms.filter((t) => t.domain === "post_tag")]
    .map((t) => t.name)
    .filter((name) => name && name.toLowerCase() !== "uncategorized");
  const tags = [...new Set(tagNames.map((name) => shorten(name, LIMITS.tagLength, `tag "${name}"`, notes)))];
  if (tags.length > LIMITS.tags) notes.push(`${tags.length - LIMITS.tags} tags past the first ${LIMITS.tags} were left out`);

  const author = context.authors.get(item.creator);
  const authors = item.creator ? [shorten(author?.displayName || item.creator, LIMITS.authorLength, "author", notes)] : [];

  const converted = convertContent(item.content, context.attachments);
  for (const id of converted.missingAttachments) notes.push(`gallery image ${id} is not in the export`);
  const summaryText = plain(item.excerpt);

  const fields: ArticleFields = {
    title: shorten(plain(item.title) || `Untitled ${item.id}`, LIMITS.titleLength, "title", notes),
    published,
    ...(updated ? { updated } : {}),
    category,
    authors,
    ...(summaryText ? { summary: shorten(summaryText, LIMITS.summaryLength, "summary", notes) } : {}),
    tags: tags.slice(0, LIMITS.tags),
    draft: state === "draft",
  };
  const images = [...converted.images];
  const thumbnail = item.meta.get("_thumbnail_id");
  if (thumbnail) {
    const lead = context.attachments.get(thumbnail);
    if (lead) {
      const alt = lead.alt || lead.caption || fields.title;
      fields.image = {
        url: lead.url,
        alt: shorten(alt, LIMITS.altLength, "image alt", notes),
        ...(lead.caption ? { caption: shorten(lead.caption, LIMITS.captionLength, "image caption", notes) } : {}),
      };
      images.push(lead.url);
    } else notes.push(`featured image ${thumbnail} is not in the export`);
  }
  const body = converted.markdown || fields.title;
  return {
    kind: "post",
    post: {
      sourceId: item.id,
      slug,
      state,
      fields,
      body,
      images: [...new Set(images)],
      oldPaths: item.status === "publish" ? oldPathsOf(item, context.oldSite) : [],
      notes,
      dropped: converted.dropped,
    },
  };
}

/** An attachment item as an image others refer to by id. */
export function attachmentOf(item: WxrItem): Attachment | undefined {
  if (item.postType !== "attachment" || !item.attachmentUrl) return undefined;
  return {
    id: item.id,
    url: item.attachmentUrl,
    alt: (item.meta.get("_wp_attachment_image_alt") ?? "").trim(),
    caption: plain(item.excerpt),
  };
}

/**
 * The article file: YAML front matter (dumped by js-yaml, lists on one line as editors write them)
 * and the Markdown body, with the WordPress id in a comment line for the editor.
 */
export function articleFile(post: Pick<MappedPost, "fields" | "body" | "sourceId">, source = "wordpress"): string {
  const yaml = Object.entries(post.fields)
    .filter(([key, value]) => value !== undefined && !(key === "draft" && value === false))
    .map(([key, value]) => dump({ [key]: value }, { lineWidth: -1, flowLevel: Array.isArray(value) ? 1 : -1 }))
    .join("");
  return `---\n# imported from ${source} ${post.sourceId}\n${yaml}---\n\n${post.body}\n`;
}
