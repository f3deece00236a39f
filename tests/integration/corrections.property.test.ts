/**
 * Random and adversarial corrections through the editors' API (fast-check): nothing is ever a 500,
 * every refusal names a field and writes nothing, and what is stored keeps the page and the
 * corrections feed valid and free of anything executable.
 */
import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { kvSnapshot, publish, request, TOKEN } from "./helpers";

const ADVERSARIAL = [
  "_a",
  "*a",
  "[x](",
  "javascript:",
  "![",
  "`",
  "<",
  "> ",
  "# ",
  "\n\n",
  "]]>",
  "\u0000",
  "<script>",
  "&#106;",
  " onerror=",
  "<a href=",
  '"',
];

const text = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.array(fc.constantFrom(...ADVERSARIAL), { maxLength: 400 }).map((parts) => parts.join("")),
  fc.tuple(fc.constantFrom(...ADVERSARIAL), fc.integer({ min: 1, max: 5_000 })).map(([part, n]) => part.repeat(n)),
);
const body = fc.oneof(
  fc.record({ kind: fc.constantFrom("correction", "clarification"), text }),
  fc.record({
    kind: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
    text: fc.oneof(text, fc.integer(), fc.constant(null)),
  }),
  fc.jsonValue({ maxDepth: 3 }),
);

describe("corrections under random and adversarial input", () => {
  it("never answer 500, name the field of every refusal, write nothing when refused, and stay safe when stored", async () => {
    await publish("target", { title: "Target" });
    await fc.assert(
      fc.asyncProperty(body, async (sent) => {
        const before = await kvSnapshot();
        const response = await request("/api/articles/target/corrections", {
          method: "POST",
          headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
          body: JSON.stringify(sent),
        });
        expect([201, 400, 409]).toContain(response.status);
        if (response.status !== 201) {
          const refusal = (await response.json()) as { details: Array<{ field: string; problem: string }> };
          expect(refusal.details.length).toBeGreaterThan(0);
          for (const detail of refusal.details) expect(detail.problem.length).toBeGreaterThan(0);
          expect(await kvSnapshot()).toEqual(before);
          return;
        }
        const page = await (await request("/articles/target")).text();
        const notes = /<section class="corrections"[\s\S]*?<\/section>/.exec(page)?.[0] ?? "";
        expect(notes).not.toMatch(/<(?:script|img|svg|iframe)|<[^>]*\son\w+\s*=|href="\s*(?:javascript|&#)/i);
        expect(XMLValidator.validate(await (await request("/corrections/atom.xml")).text())).toBe(true);
      }),
      { numRuns: 30 },
    );
  }, 300_000);
});
