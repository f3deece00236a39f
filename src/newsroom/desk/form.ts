/**
 * @module newsroom/desk/form
 * The editor's form, both ways: an article's input as the strings the form shows, and the posted
 * form back into the one article schema. Field problems come back named by form field, so the page
 * can show each next to its input. And reading any desk form's body, whatever a client sends.
 */
import type { Context } from "hono";
import { dump } from "js-yaml";
import type { ArticleInput, FieldProblem, Validated } from "../../core/schema";
import { parseArticleJson } from "../../core/source";
import { instantFromWallTime, wallTimeInput } from "./time-zone";

/** What the editor's form shows, as strings: from a stored article, or as the editor sent it. */
export interface EditorFields {
  title: string;
  slug: string;
  category: string;
  tags: string;
  /** Names of the author profiles ticked. */
  authors: string[];
  authorsOther: string;
  summary: string;
  /** Wall time in the site's zone, for <input type="datetime-local">. */
  published: string;
  /** The same, for the optional time of the last correction or update. */
  updated: string;
  /**
   * What was stored, exactly (RFC 3339, and the tags as JSON), so that a form saved untouched
   * changes nothing: a wall time in minutes cannot carry seconds, an offset, or which of a repeated
   * hour it meant, and a comma-separated list cannot carry a tag with a comma in it.
   */
  was: { published: string; updated: string; tags: string; liveStart: string; liveEnd: string };
  draft: boolean;
  /** Live coverage (docs/live-and-corrections.md), and its start and end as wall times; empty for unset. */
  live: boolean;
  liveStart: string;
  liveEnd: string;
  imageUrl: string;
  imageAlt: string;
  imageCaption: string;
  imageCredit: string;
  body: string;
}

/** The form of a stored article, or of a new one (a draft, to be published now). */
export function fieldsFromInput(input: ArticleInput | null, slug: string, zone: string, now: number): EditorFields {
  return {
    title: input?.title ?? "",
    slug,
    category: input?.category ?? "",
    tags: input?.tags.join(", ") ?? "",
    authors: input?.authors ?? [],
    authorsOther: "",
    summary: input?.summary ?? "",
    published: wallTimeInput(input ? Date.parse(input.published) : now, zone),
    updated: input?.updated ? wallTimeInput(Date.parse(input.updated), zone) : "",
    was: {
      published: input?.published ?? "",
      updated: input?.updated ?? "",
      tags: JSON.stringify(input?.tags ?? []),
      liveStart: input?.live?.start ?? "",
      liveEnd: input?.live?.end ?? "",
    },
    draft: input?.draft ?? true,
    live: input?.live !== undefined,
    liveStart: input?.live?.start ? wallTimeInput(Date.parse(input.live.start), zone) : "",
    liveEnd: input?.live?.end ? wallTimeInput(Date.parse(input.live.end), zone) : "",
    imageUrl: input?.image?.url ?? "",
    imageAlt: input?.image?.alt ?? "",
    imageCaption: input?.image?.caption ?? "",
    imageCredit: input?.image?.credit ?? "",
    body: input?.body ?? "",
  };
}

/** The bodies a browser's form sends (HTML §4.10.21.7), and the only ones a desk form reads. */
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/**
 * The posted form, or the answer when the body is none: 415 for a body that is not a form (JSON,
 * plain text, none at all), 400 for a form that cannot be read (a broken multipart body). Every desk
 * form reads its body through this, so no body makes `formData()` throw into a 500.
 * @example const form = await readForm(c); if (form instanceof Response) return form;
 */
export async function readForm(c: Context): Promise<FormData | Response> {
  const type = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!FORM_TYPES.has(type)) {
    const sent = type ? `sent ${type.slice(0, 100)}` : "sent no Content-Type";
    return c.text(
      `Send the form as a browser does (application/x-www-form-urlencoded or multipart/form-data); this request ${sent}.\n`,
      415,
    );
  }
  try {
    return await c.req.formData();
  } catch {
    return c.text("The form's body could not be read: it is not well-formed form data.\n", 400);
  }
}

/** A text field as posted; "" when it is missing or a file. */
export const formText = (form: FormData, name: string): string => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};

/** Browsers send a textarea's line breaks as CRLF (HTML §4.10.21.1); the desk stores LF. */
export const lf = (text: string): string => text.replace(/\r\n?/g, "\n");

/** The fields as posted. */
export function fieldsFromForm(form: FormData): EditorFields {
  return {
    title: formText(form, "title"),
    slug: formText(form, "slug").trim(),
    category: formText(form, "category"),
    tags: formText(form, "tags"),
    authors: form.getAll("authors").filter((value): value is string => typeof value === "string"),
    authorsOther: formText(form, "authors_other"),
    summary: lf(formText(form, "summary")),
    published: formText(form, "published").trim(),
    updated: formText(form, "updated").trim(),
    was: {
      published: formText(form, "published_was"),
      updated: formText(form, "updated_was"),
      tags: formText(form, "tags_was"),
      liveStart: formText(form, "live_start_was"),
      liveEnd: formText(form, "live_end_was"),
    },
    draft: form.has("draft"),
    live: form.has("live"),
    liveStart: formText(form, "live_start").trim(),
    liveEnd: formText(form, "live_end").trim(),
    imageUrl: formText(form, "image_url"),
    imageAlt: formText(form, "image_alt"),
    imageCaption: formText(form, "image_caption"),
    imageCredit: formText(form, "image_credit"),
    body: lf(formText(form, "body")),
  };
}

const commaList = (text: string): string[] =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * The instant a wall-time field stands for: what was stored when the editor left the field as it
 * was shown, otherwise the wall time read in `zone`; null when it is not a real time.
 */
function instant(wall: string, was: string, zone: string): string | null {
  if (was && Date.parse(was) && wallTimeInput(Date.parse(was), zone) === wall) return was;
  return wall === "" ? null : instantFromWallTime(wall, zone);
}

/** The tags: as stored when the text was left as shown, otherwise the comma-separated text. */
function tagsOf(fields: EditorFields): string[] {
  try {
    const was = JSON.parse(fields.was.tags || "[]") as unknown;
    if (Array.isArray(was) && was.every((tag) => typeof tag === "string") && was.join(", ") === fields.tags) return was;
  } catch {
    // Not what the form wrote: read the text.
  }
  return commaList(fields.tags);
}

/** The schema's field paths ("image.alt", "tags.2") as the form's field names. */
export function formField(path: string): string {
  const [head, sub] = path.split(".");
  if (head === "image")
    return sub === "url" || sub === "alt" || sub === "caption" || sub === "credit" ? `image_${sub}` : "image_url";
  if (head === "live") return sub === "start" || sub === "end" ? `live_${sub}` : "live";
  return head ?? "";
}

/**
 * The article input the fields stand for, checked by the one schema. The publication time is read
 * as wall time in `zone`.
 */
export function inputFromFields(fields: EditorFields, zone: string): Validated<ArticleInput> {
  const problems: FieldProblem[] = [];
  const published = instant(fields.published, fields.was.published, zone);
  if (fields.published === "") problems.push({ field: "published", problem: "is required" });
  else if (!published) problems.push({ field: "published", problem: "must be a real date and time" });
  const updated = fields.updated === "" ? undefined : instant(fields.updated, fields.was.updated, zone);
  if (updated === null) problems.push({ field: "updated", problem: "must be a real date and time" });
  const liveStart = fields.liveStart === "" ? undefined : instant(fields.liveStart, fields.was.liveStart, zone);
  if (liveStart === null) problems.push({ field: "live.start", problem: "must be a real date and time" });
  const liveEnd = fields.liveEnd === "" ? undefined : instant(fields.liveEnd, fields.was.liveEnd, zone);
  if (liveEnd === null) problems.push({ field: "live.end", problem: "must be a real date and time" });
  const authors = [...new Set([...fields.authors, ...commaList(fields.authorsOther)])];
  const hasImage = [fields.imageUrl, fields.imageAlt, fields.imageCaption, fields.imageCredit].some((v) => v.trim() !== "");
  const data: Record<string, unknown> = {
    title: fields.title,
    published: published || "2000-01-01T00:00:00Z",
    category: fields.category,
    authors,
    tags: tagsOf(fields),
    draft: fields.draft,
    body: fields.body,
    ...(updated ? { updated } : {}),
    ...(fields.live ? { live: { ...(liveStart ? { start: liveStart } : {}), ...(liveEnd ? { end: liveEnd } : {}) } } : {}),
    ...(fields.summary.trim() ? { summary: fields.summary } : {}),
    ...(hasImage
      ? {
          image: {
            ...(fields.imageUrl.trim() ? { url: fields.imageUrl } : {}),
            alt: fields.imageAlt,
            ...(fields.imageCaption.trim() ? { caption: fields.imageCaption } : {}),
            ...(fields.imageCredit.trim() ? { credit: fields.imageCredit } : {}),
          },
        }
      : {}),
  };
  const checked = parseArticleJson(data);
  if (checked.ok && problems.length === 0) return checked;
  return { ok: false, problems: [...problems, ...(checked.ok ? [] : checked.problems)] };
}

/** Problems by form field, first problem first; for the page's inline errors. */
export function problemsByField(problems: FieldProblem[]): Map<string, string> {
  const byField = new Map<string, string>();
  for (const { field, problem } of problems) {
    const name = formField(field) || "form";
    if (!byField.has(name)) byField.set(name, problem);
  }
  return byField;
}

/**
 * An article as the file an editor would write (YAML frontmatter, then Markdown): what the desk's
 * diffs compare, line by line.
 */
export function articleText(input: Partial<ArticleInput> & Record<string, unknown>): string {
  const { body, ...fields } = input;
  return `---\n${dump(fields, { lineWidth: -1, noRefs: true })}---\n${typeof body === "string" ? body : ""}`;
}
