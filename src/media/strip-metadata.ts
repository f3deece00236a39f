/**
 * @module media/strip-metadata
 * Takes out of an uploaded image the metadata that can say where it was taken (Exif GPS, and XMP,
 * which can repeat it), before it is stored. Only whole segments or chunks are dropped, so the
 * picture itself is never decoded or re-encoded:
 *
 * - JPEG: every APP1 segment (Exif and XMP both live there) and anything after the end-of-image
 *   marker (Multi-Picture Format appends further pictures, each with Exif of its own). Everything
 *   else is kept. If the Exif said how to turn the picture, a minimal Exif with only that
 *   Orientation tag takes its place, so phone photos do not end up on their side.
 * - PNG: the `eXIf` chunk, the text chunks (`tEXt`, `zTXt`, `iTXt`: XMP and legacy "Raw profile"
 *   Exif hide there) and anything after `IEND`. Chunk CRCs cover one chunk each, so none changes.
 * - WebP: the `EXIF` and `XMP ` chunks of the RIFF container, with the RIFF size and the VP8X
 *   flags that announced them updated.
 * - AVIF: its Exif and XMP are items addressed by byte offsets (`iloc`), which cannot be dropped
 *   without rewriting the container. An AVIF carrying either is refused, with a hint to re-export it.
 * - GIF: has no Exif; it is stored as sent.
 */
import type { ImageType } from "../core/media-sniff";
import { fourcc } from "../core/media-sniff";

export type Stripped =
  | {
      ok: true;
      bytes: Uint8Array;
      /** The Exif Orientation kept from a JPEG (1–8), if it had one. */
      orientation?: number;
    }
  | { ok: false; problem: string };

/**
 * The image without its location metadata.
 * @example stripMetadata("png", pngBytes) // { ok: true, bytes: <the PNG without eXIf and text chunks> }
 */
export function stripMetadata(type: ImageType, bytes: Uint8Array): Stripped {
  switch (type) {
    case "jpeg": {
      const stripped = stripJpeg(bytes);
      return stripped ? { ok: true, ...stripped } : { ok: false, problem: "is not a well-formed JPEG" };
    }
    case "png": {
      const stripped = stripPng(bytes);
      return stripped ? { ok: true, bytes: stripped } : { ok: false, problem: "is not a well-formed PNG" };
    }
    case "webp": {
      const stripped = stripWebp(bytes);
      return stripped ? { ok: true, bytes: stripped } : { ok: false, problem: "is not a well-formed WebP" };
    }
    case "avif":
      return avifHasMetadata(bytes)
        ? {
            ok: false,
            problem:
              "is an AVIF with Exif or XMP metadata, which may say where it was taken: export it without metadata " +
              "(avifenc --ignore-exif --ignore-xmp)",
          }
        : { ok: true, bytes };
    case "gif":
      return { ok: true, bytes };
  }
}

// --- JPEG (ITU T.81 Annex B) ---

const APP1 = 0xe1;
const SOS = 0xda;
const EOI = 0xd9;
const SOI = 0xd8;

/** RSTn (0xD0–0xD7) and TEM (0x01) stand alone: no length follows them (T.81 §B.1.1.3). */
const isStandalone = (marker: number) => (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01;

/** The JPEG without APP1 segments or trailing data; undefined when its segments do not add up. */
export function stripJpeg(bytes: Uint8Array): { bytes: Uint8Array; orientation?: number } | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== SOI) return undefined;
  const kept: Uint8Array[] = [bytes.subarray(0, 2)];
  let exifAt: number | undefined;
  let orientation: number | undefined;
  let at = 2;
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    // Any number of 0xFF fill bytes may precede a marker (§B.1.1.2).
    let m = at + 1;
    while (m < bytes.length && bytes[m] === 0xff) m++;
    const marker = bytes[m];
    if (marker === undefined || marker === SOI) return undefined;
    if (marker === EOI) {
      kept.push(bytes.subarray(at, m + 1));
      break;
    }
    if (isStandalone(marker)) {
      kept.push(bytes.subarray(at, m + 1));
      at = m + 1;
      continue;
    }
    // The length counts itself but not the marker.
    const length = ((bytes[m + 1] ?? 0) << 8) | (bytes[m + 2] ?? 0);
    const end = m + 1 + length;
    if (length < 2 || end > bytes.length) return undefined;
    if (marker === APP1) {
      exifAt ??= kept.length;
      orientation ??= exifOrientation(bytes.subarray(m + 3, end));
      at = end;
      continue;
    }
    kept.push(bytes.subarray(at, end));
    at = end;
    if (marker === SOS) {
      // Entropy-coded data runs to the next marker: 0xFF followed by neither a stuffed 0x00, nor a
      // restart marker, nor another 0xFF.
      let next = at;
      while (next < bytes.length) {
        const following = bytes[next + 1];
        if (
          bytes[next] === 0xff &&
          following !== undefined &&
          following !== 0x00 &&
          following !== 0xff &&
          !isStandalone(following)
        )
          break;
        next++;
      }
      kept.push(bytes.subarray(at, next));
      at = next;
    }
  }
  if (orientation !== undefined && orientation > 1 && exifAt !== undefined)
    kept.splice(exifAt, 0, orientationOnlyExif(orientation));
  return { bytes: concat(kept), ...(orientation !== undefined ? { orientation } : {}) };
}

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0"
const ORIENTATION_TAG = 0x0112;

/** The Orientation tag (TIFF 6.0 tag 274) of IFD0 in an APP1 payload, if it is Exif and has one. */
export function exifOrientation(payload: Uint8Array): number | undefined {
  if (payload.length < 14 || !EXIF_HEADER.every((byte, i) => payload[i] === byte)) return undefined;
  const tiff = new DataView(payload.buffer, payload.byteOffset + 6, payload.byteLength - 6);
  const order = tiff.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return undefined;
  const little = order === 0x4949;
  const ifd = tiff.getUint32(4, little);
  if (ifd + 2 > tiff.byteLength) return undefined;
  const count = tiff.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.byteLength) return undefined;
    if (tiff.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    const value = tiff.getUint16(entry + 8, little);
    return value >= 1 && value <= 8 ? value : undefined;
  }
  return undefined;
}

/** An APP1 segment holding an Exif IFD0 with the one Orientation entry (a SHORT, big-endian). */
function orientationOnlyExif(orientation: number): Uint8Array {
  // biome-ignore format: one line per structure
  return new Uint8Array([
    0xff, APP1, 0x00, 0x22,                   // APP1, length 34
    ...EXIF_HEADER,
    0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 0x08,    // TIFF header: big-endian, IFD0 at 8
    0x00, 0x01,                               // one entry
    0x01, 0x12, 0x00, 0x03, 0, 0, 0, 0x01,    // Orientation, SHORT, count 1
    0x00, orientation, 0x00, 0x00,            // its value
    0, 0, 0, 0,                               // no next IFD
  ]);
}

// --- PNG (ISO/IEC 15948) ---

const PNG_DROPPED = new Set(["eXIf", "tEXt", "zTXt", "iTXt"]);

/** The PNG without its Exif and text chunks, ending at IEND; undefined when its chunks do not add up. */
export function stripPng(bytes: Uint8Array): Uint8Array | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const end = at + 12 + view.getUint32(at);
    const type = fourcc(bytes, at + 4);
    if (end > bytes.length) return undefined;
    if (!PNG_DROPPED.has(type)) kept.push(bytes.subarray(at, end));
    at = end;
    if (type === "IEND") return concat(kept);
  }
  return undefined;
}

// --- WebP (RFC 9649) ---

const WEBP_DROPPED = new Set(["EXIF", "XMP "]);
/** RFC 9649 §2.7: VP8X flags. */
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

/** The WebP without its EXIF and XMP chunks; undefined when its chunks do not add up. */
export function stripWebp(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length < 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffEnd = 8 + view.getUint32(4, true);
  if (riffEnd > bytes.length) return undefined;
  const kept: Uint8Array[] = [bytes.slice(0, 12)];
  let at = 12;
  while (at < riffEnd) {
    if (at + 8 > riffEnd) return undefined;
    const type = fourcc(bytes, at);
    const size = view.getUint32(at + 4, true);
    // Chunks are padded to an even length (§2.4).
    const end = at + 8 + size + (size % 2);
    if (end > riffEnd) return undefined;
    if (type === "VP8X" && size >= 1) {
      const chunk = bytes.slice(at, end);
      chunk[8] = (chunk[8] ?? 0) & ~(VP8X_EXIF | VP8X_XMP);
      kept.push(chunk);
    } else if (!WEBP_DROPPED.has(type)) {
      kept.push(bytes.subarray(at, end));
    }
    at = end;
  }
  const result = concat(kept);
  new DataView(result.buffer).setUint32(4, result.length - 8, true);
  return result;
}

// --- AVIF (ISO/IEC 23008-12 HEIF, ISO/IEC 14496-12 boxes) ---

interface Box {
  type: string;
  /** Where the box's content starts (after its header) and ends. */
  start: number;
  end: number;
}

function* boxes(view: DataView, from: number, to: number): Generator<Box> {
  let at = from;
  while (at + 8 <= to) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) return;
    yield {
      type: fourcc(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), at + 4),
      start: at + header,
      end: at + size,
    };
    at += size;
  }
}

/** Whether the file's `meta` box lists an `Exif` item or an XMP (`mime`, application/rdf+xml) one. */
export function avifHasMetadata(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const child = (box: Box, type: string, skip: number) =>
    [...boxes(view, box.start + skip, box.end)].find((b) => b.type === type);
  const meta = [...boxes(view, 0, bytes.length)].find((b) => b.type === "meta");
  if (!meta) return false;
  // `meta` and `iinf` are FullBoxes: version and flags come first; `iinf` then counts its entries.
  const iinf = child(meta, "iinf", 4);
  if (!iinf || iinf.end - iinf.start < 6) return false;
  const entries = boxes(view, iinf.start + 4 + (view.getUint8(iinf.start) === 0 ? 2 : 4), iinf.end);
  for (const infe of entries) {
    if (infe.type !== "infe" || infe.start >= infe.end) continue;
    const version = view.getUint8(infe.start);
    // Only version 2 and 3 entries have an item_type (§9.2 of ISO/IEC 14496-12), and AVIF requires them.
    if (version < 2) continue;
    const typeAt = infe.start + 4 + (version === 2 ? 2 : 4) + 2;
    if (typeAt + 4 > infe.end) continue;
    const itemType = fourcc(bytes, typeAt);
    if (itemType === "Exif") return true;
    if (itemType === "mime") {
      const text = new TextDecoder().decode(bytes.subarray(typeAt + 4, infe.end));
      if (/rdf\+xml|xmp/i.test(text)) return true;
    }
  }
  return false;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    result.set(part, at);
    at += part.length;
  }
  return result;
}
