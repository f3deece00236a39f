/**
 * @module media/upload
 * Taking in an editor's image: check its size and format from its bytes, strip what could say
 * where it was taken, measure it (refusing more than MAX_IMAGE_PIXELS), and store it under its
 * content hash. A refused upload writes nothing.
 */
import { imageDimensionsFromData } from "image-dimensions";
import { LIMITS } from "../core/limits";
import { type ImageFormat, sniffImage } from "../core/media-sniff";
import type { FieldProblem } from "../core/schema";
import { normalizeAlt } from "./alt";
import { type MediaInfo, mediaInfo, mediaName, putMedia } from "./store";
import { stripMetadata } from "./strip-metadata";

/** The largest image accepted: 10 MiB, far above what a web page should carry. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/**
 * The most pixels an image may have: 50 megapixels, more than a 45-megapixel camera's full frame.
 * A browser decodes an image to 4 bytes a pixel, so this is 200 MB for a reader's device to hold;
 * a small file can declare far more (a 300 KB PNG of 50,000 × 50,000 pixels would be 10 GB), and
 * such a "decompression bomb" must never reach a reader or the Images binding.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

/**
 * The longest alt text, in characters (code points): a sentence or two, as screen-reader users
 * prefer. The same number as an article's `image.alt` (content/limits.ts).
 */
export const MAX_ALT_LENGTH = LIMITS.altLength;

export interface Upload {
  bytes: Uint8Array;
  /** Alt text, already checked by `checkAlt`. */
  alt: string;
  editor: string;
  /** ms since the epoch. */
  now: number;
}

export type UploadRefusal = { ok: false; status: 400 | 413 | 415; error: string; details: FieldProblem[] };
export type UploadResult = { ok: true; created: boolean; media: MediaInfo } | UploadRefusal;

const SUPPORTED = "JPEG, PNG, WebP, AVIF or GIF";

/**
 * Alt text from a form field: whitespace runs become one space, and it must say something, briefly.
 * @example checkAlt("  A heron,\n fishing ") // { ok: true, alt: "A heron, fishing" }
 */
export function checkAlt(value: unknown): { ok: true; alt: string } | { ok: false; problem: FieldProblem } {
  if (typeof value !== "string") return { ok: false, problem: { field: "alt", problem: "is required: describe the image" } };
  const alt = normalizeAlt(value);
  if (alt === "") return { ok: false, problem: { field: "alt", problem: "is required: describe the image" } };
  if (/\p{Cc}/u.test(alt)) return { ok: false, problem: { field: "alt", problem: "contains control characters" } };
  // Characters as readers count them (code points), not UTF-16 units.
  if ([...alt].length > MAX_ALT_LENGTH)
    return { ok: false, problem: { field: "alt", problem: `is longer than ${MAX_ALT_LENGTH} characters` } };
  return { ok: true, alt };
}

/**
 * Checks and stores one image. The same bytes uploaded again give the same name, `created: false`,
 * and no write.
 */
export async function uploadImage(bucket: R2Bucket, upload: Upload): Promise<UploadResult> {
  if (upload.bytes.length > MAX_IMAGE_BYTES) return tooLarge();
  const image = inspectImage(upload.bytes);
  if (!image.ok) {
    switch (image.failed) {
      case "format":
        return unsupported(`is not a ${SUPPORTED} image (its bytes say so, whatever its name or type)`);
      case "metadata":
        return unsupported(image.problem);
      case "size":
        return unsupported(`looks like a ${image.format.type} but its size cannot be read`);
    }
  }
  if (image.width * image.height > MAX_IMAGE_PIXELS) return tooManyPixels(image.width, image.height);
  const { format, bytes } = image;
  const name = await mediaName(bytes, format.ext);
  const { created, object } = await putMedia(bucket, name, bytes, format.mime, {
    width: image.width,
    height: image.height,
    alt: upload.alt,
    editor: upload.editor,
    uploaded: upload.now,
  });
  return { ok: true, created, media: mediaInfo(object) };
}

/**
 * What `bytes` are as an image, read as an upload and a resized copy both are: the format sniffed
 * from them, the bytes without what could say where it was taken (as they are stored), and the
 * displayed size. When they cannot be stored, the step that failed: no accepted format, metadata
 * that cannot be stripped (`problem` says why), or a size that cannot be read.
 * @example inspectImage(pngBytes) // { ok: true, format: { type: "png", … }, bytes, width: 3, height: 2 }
 * @example inspectImage(new Uint8Array([1, 2, 3])) // { ok: false, failed: "format" }
 */
export function inspectImage(bytes: Uint8Array): Inspection {
  const format = sniffImage(bytes);
  if (!format) return { ok: false, failed: "format" };
  const stripped = stripMetadata(format.type, bytes);
  if (!stripped.ok) return { ok: false, failed: "metadata", format, problem: stripped.problem };
  const size = displayedSize(stripped.bytes, stripped.orientation);
  if (!size) return { ok: false, failed: "size", format };
  return { ok: true, format, bytes: stripped.bytes, ...size };
}

/** What {@link inspectImage} finds. */
export type Inspection =
  | { ok: true; format: ImageFormat; bytes: Uint8Array; width: number; height: number }
  | { ok: false; failed: "format"; format?: undefined }
  | { ok: false; failed: "metadata"; format: ImageFormat; problem: string }
  | { ok: false; failed: "size"; format: ImageFormat };

/**
 * Width and height in pixels as readers see the image: its header's, swapped when its EXIF
 * orientation (5–8) turns it a quarter. Undefined when the header cannot be read or says zero.
 * @example displayedSize(pngBytes) // { width: 3, height: 2 }
 * @example displayedSize(jpegBytes, 6) // the header's width and height, swapped
 */
export function displayedSize(bytes: Uint8Array, orientation = 1): { width: number; height: number } | undefined {
  const size = dimensions(bytes);
  if (!size || size.width === 0 || size.height === 0) return undefined;
  return orientation >= 5 ? { width: size.height, height: size.width } : { width: size.width, height: size.height };
}

/** Width and height in pixels, or undefined when the header cannot be read. */
function dimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  try {
    return imageDimensionsFromData(bytes);
  } catch {
    // A damaged header is the sender's problem, to be refused, not a server error.
    return undefined;
  }
}

export function tooLarge(): UploadRefusal {
  return {
    ok: false,
    status: 413,
    error: `The image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MiB`,
    details: [{ field: "file", problem: `is larger than ${MAX_IMAGE_BYTES} bytes` }],
  };
}

/** 413: the file may be small, but the picture it declares is too large to decode. */
export function tooManyPixels(width: number, height: number): UploadRefusal {
  const count = (n: number) => n.toLocaleString("en-GB");
  return {
    ok: false,
    status: 413,
    error: `The image has more than ${count(MAX_IMAGE_PIXELS)} pixels (${MAX_IMAGE_PIXELS / 1_000_000} megapixels)`,
    details: [
      {
        field: "file",
        problem: `is ${count(width)} × ${count(height)} pixels (${count(width * height)}); the most accepted is ${count(MAX_IMAGE_PIXELS)}`,
      },
    ],
  };
}

function unsupported(problem: string): UploadRefusal {
  return { ok: false, status: 415, error: `Send a ${SUPPORTED} image`, details: [{ field: "file", problem }] };
}
