/**
 * @module data/rows
 * Rows checked where they leave D1: each read names the valibot schema of its row, and a row that
 * does not match (a column renamed by a migration, a hand edit) throws here, naming the query's
 * first words and the field, instead of travelling on as a wrong type. For the editorial database
 * only: the search database's rows, which the reader Worker reads, are checked without valibot
 * (data/search.ts, core/fields.ts).
 */
import * as v from "valibot";

/** Any valibot schema of a row. */
export type RowSchema = v.GenericSchema<unknown, unknown>;

const text = v.string();
const integer = v.number();
/** Common column types. */
export const col = {
  text,
  integer,
  nullableText: v.nullable(text),
  nullableInteger: v.nullable(integer),
} as const;

/** A row of these columns. */
export const row = <T extends v.ObjectEntries>(columns: T) => v.object(columns);

function check<S extends RowSchema>(schema: S, value: unknown, where: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((step) => String(step.key)).join(".") ?? "row";
  throw new TypeError(`D1 row from ${where}: ${path}: ${issue.message}`);
}

const label = (statement: D1PreparedStatement | string): string => (typeof statement === "string" ? statement : "a statement");

/** The rows of a result (one statement of a batch, say), each checked. */
export function rowsOf<S extends RowSchema>(result: D1Result | undefined, schema: S, where = "a batch"): v.InferOutput<S>[] {
  return (result?.results ?? []).map((value) => check(schema, value, where));
}

/** The first row of a result, checked, or null when there is none. */
export function firstOf<S extends RowSchema>(
  result: D1Result | undefined,
  schema: S,
  where = "a batch",
): v.InferOutput<S> | null {
  const first = result?.results[0];
  return first === undefined ? null : check(schema, first, where);
}

/** Runs a statement and resolves its rows, each checked. */
export async function all<S extends RowSchema>(statement: D1PreparedStatement, schema: S): Promise<v.InferOutput<S>[]> {
  return rowsOf(await statement.all(), schema, label(statement));
}

/** Runs a statement and resolves its first row, checked, or null. */
export async function first<S extends RowSchema>(statement: D1PreparedStatement, schema: S): Promise<v.InferOutput<S> | null> {
  const value = await statement.first();
  return value === null ? null : check(schema, value, label(statement));
}

/** A count's row. */
export const COUNT = row({ n: integer });

/** JSON kept in a column, parsed and checked; throws naming the column when it is not what it should be. */
export function parseJson<S extends RowSchema>(schema: S, json: string, column: string): v.InferOutput<S> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new TypeError(`D1 column ${column} holds text that is not JSON`);
  }
  return check(schema, value, column);
}
