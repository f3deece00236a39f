/**
 * @module media/store
 * Uploaded images in R2. The bucket holds one object per distinct image, named by its content:
 *
 *   MEDIA (R2)
 *   ├── <hash>.<ext>          the image's bytes, as served (location metadata already stripped)
 *   │   ├── httpMetadata      { contentType: "image/png" | … }
 *   │   └── customMetadata    { width, height, alt, editor, uploaded }   (width/height as displayed)
 *   ├── w/<width>/<hash>.<ext>  a narrower copy ("variant") of <hash>.<ext>, made on first request
 *   │   ├── httpMetadata      { contentType }                    (the original's format)
 *   │   └── customMetadata    { width, height, source: "<hash>.<ext>" }
 *   └── failed/w/<width>/<hash>.<ext>  an empty marker: that variant is being made, or could not be
 *       └── customMetadata    { at (ms), reason }                 (media/variants.ts)
 *
 * Invariants: `hash` is the first 32 hex digits of the SHA-256 of the stored bytes, and `ext` is
 * the format sniffed from them. An object is written once and never overwritten, so its URL
 * `/media/<hash>.<ext>` names the same bytes forever and may be cached as immutable. A variant is
 * derived from the original alone, at one of a fixed set of widths narrower than it
 * (media/responsive.ts), so it too is written once and served as immutable at
 * `/media/w/<width>/<hash>.<ext>`; deleting an image means deleting its variants too
 * (`variantKey` and `variantFailureKey` for each width). Those keys contain a `/`, so they never match `MEDIA_NAME`.
 */
import { sha256Hex } from "../core/digest";
import { MEDIA_NAME, mediaNameOf, mediaPath } from "../core/media-names";

// Named here too, beside the layout they describe (media/names.ts holds them, free of Workers types).
export { MEDIA_NAME, mediaNameOf, mediaPath };

/** What the API answers about a stored image. */
export interface MediaInfo {
  url: string;
  width: number;
  height: number;
  /** Its Content-Type, e.g. image/png. */
  type: string;
  alt: string;
  bytes: number;
}

/** What is stored with an image, beside its bytes. */
export interface MediaMetadata {
  width: number;
  height: number;
  alt: string;
  editor: string;
  /** ms since the epoch. */
  uploaded: number;
}

/**
 * The content-hash name of an image's bytes.
 * @example await mediaName(bytes, "png") // "3f2a…(32 hex digits).png"
 */
export async function mediaName(bytes: Uint8Array, ext: string): Promise<string> {
  return `${await sha256Hex(bytes)}.${ext}`;
}

/** The API's view of a stored object. */
export function mediaInfo(object: R2Object): MediaInfo {
  const meta = object.customMetadata ?? {};
  return {
    url: mediaPath(object.key),
    width: Number(meta.width),
    height: Number(meta.height),
    type: object.httpMetadata?.contentType ?? "application/octet-stream",
    alt: meta.alt ?? "",
    bytes: object.size,
  };
}

/**
 * Stores an image under `name` unless an object of that name exists: the same name means the same
 * bytes, so the first upload's object (and its alt text, editor and time) is kept.
 */
export async function putMedia(
  bucket: R2Bucket,
  name: string,
  bytes: Uint8Array,
  contentType: string,
  metadata: MediaMetadata,
): Promise<{ created: boolean; object: R2Object }> {
  const existing = await bucket.head(name);
  if (existing) return { created: false, object: existing };
  const written = await bucket.put(name, bytes, {
    httpMetadata: { contentType },
    customMetadata: {
      width: String(metadata.width),
      height: String(metadata.height),
      alt: metadata.alt,
      editor: metadata.editor,
      uploaded: new Date(metadata.uploaded).toISOString(),
    },
    // Written only if still absent: of two uploads of the same image at once, the first one wins.
    onlyIf: { etagDoesNotMatch: "*" },
  });
  if (written) return { created: true, object: written };
  const winner = await bucket.head(name);
  if (!winner) throw new Error(`R2 refused to write ${name}, yet holds no such object`);
  return { created: false, object: winner };
}

/**
 * The R2 key of the variant of `name` at `width` pixels (see the layout above).
 * @example variantKey("0123456789abcdef0123456789abcdef.png", 640) // "w/640/0123456789abcdef0123456789abcdef.png"
 */
export function variantKey(name: string, width: number): string {
  return `w/${width}/${name}`;
}

/**
 * The R2 key of the marker that says variant `width` of `name` is being made or failed.
 * @example variantFailureKey("0123456789abcdef0123456789abcdef.png", 640) // "failed/w/640/0123456789abcdef0123456789abcdef.png"
 */
export function variantFailureKey(name: string, width: number): string {
  return `failed/${variantKey(name, width)}`;
}

/**
 * The displayed size of an image on this site (`/media/<name>`), read from its R2 metadata: for
 * `width` and `height` attributes, so a page does not shift as its images load. Null for any other
 * URL, or an image that is not stored.
 */
export async function mediaSize(bucket: R2Bucket, url: string): Promise<{ width: number; height: number } | null> {
  const name = mediaNameOf(url);
  if (name === undefined) return null;
  const object = await bucket.head(name);
  const width = Number(object?.customMetadata?.width);
  const height = Number(object?.customMetadata?.height);
  return width > 0 && height > 0 ? { width, height } : null;
}

/**
 * How many distinct images stored here one article's sizes are read for. Each is an R2 read at
 * save time, and a Worker's reads per request are limited (50 subrequests on the Free plan); an
 * article with more shows the rest without a size, as it would an image from elsewhere.
 */
export const MAX_SIZED_IMAGES = 40;

/**
 * The sizes of the images stored here among `urls` (in the order given, each read once, at most
 * {@link MAX_SIZED_IMAGES}), keyed by the URL as written. Other URLs are left out.
 * @example await mediaSizes(env.MEDIA, ["/media/0123456789abcdef0123456789abcdef.png", "https://a.example/b.jpg"])
 * // Map { "/media/0123456789abcdef0123456789abcdef.png" => { width: 700, height: 20 } }
 */
export async function mediaSizes(
  bucket: R2Bucket,
  urls: readonly string[],
): Promise<Map<string, { width: number; height: number }>> {
  const stored = [...new Set(urls)].filter((url) => mediaNameOf(url) !== undefined).slice(0, MAX_SIZED_IMAGES);
  const sizes = await Promise.all(stored.map((url) => mediaSize(bucket, url)));
  const found = new Map<string, { width: number; height: number }>();
  stored.forEach((url, i) => {
    const size = sizes[i];
    if (size) found.set(url, size);
  });
  return found;
}
