// Any query string and any filters: /search answers with a page that parses as HTML and keeps the
// query in its box, /search.json with JSON, and neither ever answers 500.
import fc from "fast-check";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { publish, request, secondsFromNow } from "./helpers";

const FRAGMENTS = [
  '"',
  "(",
  ")",
  "*",
  "^",
  "-",
  ":",
  "AND",
  "OR",
  "NOT",
  "NEAR(",
  "title:",
  "<mark>",
  "</b>",
  "&amp;",
  "🎉",
  "\u0000",
  "\uD800",
  "北京",
  "%",
  "+",
  " ",
];
const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 15 }).map((p) => p.join("")),
);
const params = fc.record({
  q: hostile,
  section: fc.oneof(hostile, fc.constant("world")),
  author: hostile,
  tag: hostile,
  from: fc.oneof(hostile, fc.constant("2024-01-01")),
  to: hostile,
  sort: fc.oneof(hostile, fc.constant("newest")),
  page: fc.oneof(hostile, fc.integer({ min: -2, max: 60 }).map(String)),
});

let client = 0;

describe("search with hostile input", () => {
  it("never fails, and always answers valid HTML or JSON", async () => {
    await publish(
      "seed",
      { title: 'Résumé of the (NEAR) "quoted" week', category: "World", published: secondsFromNow(-60) },
      "Body with <b>tags</b> & 北京.",
    );
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), async (values, json) => {
        const query = new URLSearchParams(values).toString();
        const response = await request(`/search${json ? ".json" : ""}?${query}`, {
          headers: { "CF-Connecting-IP": `prop-${++client}` },
        });
        expect([200, 400]).toContain(response.status);
        const body = await response.text();
        if (json) {
          expect(() => JSON.parse(body)).not.toThrow();
          return;
        }
        const { document } = parseHTML(body);
        expect(document.querySelector("h1")).not.toBeNull();
        expect(document.querySelector("main form input[name=q]")).not.toBeNull();
        // No markup gets in from the query: the only <mark>s are the index's, and no <b> at all.
        expect(document.querySelectorAll("main b")).toHaveLength(0);
        expect(document.querySelectorAll("script")).toHaveLength(0);
      }),
      { numRuns: 120 },
    );
  }, 120_000);
});
