/**
 * The data-layer rule: every SQL statement lives in src/data/. An import rule cannot see a call, so
 * this test reads every source file of the Workers and refuses `.prepare(` outside src/data/.
 */
import { describe, expect, it } from "vitest";

// Every TypeScript source under src/, as text (the CLI runs on Node against no D1 binding, and the
// desk's browser script has no D1 either, but they are read too: the rule has no exceptions).
const SOURCES = import.meta.glob<string>("../../src/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true });

/** The files outside src/data/ that call `.prepare(`, with the line of each call. */
function preparesOutsideData(sources: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [path, text] of Object.entries(sources)) {
    if (path.includes("/src/data/") || path.endsWith(".d.ts")) continue;
    text.split("\n").forEach((line, i) => {
      if (/\.prepare\s*\(/.test(line)) found.push(`${path.replace(/^(\.\.\/)+/, "")}:${i + 1}`);
    });
  }
  return found;
}

describe("the data layer", () => {
  it("reads the sources it checks", () => {
    // A glob that matched nothing would make the next test pass on no files at all.
    expect(Object.keys(SOURCES).length).toBeGreaterThan(100);
    expect(Object.keys(SOURCES).some((path) => path.endsWith("src/data/sql.ts"))).toBe(true);
    expect(Object.keys(SOURCES).some((path) => path.endsWith("src/pipeline/consumer.ts"))).toBe(true);
  });

  it("finds no `.prepare(` outside src/data/", () => {
    expect(preparesOutsideData(SOURCES)).toEqual([]);
  });

  it("would fail on one", () => {
    const planted = {
      "../../src/pipeline/consumer.ts": 'const a = 1;\nawait db.prepare("SELECT 1").first();',
      "../../src/data/articles.ts": 'db.prepare("SELECT 1")',
      "../../src/reader/x.ts": "db .prepare ('x')",
    };
    expect(preparesOutsideData(planted)).toEqual(["src/pipeline/consumer.ts:2", "src/reader/x.ts:1"]);
  });

  it("keeps src/data/ itself calling `.prepare(` only through sql.ts", () => {
    const direct = Object.entries(SOURCES)
      .filter(([path]) => path.includes("/src/data/") && !path.endsWith("/sql.ts"))
      .filter(([, text]) => /\.prepare\s*\(/.test(text))
      .map(([path]) => path);
    expect(direct).toEqual([]);
  });
});
