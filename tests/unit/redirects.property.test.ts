/**
 * targets/redirects.ts on hostile input (property tests): whatever `from` and `to` an editor or an
 * import sends, what is accepted is a path on this site or an http(s) URL, with nothing that could
 * split a header or run a script; and planning keeps every chain at one hop, or finds the loop.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkFrom, checkTo, planRedirects, type Redirect, redirectLookupPath, targetKey } from "../../src/targets/redirects";

const SITE = "https://news.example";
/** Controls, space, DEL and the C1 controls: never in a stored path or URL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0020\u007f-\u009f]/;

/** Strings built from the characters that matter to URLs, with controls and other hosts mixed in. */
const hostile = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc
    .array(
      fc.constantFrom(
        "http://news.example//",
        "https://news.example/",
        "/",
        "//",
        "\\",
        ".",
        "..",
        "?",
        "#",
        "&",
        "=",
        "%",
        "%0A",
        "%2F",
        ":",
        "@",
        " ",
        "\r\n",
        "\u0000",
        "\u202e",
        "javascript:",
        "JAVASCRIPT:",
        "data:",
        "http://",
        "https://",
        "news.example",
        "evil.example",
        "a",
        "é",
        "p=1",
        "\t",
        "\u0085",
        "\u2028",
        "x",
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join("")),
);

describe("checkFrom", () => {
  it("accepts only paths on this site, in normal form", () => {
    fc.assert(
      fc.property(hostile, (raw) => {
        const checked = checkFrom(raw, SITE);
        if (!checked.ok) return;
        const from = checked.value;
        expect(from.startsWith("/")).toBe(true);
        expect(from.startsWith("//")).toBe(false);
        expect(from).not.toMatch(UNSAFE);
        expect(from).not.toMatch(/[\\#]/);
        // The normal form is a fixed point, and is what the reader looks up for the same URL.
        expect(checkFrom(from, SITE)).toEqual({ ok: true, value: from });
        const url = new URL(from, SITE);
        expect(url.host).toBe("news.example");
        expect(redirectLookupPath(url.pathname, url.search)).toBe(from);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses other hosts, however they are spelt", () => {
    for (const raw of [
      "https://evil.example/",
      "//evil.example/a",
      "/\\evil.example",
      "http://news.example.evil.example/",
      "https://news.example@evil.example/",
    ])
      expect(checkFrom(raw, SITE).ok, raw).toBe(false);
    expect(checkFrom("https://news.example/old/", SITE)).toEqual({ ok: true, value: "/old" });
  });
});

describe("checkTo", () => {
  it("accepts only paths on this site and http(s) URLs, never a script", () => {
    fc.assert(
      fc.property(hostile, (raw) => {
        const checked = checkTo(raw, SITE);
        if (!checked.ok) return;
        const to = checked.value;
        expect(to).toMatch(/^(\/(?![/\\])|https?:\/\/)/);
        expect(to).not.toMatch(UNSAFE);
        expect(new URL(to, SITE).protocol).toMatch(/^https?:$/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("planRedirects", () => {
  const path = fc.constantFrom("/a", "/b", "/c", "/d", "/e");
  const batch = fc.array(fc.record({ from: path, to: fc.oneof(path, fc.constant("https://elsewhere.example/")) }), {
    maxLength: 6,
  });

  it("keeps every chain at one hop, or refuses a real loop", () => {
    fc.assert(
      fc.property(batch, batch, (first, second) => {
        const unique = (list: Redirect[]) => [...new Map(list.map((r) => [r.from, r])).values()];
        const stored = new Map<string, string>();
        for (const list of [unique(first), unique(second)]) {
          const plan = planRedirects(list, stored);
          if (!plan.ok) {
            // A loop: following the batch laid over what is stored comes back to where it started.
            const all = new Map(stored);
            for (const r of list) all.set(r.from, r.to);
            const start = plan.loop.chain[0] as string;
            let at: string | undefined = all.get(start);
            const seen = new Set<string>();
            while (at !== undefined && at !== start && !seen.has(at)) {
              seen.add(at);
              at = all.get(targetKey(at) ?? "");
            }
            expect(at).toBe(start);
            continue;
          }
          for (const [from, to] of plan.rows) stored.set(from, to);
          for (const r of list) expect(stored.has(r.from)).toBe(true);
          // One hop: no stored `to` is another row's `from`, and none points at itself.
          for (const [from, to] of stored) {
            expect(stored.has(targetKey(to) ?? "")).toBe(false);
            expect(targetKey(to)).not.toBe(from);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
