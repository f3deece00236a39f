/**
 * @module core/media-sniff
 * Which image format a file is, read from its first bytes (its "magic number"), never from its name
 * or the Content-Type it was sent with. One small table: a format is accepted only if it is here.
 */

export type ImageType = "jpeg" | "png" | "webp" | "avif" | "gif";

/** The Content-Types of those formats: also what the Images binding is asked to write (media/variants.ts). */
export type ImageMime = `image/${ImageType}`;

export interface ImageFormat {
  type: ImageType;
  /** The Content-Type it is served with. */
  mime: ImageMime;
  /** The extension of its stored name. */
  ext: string;
}

interface Signature extends ImageFormat {
  matches: (bytes: Uint8Array) => boolean;
}

/** A signature that is a run of bytes at the start; `null` matches any byte. */
function startsWith(...pattern: (number | string | null)[]): (bytes: Uint8Array) => boolean {
  const expected = pattern.flatMap((part) => (typeof part === "string" ? [...part].map((ch) => ch.charCodeAt(0)) : [part]));
  return (bytes) => bytes.length >= expected.length && expected.every((byte, i) => byte === null || bytes[i] === byte);
}

const AVIF_BRANDS = new Set(["avif", "avis"]);

/**
 * ISO/IEC 14496-12 §4.3: an ISO-BMFF file opens with an `ftyp` box holding a major brand and a list
 * of compatible brands. An AVIF names `avif` (still) or `avis` (sequence) in either: encoders often
 * put `mif1` first and `avif` among the compatible ones. A HEIC file names `heic` and is refused.
 */
function isAvif(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || fourcc(bytes, 4) !== "ftyp") return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = view.getUint32(0);
  if (size < 16 || size > bytes.length) return false;
  // Major brand at 8, minor version at 12, then compatible brands to the end of the box.
  if (AVIF_BRANDS.has(fourcc(bytes, 8))) return true;
  for (let at = 16; at + 4 <= size; at += 4) if (AVIF_BRANDS.has(fourcc(bytes, at))) return true;
  return false;
}

/** Four bytes read as ASCII, as ISO-BMFF and RIFF name their boxes and chunks. */
export function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

export const SIGNATURES: readonly Signature[] = [
  // JPEG (ITU T.81 Annex B): the SOI marker, then the first segment's marker.
  { type: "jpeg", mime: "image/jpeg", ext: "jpg", matches: startsWith(0xff, 0xd8, 0xff) },
  // PNG (ISO/IEC 15948 §5.2): the eight-byte signature.
  { type: "png", mime: "image/png", ext: "png", matches: startsWith(0x89, "PNG", 0x0d, 0x0a, 0x1a, 0x0a) },
  // WebP: a RIFF container (any length) whose form type is WEBP.
  { type: "webp", mime: "image/webp", ext: "webp", matches: startsWith("RIFF", null, null, null, null, "WEBP") },
  { type: "avif", mime: "image/avif", ext: "avif", matches: isAvif },
  { type: "gif", mime: "image/gif", ext: "gif", matches: (bytes) => startsWith("GIF87a")(bytes) || startsWith("GIF89a")(bytes) },
];

/**
 * The image format of `bytes`, or undefined when they are none of the accepted ones.
 * @example sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])) // { type: "jpeg", mime: "image/jpeg", ext: "jpg" }
 */
export function sniffImage(bytes: Uint8Array): ImageFormat | undefined {
  const found = SIGNATURES.find((signature) => signature.matches(bytes));
  return found && { type: found.type, mime: found.mime, ext: found.ext };
}

/** The format stored under an extension, for serving. */
export function formatOfExtension(ext: string): ImageFormat | undefined {
  const found = SIGNATURES.find((signature) => signature.ext === ext);
  return found && { type: found.type, mime: found.mime, ext: found.ext };
}
