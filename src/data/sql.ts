/**
 * @module data/sql
 * The one way SQL reaches D1: statements written with named parameters (`:slug`), turned into D1's
 * positional form once per statement text. Every module under src/data/ uses it; `.prepare(` appears
 * nowhere else in src/ (the layer check enforces it).
 *
 * @example
 * const find = statement<{ slug: string }>("SELECT id FROM articles WHERE slug = :slug");
 * await find(db, { slug: "a" }).first();
 */

/** A parameter value D1 can bind. */
export type SqlValue = string | number | null | ArrayBuffer | Uint8Array;

interface Compiled {
  text: string;
  names: string[];
}

const compiled = new Map<string, Compiled>();

// A name is `:` then a letter or underscore, then word characters. `::` (never valid SQLite) and
// colons inside string literals or comments are left alone.
const TOKEN = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|::|:([A-Za-z_]\w*)/g;

/**
 * The positional form of a statement with named parameters: each distinct name becomes one `?N`,
 * so a name used twice binds once.
 *
 * @example
 * compile("SELECT * FROM t WHERE a = :a OR b = :a AND c = :c") // { text: "… a = ?1 OR b = ?1 AND c = ?2", names: ["a", "c"] }
 */
export function compile(sql: string): Compiled {
  const cached = compiled.get(sql);
  if (cached) return cached;
  const names: string[] = [];
  const text = sql.replace(TOKEN, (match, name: string | undefined) => {
    if (name === undefined) return match;
    let index = names.indexOf(name);
    if (index < 0) index = names.push(name) - 1;
    return `?${index + 1}`;
  });
  const result = { text, names };
  compiled.set(sql, result);
  return result;
}

/**
 * A statement with named parameters, ready to bind: call it with a database and the parameters.
 * A missing parameter throws at once (a programming error, never an editor's): binding `undefined`
 * would otherwise fail inside D1 with a message that names no parameter.
 */
export function statement<P extends Record<string, SqlValue | boolean | undefined> = Record<string, never>>(sql: string) {
  const { text, names } = compile(sql);
  return function bound(db: D1Database, params: P = {} as P): D1PreparedStatement {
    const values = names.map((name) => {
      const value = params[name];
      if (value === undefined) throw new TypeError(`SQL parameter :${name} is missing`);
      return typeof value === "boolean" ? (value ? 1 : 0) : value;
    });
    const prepared = db.prepare(text);
    return values.length ? prepared.bind(...values) : prepared;
  };
}

/** Binds named parameters to `sql` on `db` for a one-off statement (one built from a list, say). */
export function sql(
  db: D1Database,
  text: string,
  params: Record<string, SqlValue | boolean | undefined> = {},
): D1PreparedStatement {
  return statement<Record<string, SqlValue | boolean | undefined>>(text)(db, params);
}
