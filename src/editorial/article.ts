/**
 * @module editorial/article
 * Turns a validated article into the record that is stored: Markdown rendered and sanitized once,
 * summary and reading time derived, and a version that changes exactly when the content does.
 */

import type { Site } from "../core/config";
import { sha256Hex } from "../core/digest";
import { type ImageSizes, renderBody, shorten } from "../core/markdown";
import { type ArticleInput, type ListEntry, type StoredArticle, slugSchema, type Validated, validate } from "../core/schema";
import { atomItem } from "../feeds/atom";
import { jsonFeedItem } from "../feeds/json-feed";
import { feedItemModel, lastChange } from "../feeds/model";
import { rssItem } from "../feeds/rss";

/**
 * Bump when the stored HTML would come out differently for the same input: a change to Markdown
 * rendering, sanitizing, summaries or reading time. (2: body images uploaded here got their size,
 * srcset and sizes.)
 */
export const PIPELINE_VERSION = 2;

export interface BuiltArticle {
  article: StoredArticle;
  /** What lists show of it, fitted to KV's metadata limit. */
  entry: ListEntry;
  /** Its feed items, rendered once here rather than on every feed request. */
  feedItems: { rss: string; atom: string; json: string };
  /** Things an editor should know that are not errors. */
  warnings: string[];
}

/** Checks a slug with the same rules the schema applies everywhere. */
export function validateSlug(slug: string): Validated<string> {
  const result = validate(slugSchema, slug);
  return result.ok ? result : { ok: false, problems: result.problems.map((p) => ({ ...p, field: "slug" })) };
}

export interface BuildContext {
  site: Site;
  /** Decides whether the article is scheduled. */
  now: number;
  /** The id feeds give the article, fixed when it was created. */
  feedId: string;
  /** The slugs of its section, tags and authors, from the editorial database. */
  links?: ArticleLinks;
  /**
   * The sizes of the images uploaded here that the article shows (the lead image and the body's),
   * by URL as written, read from R2 when it is saved (content/publishing.ts).
   */
  imageSizes?: ImageSizes;
  /**
   * Its corrections and clarifications, carried over from the stored record: they are records of
   * their own (editorial/corrections.ts), which a save of the article's text never changes.
   */
  corrections?: Pick<StoredArticle, "corrections" | "correctedAt">;
}

export type ArticleLinks = NonNullable<StoredArticle["links"]>;

/**
 * Builds everything stored for an article: the rendered record, its list entry and its feed items.
 * A body that is over a limit (content/limits.ts) is refused with the problem, never rendered.
 */
export async function buildArticle(slug: string, input: ArticleInput, context: BuildContext): Promise<Validated<BuiltArticle>> {
  const { now } = context;
  // One pass: the Markdown is lexed once for the HTML, the summary and the reading time.
  const rendered = renderBody(input.body, context.imageSizes);
  if (!rendered.ok) return rendered;
  const { html } = rendered;
  const warnings: string[] = [];
  if (!input.summary) warnings.push("summary: none given, so the first paragraph is used");
  if (input.draft) warnings.push("draft: stored, but not public until draft is false");
  else if (Date.parse(input.published) > now)
    warnings.push(`published: in the future, so the article goes live at ${input.published}`);
  if (input.image && !input.image.url) warnings.push("image: no url, so only the caption and credit are shown");
  if (html.trim() === "") warnings.push("body: nothing is left after sanitizing");
  const leadSize = input.image?.url ? context.imageSizes?.get(input.image.url) : undefined;

  const article: StoredArticle = {
    slug,
    title: input.title,
    published: input.published,
    ...(input.updated ? { updated: input.updated } : {}),
    category: input.category,
    authors: input.authors,
    // A body with no paragraph of text (only images or headings) falls back to the title.
    summary: input.summary ?? (rendered.summary || input.title),
    ...(input.summary ? {} : { summaryDerived: true }),
    ...(input.image ? { image: { ...input.image, ...leadSize } } : {}),
    tags: input.tags,
    ...(context.links ? { links: context.links } : {}),
    draft: input.draft,
    // Coverage starts when the article is published unless the editor says otherwise.
    ...(input.live
      ? { live: { start: input.live.start ?? input.published, ...(input.live.end ? { end: input.live.end } : {}) } }
      : {}),
    markdown: input.body,
    html,
    readingMinutes: rendered.readingMinutes,
    version: await contentVersion(input),
    ...(context.corrections?.corrections?.length ? { corrections: context.corrections.corrections } : {}),
    ...(context.corrections?.correctedAt ? { correctedAt: context.corrections.correctedAt } : {}),
  };
  return {
    ok: true,
    value: { article, entry: listEntry(article), feedItems: feedItemsOf(context.site, article, context.feedId), warnings },
  };
}

/** An article's feed items in every format, rendered once: at a save, or when its corrections change. */
export function feedItemsOf(site: Site, article: StoredArticle, feedId: string): BuiltArticle["feedItems"] {
  const item = feedItemModel(site, article, feedId);
  return { rss: rssItem(item), atom: atomItem(item), json: jsonFeedItem(item) };
}

/** An article's feed items and list entry, pre-rendered as stored. */
export interface ArticleFragments {
  modifiedAt: number;
  rssItem: string;
  atomItem: string;
  jsonItem: string;
  entry: ListEntry;
}

/**
 * A live article's feed items and list entry as of its newest update at `at` (ms), or its own last
 * change if that is later: so the home page and feeds show it as updated (editorial/live.ts).
 */
export function fragmentsAt(site: Site, article: StoredArticle, feedId: string, at: number): ArticleFragments {
  const modifiedAt = Math.max(at, Date.parse(lastChange(article)));
  const touched: StoredArticle = { ...article, updated: new Date(modifiedAt).toISOString() };
  const item = feedItemModel(site, touched, feedId);
  return {
    modifiedAt,
    rssItem: rssItem(item),
    atomItem: atomItem(item),
    jsonItem: jsonFeedItem(item),
    entry: listEntry(touched),
  };
}

/** KV's limit on a key's metadata, which holds list entries (content/store.ts). */
const KV_METADATA_LIMIT = 1024;

/** The list entry for an article, with the summary shortened until the metadata fits KV's limit. */
export function listEntry(article: StoredArticle): ListEntry {
  const entry: ListEntry = {
    slug: article.slug,
    title: article.title,
    published: article.published,
    ...(article.updated ? { updated: article.updated } : {}),
    category: article.category,
    ...(article.links ? { section: article.links.section } : {}),
    summary: article.summary,
  };
  // The summary gives way first; a title long in bytes (emoji are four each) only if it must.
  return fitMetadata(fitMetadata(entry, "summary"), "title");
}

/** Shortens one text field until the metadata fits KV's limit. */
function fitMetadata<T extends Record<K, string>, K extends string>(metadata: T, field: K): T {
  const encoder = new TextEncoder();
  const full = metadata[field];
  let max = full.length;
  let fitted = metadata;
  while (encoder.encode(JSON.stringify(fitted)).length > KV_METADATA_LIMIT && max > 0) {
    max = Math.floor(max * 0.8);
    fitted = { ...fitted, [field]: shorten(full, max) };
  }
  return fitted;
}

/**
 * A short SHA-256 of the editor's content, independent of key order and of whether it came as a
 * file or as JSON. The CLI computes the same value to skip unchanged articles.
 */
export async function contentVersion(input: ArticleInput): Promise<string> {
  // The pipeline's version is part of it, so that a fix to rendering or sanitizing makes every
  // stored article "changed" and the next publish re-renders them all.
  return sha256Hex(canonicalJson({ pipeline: PIPELINE_VERSION, input }));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Whether readers may see the article at `now`: not a draft, and its publication time has come. */
export function isPublic(article: Pick<StoredArticle, "draft" | "published">, now: number): boolean {
  return !article.draft && Date.parse(article.published) <= now;
}
