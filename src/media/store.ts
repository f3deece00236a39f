/**
 * @module media/store
 * Uploaded images in R2. The bucket holds one object per distinct image, named by its content:
 *
 *   MEDIA (R2)
 *   └── <hash>.<ext>        the image's bytes, as served (location metadata already stripped)
 *       ├── httpMetadata    { contentType: "image/png" | … }
 *       └── customMetadata  { width, height, alt, editor, uploaded }   (width/height as displayed)
 *
 * Invariants: `hash` is the first 32 hex digits of the SHA-256 of the stored bytes, and `ext` is
 * the format sniffed from them. An object is written once and never overwritten, so its URL
 * `/media/<hash>.<ext>` names the same bytes forever and may be cached as immutable.
 */
import { SIGNATURES } from "./sniff";

/** A stored object's name; the hash is group 1. */
export const MEDIA_NAME = new RegExp(`^([0-9a-f]{32})\\.(${SIGNATURES.map((s) => s.ext).join("|")})$`);

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
 * The public path of a stored object.
 * @example mediaPath("0123456789abcdef0123456789abcdef.png") // "/media/0123456789abcdef0123456789abcdef.png"
 */
export function mediaPath(name: string): string {
  return `/media/${name}`;
}

/**
 * The content-hash name of an image's bytes.
 * @example await mediaName(bytes, "png") // "3f2a…(32 hex digits).png"
 */
export async function mediaName(bytes: Uint8Array, ext: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = [...digest.subarray(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex}.${ext}`;
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
 * The displayed size of an image on this site (`/media/<name>`), read from its R2 metadata: for
 * `width` and `height` attributes, so a page does not shift as its images load. Null for any other
 * URL, or an image that is not stored.
 */
export async function mediaSize(bucket: R2Bucket, url: string): Promise<{ width: number; height: number } | null> {
  const name = url.startsWith("/media/") ? url.slice("/media/".length) : "";
  if (!MEDIA_NAME.test(name)) return null;
  const object = await bucket.head(name);
  const width = Number(object?.customMetadata?.width);
  const height = Number(object?.customMetadata?.height);
  return width > 0 && height > 0 ? { width, height } : null;
}
