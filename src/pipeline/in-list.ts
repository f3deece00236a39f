/**
 * @module pipeline/in-list
 * Statements over a list of values (`… WHERE id IN (…)`) that respect D1's limit of 100 bound
 * parameters a statement (https://developers.cloudflare.com/d1/platform/limits/): the values go in
 * parts of at most 90, which leaves room for the statement's other parameters.
 */

/** Values one statement binds at most, besides up to 10 others. */
export const IN_LIST_SIZE = 90;

/**
 * One statement per part of `values`: `{in}` in `sql` becomes that part's placeholders, bound after
 * `before`. No values, no statements.
 *
 * @example
 * await db.batch(inListStatements(db, "UPDATE outbox SET sent_at = NULL WHERE id IN ({in})", ids));
 * inListStatements(db, "DELETE FROM pending_purges WHERE mode = ? AND tag IN ({in})", tags, [mode]);
 */
export function inListStatements(
  db: D1Database,
  sql: string,
  values: readonly unknown[],
  before: readonly unknown[] = [],
): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < values.length; i += IN_LIST_SIZE) {
    const part = values.slice(i, i + IN_LIST_SIZE);
    statements.push(db.prepare(sql.replace("{in}", part.map(() => "?").join(","))).bind(...before, ...part));
  }
  return statements;
}
