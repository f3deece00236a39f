/**
 * Random and adversarial articles through the editors' API (fast-check): nothing is ever a 500,
 * every refusal names a field, and what is stored stays within the stated bounds, page and feeds.
 */
import fc from "fast-check";
import { dump } from "js-yaml";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/core/limits";
import { FEED_ITEM_MAX_HTML_BYTES, FEED_SIZE } from "../../src/feeds/model";
import { putArticle, request } from "./helpers";

const ADVERSARIAL = ["_a", "*a", "[", "![", "`", "<", "> ", "- ", "&amp;", "]]>", "\u0000", "\u202e", "<script>", "[x]: /y\n"];

const markdown = fc.oneof(
  fc.string({ maxLength: 2000 }),
  fc.array(fc.constantFrom(...ADVERSARIAL), { maxLength: 3000 }).map((parts) => parts.join("")),
  fc.tuple(fc.constantFrom(...ADVERSARIAL), fc.integer({ min: 1, max: 120_000 })).map(([part, n]) => part.repeat(n)),
);

const frontmatter = fc.record(
  {
    title: fc.oneof(fc.string({ maxLength: 300 }), fc.constant("A title")),
    published: fc.oneof(fc.constant("2025-01-15T10:00:00Z"), fc.string({ maxLength: 30 })),
    category: fc.oneof(fc.constant("Tests"), fc.string({ maxLength: 80 })),
    tags: fc.array(fc.string({ maxLength: 60 }), { maxLength: 25 }),
    authors: fc.array(fc.string({ maxLength: 120 }), { maxLength: 12 }),
  },
  { requiredKeys: [] },
);

describe("the API under random and adversarial input", () => {
  it("never answers 500, names the field of every refusal, and keeps what it stores bounded", async () => {
    let slug = 0;
    await fc.assert(
      fc.asyncProperty(frontmatter, markdown, async (fields, body) => {
        const name = `prop-${slug++}`;
        const response = await putArticle(name, `---\n${dump(fields)}---\n\n${body}\n`);
        expect([200, 201, 400, 413]).toContain(response.status);
        if (response.status >= 400) {
          const refusal = (await response.json()) as { details: Array<{ field: string }> };
          expect(refusal.details.length).toBeGreaterThan(0);
          for (const detail of refusal.details) expect(typeof detail.field).toBe("string");
          return;
        }
        const page = await request(`/articles/${name}`);
        expect(page.status).toBeLessThan(500);
        expect((await page.arrayBuffer()).byteLength).toBeLessThan(LIMITS.htmlBytes + 200_000);
      }),
      { numRuns: 40 },
    );
    for (const feed of ["/rss.xml", "/feed.json"]) {
      const response = await request(feed);
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeLessThan(FEED_SIZE * (FEED_ITEM_MAX_HTML_BYTES + 20_000));
    }
  }, 120_000);
});
