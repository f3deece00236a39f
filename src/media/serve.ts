/**
 * @module media/serve
 * Serves a stored image from R2. Its name is its content hash, so the hash is a strong ETag and the
 * response may be kept by every cache for a year. Answers conditional requests (304), `HEAD`, and
 * single byte ranges (206, or 416). Variants (media/variants.ts) are served the same way.
 */
import { notModified } from "../cache/conditional";
import { NO_STORE, TTL } from "../cache/policy";
import { toRfc822 } from "../core/dates";
import { MEDIA_NAME } from "../core/media-names";
import { type ByteRange, contentRange, parseRange } from "./range";

/** RFC 8246: the bytes behind a content-hash name never change, so revalidating is pointless. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** Purge tags: every image, and one image (for a takedown). */
export const MEDIA_TAGS = { all: "media", image: (hash: string) => `media:${hash}` } as const;

// Browsers must take the bytes as the stored type and nothing else, and never run anything in them.
const SAFETY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "default-src 'none'; sandbox",
  // Feed readers and other sites may embed our images.
  "Cross-Origin-Resource-Policy": "cross-origin",
} as const;

/**
 * The response to a GET or HEAD of `/media/<name>`.
 * @example await serveMedia(env.MEDIA, request, "0123456789abcdef0123456789abcdef.png")
 */
export async function serveMedia(bucket: R2Bucket, request: Request, name: string): Promise<Response> {
  const hash = MEDIA_NAME.exec(name)?.[1];
  if (hash === undefined) return notFound();
  return (await serveStored(bucket, request, name, { hash, etag: () => `"${hash}"` })) ?? notFound();
}

/** How {@link serveStored} labels what it serves. */
export interface StoredOptions {
  /** The image's content hash, for its purge tags: an original and its variants share them. */
  hash: string;
  /** The strong ETag of the object's bytes. */
  etag: (object: R2Object) => string;
  /** Defaults to {@link IMMUTABLE}. */
  cacheControl?: string;
}

/**
 * The response to a GET or HEAD of the R2 object at `key`, or null when there is none: conditional
 * requests (304), `HEAD` and single byte ranges (206, or 416) answered as for an original.
 * @example await serveStored(env.MEDIA, request, "w/640/0123….png", { hash: "0123…", etag: (o) => o.httpEtag })
 */
export async function serveStored(
  bucket: R2Bucket,
  request: Request,
  key: string,
  options: StoredOptions,
): Promise<Response | null> {
  const rangeHeader = request.headers.get("Range");
  const conditional = request.headers.has("If-None-Match") || request.headers.has("If-Modified-Since");

  // The common case, a plain GET: one R2 read.
  if (request.method === "GET" && !conditional && rangeHeader === null) {
    const object = await bucket.get(key);
    return object ? new Response(object.body, { headers: headersFor(object, options) }) : null;
  }

  // Otherwise the object's size and validators decide first, without reading its bytes.
  const head = await bucket.head(key);
  if (!head) return null;
  const headers = headersFor(head, options);
  // RFC 9110 §13.2.2: preconditions are evaluated before Range.
  const unchanged = notModified(request, new Response(null, { headers }));
  if (unchanged) return unchanged;
  // §14.2: Range is defined only for GET; a HEAD answers as the full GET would.
  if (request.method === "HEAD") return new Response(null, { headers });

  const range = rangeHeader !== null && ifRangeHolds(request, headers) ? parseRange(rangeHeader, head.size) : undefined;
  if (range === "unsatisfiable") {
    return new Response(null, {
      status: 416,
      headers: { "Content-Range": contentRange(head.size), "Cache-Control": NO_STORE, ...SAFETY_HEADERS },
    });
  }
  const object = await bucket.get(key, range ? { range } : {});
  // Deleted since the head: as if it never was.
  if (!object) return null;
  if (!range) return new Response(object.body, { headers: headersFor(object, options) });
  return new Response(object.body, { status: 206, headers: partialHeaders(headersFor(object, options), object.size, range) });
}

function headersFor(object: R2Object, options: StoredOptions): Headers {
  return new Headers({
    "Content-Type": object.httpMetadata?.contentType ?? "application/octet-stream",
    "Content-Length": String(object.size),
    "Cache-Control": options.cacheControl ?? IMMUTABLE,
    ETag: options.etag(object),
    "Last-Modified": toRfc822(object.uploaded.getTime()),
    "Accept-Ranges": "bytes",
    "Cache-Tag": `${MEDIA_TAGS.all},${MEDIA_TAGS.image(options.hash)}`,
    ...SAFETY_HEADERS,
  });
}

function partialHeaders(headers: Headers, size: number, range: ByteRange): Headers {
  headers.set("Content-Range", contentRange(size, range));
  headers.set("Content-Length", String(range.length));
  return headers;
}

/**
 * RFC 9110 §13.1.5: with `If-Range`, the range is served only if the representation is still the
 * one the client has part of. Our validator is a strong ETag; a date is never strong enough here.
 */
function ifRangeHolds(request: Request, headers: Headers): boolean {
  const ifRange = request.headers.get("If-Range");
  return ifRange === null || ifRange.trim() === headers.get("ETag");
}

/** No such image. Short-lived, as the site's other 404s: the name may yet be uploaded. */
export function notFound(): Response {
  return new Response("Not Found\n", {
    status: 404,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": `public, max-age=${TTL.notFound}`,
      ...SAFETY_HEADERS,
    },
  });
}
