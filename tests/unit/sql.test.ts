import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, sql, statement } from "../../src/data/sql";

describe("compile", () => {
  it("numbers each distinct name once, in order of first use", () => {
    expect(compile("SELECT * FROM t WHERE a = :a OR b = :a AND c = :c AND d = :b_2")).toEqual({
      text: "SELECT * FROM t WHERE a = ?1 OR b = ?1 AND c = ?2 AND d = ?3",
      names: ["a", "c", "b_2"],
    });
  });

  it("leaves colons inside string literals, quoted names and comments alone", () => {
    const compiled = compile(
      `SELECT ':not', 'it''s :still not', "col:x" FROM t -- :comment
       WHERE a = :a /* :block */ AND b = 'x:y'`,
    );
    expect(compiled.names).toEqual(["a"]);
    expect(compiled.text).toContain("':not'");
    expect(compiled.text).toContain("'it''s :still not'");
    expect(compiled.text).toContain('"col:x"');
    expect(compiled.text).toContain("-- :comment");
    expect(compiled.text).toContain("/* :block */");
    expect(compiled.text).toContain("'x:y'");
    expect(compiled.text).toContain("a = ?1");
  });

  it("leaves `::` and a colon not followed by a name alone", () => {
    expect(compile("SELECT a::text, ':' || b, c = :c, 1 : 2")).toEqual({
      text: "SELECT a::text, ':' || b, c = ?1, 1 : 2",
      names: ["c"],
    });
  });

  it("never leaves a placeholder for a name it did not number (any names, any order, repeated)", () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/);
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 12 }), (names) => {
        const text = `SELECT ${names.map((n) => `:${n}`).join(", ")}`;
        const compiled = compile(text);
        expect(compiled.names).toEqual([...new Set(names)]);
        const numbers = [...compiled.text.matchAll(/\?(\d+)/g)].map((m) => Number(m[1]));
        expect(numbers.map((n) => compiled.names[n - 1])).toEqual(names);
      }),
    );
  });
});

describe("statement and sql, against D1", () => {
  it("binds a name used twice once, booleans as 0 and 1, and null", async ({ expect }) => {
    const { env } = await import("cloudflare:workers");
    const db = (env as unknown as { DB: D1Database }).DB;
    const echo = statement<{ a: number; flag: boolean; none: null }>("SELECT :a AS x, :a + 1 AS y, :flag AS f, :none AS n");
    expect(await echo(db, { a: 41, flag: true, none: null }).first()).toEqual({ x: 41, y: 42, f: 1, n: null });
    expect(await sql(db, "SELECT ':a' AS literal, :a AS a", { a: "yes" }).first()).toEqual({ literal: ":a", a: "yes" });
  });

  it("throws, naming the parameter, when one is missing", async ({ expect }) => {
    const { env } = await import("cloudflare:workers");
    const db = (env as unknown as { DB: D1Database }).DB;
    const find = statement<{ slug: string }>("SELECT :slug AS s");
    expect(() => find(db, {} as { slug: string })).toThrow(":slug is missing");
  });
});
