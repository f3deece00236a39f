/**
 * @module media/strip-metadata
 * Takes out of an uploaded image every container of metadata, which can say where it was taken
 * (Exif GPS, XMP, IPTC's city and sublocation) or by whom, before it is stored. Each format keeps
 * only the parts on a short list of what decoding needs, so a container nobody thought of is
 * dropped too. Only whole segments, chunks or blocks are dropped, so the picture itself is never
 * decoded or re-encoded:
 *
 * - JPEG: kept are the coding segments (SOF, DHT, DQT, DRI, SOS and the scans, …), APP0 JFIF/JFXX,
 *   APP2 ICC_PROFILE and APP14 Adobe (which says how to convert CMYK). Dropped are every other APPn
 *   (APP1 Exif and XMP, APP13 IPTC/Photoshop, APP2 FlashPix and MPF, APP12 Ducky, …), COM
 *   comments, and anything after the end-of-image marker (Multi-Picture Format appends further
 *   pictures, each with Exif of its own). If the Exif said how to turn the picture, a minimal Exif
 *   with only that Orientation tag takes its place, so phone photos do not end up on their side.
 * - PNG: kept are the critical chunks and the ancillary ones that change how pixels look
 *   (tRNS, gAMA, cHRM, sRGB, iCCP, cICP, mDCV, cLLI, sBIT, bKGD, pHYs, hIST) or animate them
 *   (acTL, fcTL, fdAT). Dropped are tEXt, zTXt, iTXt (XMP and "Raw profile" Exif hide there),
 *   eXIf, tIME, sPLT, private chunks and anything after `IEND`. Chunk CRCs cover one chunk each, so
 *   none changes. An unknown critical chunk cannot be decoded: the file is refused.
 * - WebP: kept are VP8, VP8L, VP8X, ALPH, ANIM, ANMF and ICCP; dropped are EXIF, XMP and any other
 *   chunk, with the RIFF size and the VP8X flags that announced them updated, and anything after
 *   the RIFF.
 * - GIF: kept are the image blocks, graphic control extensions and the NETSCAPE2.0/ANIMEXTS1.0
 *   application extension that makes an animation loop. Dropped are comment and plain-text
 *   extensions, every other application extension (XMP DataXMP among them), and anything after the
 *   trailer. A frame that reaches outside the logical screen is refused, so the screen's size, which
 *   the pixel limit checks, is the largest a reader's browser will decode.
 * - AVIF: its Exif and XMP are items addressed by byte offsets (`iloc`), which cannot be dropped
 *   without rewriting the container. An AVIF carrying either, or a top-level box other than
 *   ftyp, meta, moov, mdat, free and skip (an XMP `uuid` box), or bytes that are no box, is refused,
 *   with a hint to re-export it.
 *
 * Colour profiles (JPEG's APP2 ICC_PROFILE, PNG's iCCP, WebP's ICCP, AVIF's colr) are kept on
 * purpose: without them a wide-gamut photo (Display P3 from a phone, Adobe RGB from a camera)
 * shows wrong colours. A profile describes a colour space; its text is a description and a
 * copyright, never a place.
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
      if (stripped === "unknown critical chunk")
        return { ok: false, problem: "is a PNG with a critical chunk no browser can decode" };
      return stripped ? { ok: true, bytes: stripped } : { ok: false, problem: "is not a well-formed PNG" };
    }
    case "webp": {
      const stripped = stripWebp(bytes);
      return stripped ? { ok: true, bytes: stripped } : { ok: false, problem: "is not a well-formed WebP" };
    }
    case "avif": {
      const problem = avifProblem(bytes);
      return problem ? { ok: false, problem } : { ok: true, bytes };
    }
    case "gif": {
      const stripped = stripGif(bytes);
      return typeof stripped === "string" ? { ok: false, problem: stripped } : { ok: true, bytes: stripped };
    }
  }
}

// --- JPEG (ITU T.81 Annex B) ---

const APP0 = 0xe0;
const APP1 = 0xe1;
const APP15 = 0xef;
const COM = 0xfe;
const SOS = 0xda;
const EOI = 0xd9;
const SOI = 0xd8;

/** RSTn (0xD0–0xD7) and TEM (0x01) stand alone: no length follows them (T.81 §B.1.1.3). */
const isStandalone = (marker: number) => (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01;

/**
 * The application segments (APPn) decoding needs, by marker and the identifier their payload starts
 * with: JFIF's and its extension's (APP0), the ICC colour profile (APP2, ICC.1 Annex B.4) and
 * Adobe's colour transform (APP14, needed to decode CMYK and YCCK).
 */
const JPEG_KEPT_APP = new Map<number, string[]>([
  [APP0, ["JFIF\0", "JFXX\0"]],
  [0xe2, ["ICC_PROFILE\0"]],
  [0xee, ["Adobe"]],
]);

/** Whether the APPn segment `marker` with `payload` is one decoding needs (JPEG_KEPT_APP). */
function keptApp(marker: number, payload: Uint8Array): boolean {
  const ids = JPEG_KEPT_APP.get(marker) ?? [];
  return ids.some((id) => [...id].every((ch, i) => payload[i] === ch.charCodeAt(0)));
}

/** The JPEG without metadata segments or trailing data; undefined when its segments do not add up. */
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
    if (marker === COM || (marker >= APP0 && marker <= APP15 && !keptApp(marker, bytes.subarray(m + 3, end)))) {
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

/** The ancillary chunks that change how the pixels look or move (ISO/IEC 15948 §11.3, APNG). */
const PNG_KEPT_ANCILLARY = new Set([
  "tRNS",
  "gAMA",
  "cHRM",
  "sRGB",
  "iCCP",
  "cICP",
  "mDCV",
  "cLLI",
  "sBIT",
  "bKGD",
  "pHYs",
  "hIST",
  "acTL",
  "fcTL",
  "fdAT",
]);
const PNG_CRITICAL = new Set(["IHDR", "PLTE", "IDAT", "IEND"]);

/**
 * The PNG with only its critical chunks and PNG_KEPT_ANCILLARY, ending at IEND; undefined when its
 * chunks do not add up, and "unknown critical chunk" for one no decoder knows (§5.4: a chunk whose
 * type starts with an upper-case letter is critical).
 */
export function stripPng(bytes: Uint8Array): Uint8Array | "unknown critical chunk" | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const end = at + 12 + view.getUint32(at);
    const type = fourcc(bytes, at + 4);
    if (end > bytes.length) return undefined;
    const critical = /^[A-Z]/.test(type);
    if (critical && !PNG_CRITICAL.has(type)) return "unknown critical chunk";
    if (critical || PNG_KEPT_ANCILLARY.has(type)) kept.push(bytes.subarray(at, end));
    at = end;
    if (type === "IEND") return concat(kept);
  }
  return undefined;
}

// --- WebP (RFC 9649) ---

/** RFC 9649 §2.5–2.7: the chunks that make the picture, its animation and its colour profile. */
const WEBP_KEPT = new Set(["VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF", "ICCP"]);
/** RFC 9649 §2.7: VP8X flags. */
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

/** The WebP with only the WEBP_KEPT chunks; undefined when its chunks do not add up. */
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
    } else if (WEBP_KEPT.has(type)) {
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

/** The top-level boxes of a still or animated AVIF (ISO/IEC 14496-12, HEIF, AV1-AVIF). */
const AVIF_TOP_LEVEL = new Set(["ftyp", "meta", "moov", "mdat", "free", "skip"]);
const AVIF_HINT = "export it without metadata (avifenc --ignore-exif --ignore-xmp)";

/** Why an AVIF is refused (it carries metadata, or something that may be), or undefined. */
export function avifProblem(bytes: Uint8Array): string | undefined {
  if (avifHasMetadata(bytes)) return `is an AVIF with Exif or XMP metadata, which may say where it was taken: ${AVIF_HINT}`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = 0;
  for (const box of boxes(view, 0, bytes.length)) {
    if (!AVIF_TOP_LEVEL.has(box.type))
      return `is an AVIF with a "${box.type.replace(/[^\x20-\x7e]/g, "?")}" box, which may hold metadata: ${AVIF_HINT}`;
    end = box.end;
  }
  return end === bytes.length ? undefined : "is not a well-formed AVIF: it has bytes that are no box";
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

// --- GIF (GIF89a specification, 1990) ---

const GIF_EXTENSION = 0x21;
const GIF_IMAGE = 0x2c;
const GIF_TRAILER = 0x3b;
const GIF_GRAPHIC_CONTROL = 0xf9;
const GIF_APPLICATION = 0xff;
/** The application extensions that only say how often an animation loops. */
const GIF_LOOPING = new Set(["NETSCAPE2.0", "ANIMEXTS1.0"]);

/**
 * The GIF with only its image blocks, graphic control extensions and looping extension, ending at
 * its trailer (added when the file stops cleanly without one); or why it is refused.
 */
export function stripGif(bytes: Uint8Array): Uint8Array | string {
  const broken = "is not a well-formed GIF";
  if (bytes.length < 13) return broken;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const screen = { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  // §18: the logical screen descriptor; §19: a global colour table of 3 × 2^(N+1) bytes follows it.
  const flags = bytes[10] ?? 0;
  let at = 13 + (flags & 0x80 ? 3 << ((flags & 0x07) + 1) : 0);
  if (at > bytes.length) return broken;
  const kept: Uint8Array[] = [bytes.subarray(0, at)];
  /** Where the sub-blocks starting at `from` end (after their zero-length terminator), or -1. */
  const subBlocksEnd = (from: number): number => {
    let p = from;
    while (p < bytes.length) {
      const size = bytes[p] ?? 0;
      if (size === 0) return p + 1;
      p += 1 + size;
    }
    return -1;
  };
  while (at < bytes.length) {
    const introducer = bytes[at];
    if (introducer === GIF_TRAILER) {
      kept.push(bytes.subarray(at, at + 1));
      return concat(kept);
    }
    if (introducer === GIF_IMAGE) {
      // §20: left, top, width, height, flags; then a local colour table, the LZW code size and the data.
      if (at + 10 > bytes.length) return broken;
      const [left, top, width, height] = [1, 3, 5, 7].map((offset) => view.getUint16(at + offset, true)) as [
        number,
        number,
        number,
        number,
      ];
      if (left + width > screen.width || top + height > screen.height)
        return `${broken}: a frame reaches outside its ${screen.width} × ${screen.height} screen`;
      const local = bytes[at + 9] ?? 0;
      const data = at + 10 + (local & 0x80 ? 3 << ((local & 0x07) + 1) : 0) + 1;
      const end = data <= bytes.length ? subBlocksEnd(data) : -1;
      if (end < 0) return broken;
      kept.push(bytes.subarray(at, end));
      at = end;
      continue;
    }
    if (introducer !== GIF_EXTENSION || at + 2 > bytes.length) return broken;
    const label = bytes[at + 1];
    const end = subBlocksEnd(at + 2);
    if (end < 0) return broken;
    // §26: an application extension's first sub-block is its 8-byte identifier and 3-byte code.
    const application =
      label === GIF_APPLICATION && bytes[at + 2] === 11 ? String.fromCharCode(...bytes.subarray(at + 3, at + 14)) : "";
    if (label === GIF_GRAPHIC_CONTROL || GIF_LOOPING.has(application)) kept.push(bytes.subarray(at, end));
    at = end;
  }
  // Ended between blocks without a trailer: browsers show such a file, so it is completed.
  kept.push(new Uint8Array([GIF_TRAILER]));
  return concat(kept);
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
