/**
 * @module core/source
 * Reads what editors write: an article file (YAML frontmatter, then Markdown) or the same fields as
 * JSON. Both end in the one schema, so a file and an API request are judged alike.
 */
import { load } from "js-yaml";
import { LIMITS, utf8Bytes } from "./limits";
import { type ArticleInput, articleInputSchema, type FieldProblem, type Validated, validate } from "./schema";

// The frontmatter block: a first line of exactly `---`, YAML, then a closing `---` line.
// Split here rather than with front-matter or gray-matter: both pin js-yaml 3, whose default schema
// turns dates into Date objects (losing a missing time zone) and gray-matter pulls in `fs`.
const FRONTMATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)/;

// YAML aliases (`&a [x, x]`, then `*a`) let a few lines stand for millions of values: the "billion
// laughs" of YAML 1.2 §3.2.2.2. No field of an article needs one, so js-yaml refuses them all, and
// any nesting deeper than a list or the image's fields inside the fields (js-yaml counts the
// document's own mapping too).
const YAML_OPTIONS = { maxAliases: 0, maxDepth: LIMITS.frontmatterDepth } as const;

/**
 * Splits an article file into its frontmatter fields and Markdown body, then validates both.
 * @example parseArticleFile("---\ntitle: Hi\npublished: 2025-03-28T09:00:00Z\ncategory: News\n---\nText.\n")
 * // { ok: true, value: { title: "Hi", ..., body: "Text.\n" } }
 */
export function parseArticleFile(source: string): Validated<ArticleInput> {
  const split = splitFrontmatter(source);
  if (!split) {
    return fail("frontmatter", "is missing: the file must start with a line of ---, the fields in YAML, then ---");
  }
  const { yaml, body } = split;
  if (utf8Bytes(yaml) > LIMITS.frontmatterBytes) {
    return fail("frontmatter", `must be at most ${LIMITS.frontmatterBytes} bytes of YAML (the limit)`);
  }
  let fields: unknown;
  try {
    fields = loadFrontmatter(yaml);
  } catch (error) {
    return fail("frontmatter", `is not valid YAML: ${yamlReason(error)}`);
  }
  if (fields === null || typeof fields !== "object" || Array.isArray(fields)) {
    return fail("frontmatter", "must be a set of fields, like title: My article");
  }
  if ("body" in fields) {
    return fail("body", "belongs after the frontmatter, not in it");
  }
  return validate(articleInputSchema, { ...fields, body });
}

/** An article file cut where its frontmatter ends. */
export interface FrontmatterSplit {
  /** The frontmatter block as written: the opening `---` line, the YAML, the closing `---` line. */
  header: string;
  /** The YAML between the `---` lines. */
  yaml: string;
  /** Everything after the block: the Markdown body. */
  body: string;
}

/**
 * Cuts an article file into its frontmatter block and body, byte for byte (`header + body` is the
 * file); undefined when the file does not open with one.
 * @example splitFrontmatter("---\ntitle: Hi\n---\nText.\n")
 * // { header: "---\ntitle: Hi\n---\n", yaml: "title: Hi", body: "Text.\n" }
 */
export function splitFrontmatter(source: string): FrontmatterSplit | undefined {
  const match = FRONTMATTER.exec(source);
  if (!match) return undefined;
  return { header: match[0], yaml: match[1] ?? "", body: source.slice(match[0].length) };
}

/**
 * The frontmatter's YAML loaded as an article's always is: aliases refused and nesting bounded
 * (see YAML_OPTIONS); blank YAML is no fields. Throws js-yaml's error when it does not load.
 * @example loadFrontmatter("title: Hi\npublished: 2025-03-28T09:00:00Z") // { title: "Hi", published: "2025-03-28T09:00:00Z" }
 */
export function loadFrontmatter(yaml: string): unknown {
  // js-yaml 5 loads with the YAML 1.2 core schema: dates stay strings, so the schema can insist on a zone.
  return yaml.trim() ? load(yaml, YAML_OPTIONS) : {};
}

/**
 * Validates the JSON form of an article: the frontmatter fields plus `body`.
 * @example parseArticleJson({ title: "Hi", published: "2025-03-28T09:00:00Z", category: "News", body: "Text." })
 */
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
  if (message.startsWith("aliases exceeded")) {
    return `uses an alias (*name), and aliases are not allowed (the limit is ${YAML_OPTIONS.maxAliases}): write the value out`;
  }
  if (message.startsWith("nesting exceeded")) {
    return "nests too deeply: a field may hold a list or the image's fields, nothing deeper";
  }
  // Keep the first line: js-yaml appends a code excerpt that reads badly inside JSON.
  return message.split("\n")[0] ?? message;
}
