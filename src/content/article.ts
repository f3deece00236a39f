/**
 * @module content/article
 * Turns a validated article into the record that is stored: Markdown rendered and sanitized once,
 * summary and reading time derived, and a version that changes exactly when the content does.
 */

import { sha256Hex } from "../digest";
import { readingMinutes, renderMarkdown, summaryFromMarkdown } from "./markdown";
import { type ArticleInput, type StoredArticle, slugSchema, type Validated, validate } from "./schema";

/**
 * Bump when the stored HTML would come out differently for the same input: a change to Markdown
 * rendering, sanitizing, summaries or reading time.
 */
export const PIPELINE_VERSION = 1;

export interface BuiltArticle {
  article: StoredArticle;
  /** Things an editor should know that are not errors. */
  warnings: string[];
}

/** Checks a slug with the same rules the schema applies everywhere. */
export function validateSlug(slug: string): Validated<string> {
  const result = validate(slugSchema, slug);
  return result.ok ? result : { ok: false, problems: result.problems.map((p) => ({ ...p, field: "slug" })) };
}

/** Builds the stored record for an article. `now` decides whether it is scheduled. */
export async function buildArticle(slug: string, input: ArticleInput, now: number = Date.now()): Promise<BuiltArticle> {
  const html = renderMarkdown(input.body);
  const warnings: string[] = [];
  if (!input.summary) warnings.push("summary: none given, so the first paragraph is used");
  if (input.draft) warnings.push("draft: stored, but not public until draft is false");
  else if (Date.parse(input.published) > now)
    warnings.push(`published: in the future, so the article goes live at ${input.published}`);
  if (input.image && !input.image.url) warnings.push("image: no url, so only the caption and credit are shown");
  if (html.trim() === "") warnings.push("body: nothing is left after sanitizing");

  const article: StoredArticle = {
    slug,
    title: input.title,
    published: input.published,
    ...(input.updated ? { updated: input.updated } : {}),
    category: input.category,
    authors: input.authors,
    // A body with no paragraph of text (only images or headings) falls back to the title.
    summary: input.summary ?? (summaryFromMarkdown(input.body) || input.title),
    ...(input.summary ? {} : { summaryDerived: true }),
    ...(input.image ? { image: input.image } : {}),
    tags: input.tags,
    draft: input.draft,
    markdown: input.body,
    html,
    readingMinutes: readingMinutes(html),
    version: await contentVersion(input),
  };
  return { article, warnings };
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
