/**
 * The desk's pure parts: the form ⇄ schema mapping, line diffs, signed sessions and preview links.
 */
import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/core/schema";
import { lineDiff } from "../../src/newsroom/desk/diff";
import {
  articleText,
  fieldsFromForm,
  fieldsFromInput,
  formField,
  inputFromFields,
  problemsByField,
} from "../../src/newsroom/desk/form";
import { safeNext } from "../../src/newsroom/desk/guard";
import { checkPreviewLink, PREVIEW_SECONDS, previewLink } from "../../src/newsroom/desk/preview-link";
import { openSession, sealSession } from "../../src/newsroom/desk/session";

const SECRET = "unit-test-secret-0123456789abcdef0123";
const NOW = Date.parse("2026-03-01T12:00:00Z");

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) data.append(name, one);
  }
  return data;
}

const POSTED = {
  title: " Tide tables ",
  category: "Local",
  tags: "sea, , harbour ,",
  authors: ["Ana Reyes"],
  authors_other: "Bo Lind, Ana Reyes",
  summary: "",
  published: "2026-07-01T09:00",
  updated: "",
  image_url: "/media/0123456789abcdef0123456789abcdef.png",
  image_alt: "The harbour at low tide",
  image_caption: "",
  image_credit: "",
  body: "Line one.\r\n\r\nLine two.\r",
};

describe("the editor's form", () => {
  it("reads a posted form into the one schema, with LF line breaks, merged authors and the site's time zone", () => {
    const result = inputFromFields(fieldsFromForm(form(POSTED)), "Europe/London");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      title: "Tide tables",
      category: "Local",
      tags: ["sea", "harbour"],
      authors: ["Ana Reyes", "Bo Lind"],
      published: "2026-07-01T09:00:00+01:00",
      draft: false,
      image: { url: "/media/0123456789abcdef0123456789abcdef.png", alt: "The harbour at low tide" },
      body: "Line one.\n\nLine two.\n",
    });
    expect(result.value.summary).toBeUndefined();
  });

  it("round-trips a stored article through the form unchanged", () => {
    const input: ArticleInput = {
      title: "Tide tables",
      published: "2026-01-05T09:30:00Z",
      updated: "2026-01-06T10:00:00Z",
      category: "Local",
      authors: ["Ana Reyes"],
      summary: "When the water turns.",
      image: { url: "https://images.example/tide.jpg", alt: "Tide", caption: "At dawn", credit: "Bo" },
      tags: ["sea"],
      draft: true,
      body: "Text.\n",
    };
    const fields = fieldsFromInput(input, "tide-tables", "UTC", NOW);
    expect(fields.published).toBe("2026-01-05T09:30");
    const back = inputFromFields(fields, "UTC");
    expect(back).toEqual({ ok: true, value: input });
  });

  it("changes nothing when a stored article is saved untouched: seconds, offsets, a repeated hour, tags with commas, byline order", () => {
    const input: ArticleInput = {
      title: "Night ferry",
      // 01:30 on the night New York's clocks go back happens twice; this is the second (EST, -05:00).
      published: "2026-11-01T01:30:45-05:00",
      updated: "2026-11-02T08:00:00.5Z",
      category: "Local",
      authors: ["Zed Young", "Ana Lopez"],
      tags: ["ferries, boats", "night"],
      draft: false,
      body: "Text.\n",
    };
    const fields = fieldsFromInput(input, "night-ferry", "America/New_York", NOW);
    expect(fields.published).toBe("2026-11-01T01:30");
    expect(inputFromFields(fields, "America/New_York")).toEqual({ ok: true, value: input });
    // Editing a field reads it again, in the site's zone.
    const moved = inputFromFields({ ...fields, published: "2026-11-01T09:00", tags: "night" }, "America/New_York");
    expect(moved.ok && moved.value.published).toBe("2026-11-01T09:00:00-05:00");
    expect(moved.ok && moved.value.tags).toEqual(["night"]);
  });

  it("shows a problem with the update time on its own field", () => {
    const fields = fieldsFromForm(form({ ...POSTED, updated: "2026-06-01T09:00" }));
    const result = inputFromFields(fields, "UTC");
    expect(result.ok ? [] : [...problemsByField(result.problems).keys()]).toEqual(["updated"]);
  });

  it("names each problem by its form field", () => {
    const result = inputFromFields(
      fieldsFromForm(form({ ...POSTED, title: "", published: "2026-02-30T10:00", image_alt: "x".repeat(5000) })),
      "UTC",
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byField = problemsByField(result.problems);
    expect([...byField.keys()].sort()).toEqual(["image_alt", "published", "title"]);
    expect(byField.get("published")).toBe("must be a real date and time");
  });

  it("maps the schema's paths to form fields", () => {
    expect(formField("image.alt")).toBe("image_alt");
    expect(formField("image")).toBe("image_url");
    expect(formField("tags.3")).toBe("tags");
    expect(formField("")).toBe("");
  });

  it("leaves an empty publication time as a problem, not a default", () => {
    const result = inputFromFields(fieldsFromForm(form({ ...POSTED, published: "" })), "UTC");
    expect(result.ok ? [] : result.problems).toContainEqual({ field: "published", problem: "is required" });
  });
});

describe("articleText and lineDiff", () => {
  it("writes an article as its file and diffs two versions line by line, shortening long unchanged runs", () => {
    const before = articleText({
      title: "A",
      category: "Local",
      body: `${Array.from({ length: 12 }, (_, i) => `line ${i}`).join("\n")}\n`,
    });
    const after = before.replace("line 11", "line eleven");
    expect(before.startsWith("---\ntitle: A\ncategory: Local\n---\nline 0\n")).toBe(true);
    const lines = lineDiff(before, after) ?? [];
    expect(lines.filter((l) => l.kind === "removed").map((l) => l.text)).toEqual(["line 11"]);
    expect(lines.filter((l) => l.kind === "added").map((l) => l.text)).toEqual(["line eleven"]);
    expect(lines.some((l) => /^… \d+ unchanged lines …$/.test(l.text))).toBe(true);
    expect(lineDiff(before, before)?.every((l) => l.kind === "same")).toBe(true);
  });
});

describe("sessions", () => {
  it("opens what it sealed, until it expires, and nothing forged or altered", async () => {
    const session = { id: "abc", editor: "ana", key: "k", expires: NOW + 1000 };
    const sealed = await sealSession(session, SECRET);
    expect(await openSession(sealed, SECRET, NOW)).toEqual(session);
    expect(await openSession(sealed, SECRET, NOW + 1000)).toBeNull();
    expect(await openSession(sealed, `${SECRET}x`, NOW)).toBeNull();
    const [payload, signature] = sealed.split(".");
    const other = await sealSession({ ...session, editor: "bo" }, SECRET);
    expect(await openSession(`${other.split(".")[0]}.${signature}`, SECRET, NOW)).toBeNull();
    expect(await openSession(`${payload}.${signature}.x`, SECRET, NOW)).toBeNull();
    expect(await openSession(undefined, SECRET, NOW)).toBeNull();
    expect(await openSession("x".repeat(5000), SECRET, NOW)).toBeNull();
  });

  it("keeps the person and the token a person's session was started with", async () => {
    for (const session of [
      { id: "a", editor: "Ana", key: "person", expires: NOW + 1000, person: "p1" },
      { id: "b", editor: "Ana", key: "person", expires: NOW + 1000, person: "p1", token: "t1" },
    ]) {
      expect(await openSession(await sealSession(session, SECRET), SECRET, NOW)).toEqual(session);
    }
  });

  it("sends editors back only to desk pages after signing in", () => {
    expect(safeNext("/desk/articles/x?n=1")).toBe("/desk/articles/x?n=1");
    expect(safeNext("/desk")).toBe("/desk");
    for (const bad of ["//evil.example", "/desktop", "https://evil.example/desk", "/desk\\x", "/desk/ x", null, undefined]) {
      expect(safeNext(bad)).toBe("/desk");
    }
  });
});

describe("preview links", () => {
  it("are valid for the article they name until they expire, and never for another", async () => {
    const { path, expires } = await previewLink("article-1", SECRET, NOW);
    expect(expires).toBe(Math.floor(NOW / 1000) * 1000 + PREVIEW_SECONDS * 1000);
    const url = new URL(path, "https://news.example");
    const [e, sig] = [url.searchParams.get("expires") ?? "", url.searchParams.get("sig") ?? ""];
    expect(await checkPreviewLink("article-1", e, sig, SECRET, NOW)).toBe("valid");
    expect(await checkPreviewLink("article-1", e, sig, SECRET, expires)).toBe("expired");
    expect(await checkPreviewLink("article-2", e, sig, SECRET, NOW)).toBe("forged");
    expect(await checkPreviewLink("article-1", String(Number(e) + 1), sig, SECRET, NOW)).toBe("forged");
    expect(await checkPreviewLink("article-1", e, undefined, SECRET, NOW)).toBe("forged");
    // A session's signature is not a preview link's: every signature names its purpose.
    const sealed = await sealSession({ id: "s", editor: "ana", key: "k", expires: NOW + 1000 }, SECRET);
    expect(await checkPreviewLink("article-1", e, sealed.split(".")[1], SECRET, NOW)).toBe("forged");
  });
});
