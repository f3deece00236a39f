/**
 * @module cli/scrape/article-file
 * Writes an imported article as an article file, with comments for what the editor should check.
 */

import { dump } from "js-yaml";
import type { Detected, ImportedArticle } from "./types";

/**
 * Writes an imported article as an article file: YAML frontmatter (dumped by js-yaml, so every value
 * is quoted as YAML needs), then the Markdown body. `comments` become `#` lines at the top of the frontmatter.
 * Lists are written on one line, `authors: [Jane Doe, Li Wei]`, as editors write them in `articles/`.
 * @example formatArticleFile(article, ["published: inferred"]) // "---\n# published: inferred\ntitle: ...\n---\n\nFirst paragraph.\n"
 */
export function formatArticleFile(article: ImportedArticle, comments: readonly string[] = []): string {
  const { body, ...fields } = article;
  // A comment ends at the end of its line, so one with a line break in it would leak into the YAML.
  const header = comments.map((comment) => `# ${comment.replace(/\s+/g, " ").trim()}\n`).join("");
  const yaml = Object.entries(fields)
    .map(([key, value]) => dump({ [key]: value }, { lineWidth: -1, flowLevel: Array.isArray(value) ? 1 : -1 }))
    .join("");
  return `---\n${header}${yaml}---\n\n${body}\n`;
}

/**
 * The comments an imported file carries for its editor: a date that was inferred, a placeholder category.
 * @example fileComments({ category: { value: "Uncategorised", from: "placeholder" }, ... })
 * // ["category is a placeholder set by npm run import: the page names no section."]
 */
export function fileComments(detected: Detected): string[] {
  const comments: string[] = [];
  if (detected.published?.from === "inferred")
    comments.push(`published was inferred by npm run import: ${detected.published.how}.`);
  if (detected.category?.from === "placeholder") {
    comments.push("category is a placeholder set by npm run import: the page names no section.");
  }
  return comments;
}
