import { describe, expect, it } from "vitest";
import { LIMITS, utf8Bytes } from "../../src/core/limits";
import { renderBody } from "../../src/core/markdown";
import { typicalArticle, WORST_CASES } from "../bench/worst-case-markdown";

// Inside workerd the clock stands still while code runs and moves on at I/O, so a digest before
// and after lets it show how long the render took. The bound only catches a return of the
// quadratic paths (which took 6 to 10 s at this size): the machines are shared, so the real figures
// (about 0.3 s at worst) belong to `npm run bench` and docs/limits.md, not to a timed test.
const GENEROUS_MS = 4_000;

async function tick(): Promise<void> {
  await crypto.subtle.digest("SHA-256", new Uint8Array(1));
}

describe("renderBody at the size limit", () => {
  it("builds every worst case within the size limit", () => {
    for (const { name, body } of WORST_CASES) expect(utf8Bytes(body), name).toBeLessThanOrEqual(LIMITS.bodyBytes);
  });

  it("renders a typical article at the size limit", () => {
    const rendered = renderBody(typicalArticle());
    expect(rendered.ok).toBe(true);
  });

  it.each(WORST_CASES.map(({ name, body }) => [name, body] as const))(
    "renders or refuses %s, quickly and without throwing",
    async (_name, body) => {
      await tick();
      const started = performance.now();
      const rendered = renderBody(body);
      await tick();
      expect(performance.now() - started).toBeLessThan(GENEROUS_MS);
      if (rendered.ok) {
        expect(utf8Bytes(rendered.html)).toBeLessThanOrEqual(LIMITS.htmlBytes);
      } else {
        expect(rendered.problems.length).toBeGreaterThan(0);
        for (const problem of rendered.problems) {
          expect(problem.field).toBe("body");
          expect(problem.problem).toMatch(/limit/);
        }
      }
    },
  );

  it.each([
    ["_a", "_a"],
    ["> ", "> "],
    ["[", "["],
    ["nested emphasis", "*a "],
  ])("refuses the audit's %s input with a problem, not an exception", (_name, unit) => {
    const rendered = renderBody(unit.repeat(Math.floor(LIMITS.bodyBytes / unit.length)));
    expect(rendered).toMatchObject({ ok: false, problems: [{ field: "body" }] });
  });
});
