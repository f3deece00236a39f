/**
 * @module cli/scrape/article-file
 * Writes an imported article as an article file.
 */

import { dump } from "js-yaml";
import type { ImportedArticle } from "./index";

/**
 * Writes an imported article as an article file: YAML frontmatter (dumped by js-yaml, so every value
 * is quoted as YAML needs), then the Markdown body. `comments` become `#` lines at the top of the frontmatter.
 * @example formatArticleFile(article, ["published: inferred"]) // "---\n# published: inferred\ntitle: ...\n---\n\nFirst paragraph.\n"
 */
export function formatArticleFile(article: ImportedArticle, comments: readonly string[] = []): string {
  const { body, ...fields } = article;
  // A comment ends at the end of its line, so one with a line break in it would leak into the YAML.
  const header = comments.map((comment) => `# ${comment.replace(/\s+/g, " ").trim()}\n`).join("");
  return `---\n${header}${dump(fields, { lineWidth: -1 })}---\n\n${body}\n`;
}
