import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Site } from "../../src/core/config";
import { correctionInputSchema, noteLabel, type StoredCorrection } from "../../src/core/corrections";
import { displayDate } from "../../src/core/dates";
import { LIMITS } from "../../src/core/limits";
import { renderNote } from "../../src/core/markdown";
import { type StoredArticle, validate } from "../../src/core/schema";
import { correctionNotesHtml, feedItemModel, lastChange } from "../../src/feeds/model";
import { renderArticle } from "../../src/render/article";

const SITE: Site = { title: "Broadsheet", description: "News.", url: "https://news.example", language: "en-GB", timeZone: "UTC" };

const NOTE: StoredCorrection = {
  id: "0b7c7f7e-1111-4222-8333-444455556666",
  kind: "correction",
  html: 'The mayor is <em>Ana</em> Lima; see <a href="/articles/mayor">her profile</a>.',
  text: "The mayor is Ana Lima; see her profile.",
  published: "2026-12-02T09:00:00Z",
};

function article(overrides: Partial<StoredArticle> = {}): StoredArticle {
  return {
    slug: "council",
    title: "Council",
    published: "2026-11-30T09:00:00Z",
    category: "Local",
    authors: [],
    summary: "What the council did.",
    tags: ["Politics"],
    draft: false,
    markdown: "The body.",
    html: "<p>The body.</p>\n",
    readingMinutes: 1,
    version: "v1",
    ...overrides,
  };
}

describe("renderNote", () => {
  it("renders one paragraph of inline Markdown, and its plain text", () => {
    expect(renderNote("The mayor is *Ana* Lima, not `Ana Silva`.")).toEqual({
      ok: true,
      html: "The mayor is <em>Ana</em> Lima, not <code>Ana Silva</code>.",
      text: "The mayor is Ana Lima, not Ana Silva.",
    });
    expect(renderNote("Plain text & more")).toEqual({ ok: true, html: "Plain text &amp; more", text: "Plain text & more" });
  });

  it("keeps links with safe URLs only, and text-level elements only", () => {
    const note = renderNote(
      '[a](javascript:alert(1)) [b](https://ok.example/) <img src=x onerror=alert(1)> <div>c</div> <b onclick="x">d</b>',
    );
    expect(note.ok && note.html).toBe('<a href>a</a> <a href="https://ok.example/">b</a>  c <b>d</b>');
  });

  it("refuses block markup, images and too much inline markup, naming the field", () => {
    for (const markdown of ["# Heading", "- a list", "> a quote", "One.\n\nTwo.", "```\ncode\n```", "| a |\n|---|\n| b |"]) {
      const note = renderNote(markdown);
      expect(note.ok, markdown).toBe(false);
      if (!note.ok) expect(note.problems[0]?.field).toBe("text");
    }
    const image = renderNote("See ![a chart](https://charts.example/a.png)");
    expect(!image.ok && image.problems[0]?.problem).toBe("must not contain images");
    const busy = renderNote("*a* ".repeat(LIMITS.inlineMarkup));
    expect(!busy.ok && busy.problems[0]?.problem).toMatch(/inline/);
    expect(renderNote("<script>alert(1)</script>").ok).toBe(false);
    const empty = renderNote("<em></em>");
    expect(!empty.ok && empty.problems[0]?.problem).toBe("has no text left once its HTML is sanitized");
  });

  it("never throws, and never lets anything executable through (property)", () => {
    const pieces = fc.constantFrom(
      "<script>",
      "</script>",
      "javascript:",
      "[x](",
      ")",
      "<a href=",
      '"',
      " onerror=",
      "<img",
      ">",
      "*",
      "`",
      "\n",
      "# ",
      "&#x6a;avascript:",
      "<svg onload=x>",
      "text",
      " ",
    );
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 40 }).map((parts) => parts.join("")),
        (markdown) => {
          const note = renderNote(markdown);
          if (note.ok) {
            // Text may say anything; no tag may carry a script, a handler or a script URL.
            expect(note.html).not.toMatch(/<(?:script|img|svg)|<[^>]*\son\w+\s*=|<a[^>]*href="\s*(?:javascript|&#)/i);
            expect(note.text.length).toBeGreaterThan(0);
          } else expect(note.problems[0]?.field).toBe("text");
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("correctionInputSchema", () => {
  it("takes a kind and a text, and nothing else", () => {
    expect(validate(correctionInputSchema, { kind: "clarification", text: "  Context.  " })).toEqual({
      ok: true,
      value: { kind: "clarification", text: "Context." },
    });
    const problems = (body: unknown) => {
      const result = validate(correctionInputSchema, body);
      return result.ok ? [] : result.problems.map((p) => p.field);
    };
    expect(problems({ kind: "retraction", text: "x" })).toEqual(["kind"]);
    expect(problems({ kind: "correction", text: "" })).toEqual(["text"]);
    expect(problems({ kind: "correction", text: "x".repeat(LIMITS.correctionLength + 1) })).toEqual(["text"]);
    expect(problems({ kind: "correction", text: "x", by: "mallory" })).toEqual(["by"]);
    expect(problems({ kind: "correction", text: "a\u0007b" })).toEqual(["text"]);
    expect(problems({ kind: "correction", text: "a\ud800b" })).toEqual(["text"]);
    expect(problems("correction")).toEqual([""]);
  });
});

describe("noteLabel", () => {
  it("dates a note in the site's time zone and language", () => {
    expect(noteLabel(SITE, NOTE)).toBe("Correction, 2 December 2026");
    expect(noteLabel({ ...SITE, language: "en-US" }, { kind: "clarification", published: NOTE.published })).toBe(
      "Clarification, December 2, 2026",
    );
    // 23:30 UTC is the next morning in Tokyo, and still the day before in Los Angeles.
    const late = { kind: "correction" as const, published: "2026-12-02T23:30:00Z" };
    expect(noteLabel({ ...SITE, timeZone: "Asia/Tokyo" }, late)).toBe("Correction, 3 December 2026");
    expect(noteLabel({ ...SITE, timeZone: "America/Los_Angeles" }, late)).toBe("Correction, 2 December 2026");
    expect(displayDate("2026-12-02T23:30:00Z", "en-GB")).toBe("2 December 2026");
  });
});

describe("an article's notes in its feed items and page", () => {
  it("appends each note to the item's content, and moves its modified time to the last change of its notes", () => {
    const corrected = article({ corrections: [NOTE], correctedAt: "2026-12-02T09:00:00Z" });
    const item = feedItemModel(SITE, corrected, "https://news.example/articles/council");
    expect(item.contentHtml).toBe(
      '<p>The body.</p>\n<p class="correction"><strong>Correction, 2 December 2026:</strong> The mayor is <em>Ana</em> Lima; see <a href="https://news.example/articles/mayor">her profile</a>.</p>\n',
    );
    expect(item.modified).toBe("2026-12-02T09:00:00Z");
    // An article updated after its last note keeps its own time; one without notes is unchanged.
    expect(lastChange({ ...corrected, updated: "2026-12-03T00:00:00Z" })).toBe("2026-12-03T00:00:00Z");
    expect(lastChange(article())).toBe("2026-11-30T09:00:00Z");
    // A withdrawal leaves no note but still counts as a change.
    expect(feedItemModel(SITE, article({ correctedAt: "2026-12-04T00:00:00Z" }), "id").modified).toBe("2026-12-04T00:00:00Z");
    expect(correctionNotesHtml(SITE, article())).toBe("");
  });

  it("keeps the note in an item too long to carry the article", () => {
    const long = article({ html: `<p>${"word ".repeat(30_000)}</p>`, corrections: [NOTE] });
    const item = feedItemModel(SITE, long, "id");
    expect(item.contentHtml).toContain("Read the whole article");
    expect(item.contentHtml).toContain("Correction, 2 December 2026:");
  });

  it("renders the notes after the body and before the tags, and as CorrectionComments in the JSON-LD", async () => {
    const html = await renderArticle(SITE, article({ corrections: [NOTE], correctedAt: "2026-12-02T09:00:00Z" }));
    expect(html.indexOf('<div class="body">')).toBeLessThan(html.indexOf('<section class="corrections"'));
    expect(html.indexOf('<section class="corrections"')).toBeLessThan(html.indexOf('<ul class="tags"'));
    const ld = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "{}");
    expect(ld.dateModified).toBe("2026-12-02T09:00:00Z");
    expect(ld.correction).toEqual([
      {
        "@type": "CorrectionComment",
        url: `https://news.example/articles/council#correction-${NOTE.id}`,
        name: "Correction",
        text: NOTE.text,
        datePublished: "2026-12-02T09:00:00Z",
      },
    ]);
    expect(await renderArticle(SITE, article())).not.toContain('class="corrections"');
  });
});
