/**
 * @module cache/conditional
 * Strong ETags from content, and conditional GET: `If-None-Match`, then `If-Modified-Since`.
 */
import { sha256Hex } from "../core/digest";
import { EDGE_CACHE_CONTROL } from "./policy";

/** A strong ETag: the first 128 bits of the body's SHA-256. */
export async function strongEtag(body: string): Promise<string> {
  return `"${await sha256Hex(body)}"`;
}

// RFC 9110 §15.4.5: a 304 carries the headers a 200 would have had for caching, and no body.
const KEPT_ON_304 = [
  "Cache-Control",
  EDGE_CACHE_CONTROL,
  "Content-Location",
  "Date",
  "ETag",
  "Expires",
  "Vary",
  "Last-Modified",
  "Cache-Tag",
  "X-Cache",
];

/**
 * Answers 304 Not Modified when the request's validators match the response's. RFC 9110 §13.2.2:
 * `If-None-Match` is checked first, and `If-Modified-Since` only when it is absent.
 */
export function notModified(request: Request, response: Response): Response | null {
  if (response.status !== 200 || (request.method !== "GET" && request.method !== "HEAD")) return null;
  const etag = response.headers.get("ETag");
  const ifNoneMatch = request.headers.get("If-None-Match");
  let matches = false;
  if (ifNoneMatch !== null) {
    // Weak comparison (§8.8.3.2), as If-None-Match requires.
    const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
    matches = etag !== null && (ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((t) => opaque(t) === opaque(etag)));
  } else {
    const since = Date.parse(request.headers.get("If-Modified-Since") ?? "");
    const modified = Date.parse(response.headers.get("Last-Modified") ?? "");
    matches = !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
  }
  if (!matches) return null;
  const headers = new Headers();
  for (const name of KEPT_ON_304) {
    const value = response.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Response(null, { status: 304, headers });
}
