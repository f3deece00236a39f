/**
 * @module content/source
 * Reads what editors write: an article file (YAML frontmatter, then Markdown) or the same fields as
 * JSON. Both end in the one schema, so a file and an API request are judged alike.
 */
import { load } from "js-yaml";
import { type ArticleInput, articleInputSchema, type FieldProblem, type Validated, validate } from "./schema";

// The frontmatter block: a first line of exactly `---`, YAML, then a closing `---` line.
// Split here rather than with front-matter or gray-matter: both pin js-yaml 3, whose default schema
// turns dates into Date objects (losing a missing time zone) and gray-matter pulls in `fs`.
const FRONTMATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)/;

/** Splits an article file into its frontmatter fields and Markdown body, then validates both. */
export function parseArticleFile(source: string): Validated<ArticleInput> {
  const match = FRONTMATTER.exec(source);
  if (!match) {
    return fail("frontmatter", "is missing: the file must start with a line of ---, the fields in YAML, then ---");
  }
  let fields: unknown;
  try {
    // js-yaml 5 loads with the YAML 1.2 core schema: dates stay strings, so the schema can insist on a zone.
    fields = match[1]?.trim() ? load(match[1]) : {};
  } catch (error) {
    return fail("frontmatter", `is not valid YAML: ${yamlReason(error)}`);
  }
  if (fields === null || typeof fields !== "object" || Array.isArray(fields)) {
    return fail("frontmatter", "must be a set of fields, like title: My article");
  }
  if ("body" in fields) {
    return fail("body", "belongs after the frontmatter, not in it");
  }
  return validate(articleInputSchema, { ...fields, body: source.slice(match[0].length) });
}

/** Validates the JSON form of an article: the frontmatter fields plus `body`. */
export function parseArticleJson(data: unknown): Validated<ArticleInput> {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    return fail("", "the body must be a JSON object with the article's fields");
  }
  return validate(articleInputSchema, data);
}

function fail(field: string, problem: string): { ok: false; problems: FieldProblem[] } {
  return { ok: false, problems: [{ field, problem }] };
}

function yamlReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Keep the first line: js-yaml appends a code excerpt that reads badly inside JSON.
  return message.split("\n")[0] ?? message;
}
