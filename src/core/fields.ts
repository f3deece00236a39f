/**
 * @module core/fields
 * Reading a record of known fields out of untrusted metadata (KV's, which an older release or a
 * hand edit may have written), without a schema library: the reader checks a few flat shapes on
 * every request, and valibot would be a tenth of its bundle. The writers' side keeps its schemas
 * (core/schema.ts); tests/unit/fields.test.ts checks both agree on any input.
 */

/** A check of one field's value. */
export type FieldCheck = (value: unknown) => boolean;

export const isText: FieldCheck = (value) => typeof value === "string";
/** A number, as valibot's `number()` means it: NaN is not one. */
export const isNumber: FieldCheck = (value) => typeof value === "number" && !Number.isNaN(value);
export const isFlag: FieldCheck = (value) => typeof value === "boolean";

/**
 * The fields of `value` named in `required` and `optional`, and no others, when each present one
 * passes its check and every required one is present; otherwise undefined. An optional field that
 * is `undefined` counts as absent.
 *
 * @example
 * pickFields({ etag: "x", extra: 1 }, { etag: isText }) // { etag: "x" }
 * pickFields({ etag: 3 }, { etag: isText }) // undefined
 */
export function pickFields(
  value: unknown,
  required: Record<string, FieldCheck>,
  optional: Record<string, FieldCheck> = {},
): Record<string, unknown> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const source = value as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const [name, check] of Object.entries(required)) {
    if (!check(source[name])) return undefined;
    picked[name] = source[name];
  }
  for (const [name, check] of Object.entries(optional)) {
    const field = source[name];
    if (field === undefined) continue;
    if (!check(field)) return undefined;
    picked[name] = field;
  }
  return picked;
}
