/**
 * @module media/range
 * The one byte range a `Range` header asks for, against a representation of known size (RFC 9110 §14).
 */

/** A satisfiable range: `length` bytes from `offset`, as R2's `get` takes it. */
export interface ByteRange {
  offset: number;
  length: number;
}

/**
 * Reads `Range: bytes=…` for a representation of `size` bytes.
 *
 * - A range to serve (206), clamped to the representation.
 * - `"unsatisfiable"` (416) when it starts past the end, or asks for a zero-length suffix.
 * - `undefined` (a plain 200) when there is no header, or one this server ignores, as §14.2 lets it:
 *   another unit, invalid syntax, or several ranges (multipart/byteranges is not worth it for images).
 *
 * @example parseRange("bytes=0-99", 1000) // { offset: 0, length: 100 }
 * @example parseRange("bytes=-100", 1000) // { offset: 900, length: 100 }
 * @example parseRange("bytes=1000-", 1000) // "unsatisfiable"
 */
export function parseRange(header: string | null | undefined, size: number): ByteRange | "unsatisfiable" | undefined {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header ?? "");
  if (!match) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "") {
    // A suffix range: the last N bytes (§14.1.2).
    if (last === "") return undefined;
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const start = Number(first);
  // A last position before the first is invalid syntax (§14.1.1), ignored rather than refused.
  if (last !== "" && Number(last) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { offset: start, length: end - start + 1 };
}

/** The `Content-Range` of a 206, or of a 416 when `range` is undefined (§14.4). */
export function contentRange(size: number, range?: ByteRange): string {
  return range ? `bytes ${range.offset}-${range.offset + range.length - 1}/${size}` : `bytes */${size}`;
}
