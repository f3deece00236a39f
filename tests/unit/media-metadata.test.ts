import fc from "fast-check";
import { imageDimensionsFromData } from "image-dimensions";
import { describe, expect, it } from "vitest";
import { avifHasMetadata, exifOrientation, stripJpeg, stripMetadata, stripPng, stripWebp } from "../../src/media/strip-metadata";
import { pngChunk } from "../support/png-bytes";

// Tiny images built byte by byte, with just the structure each test needs.

type Part = number | string | Uint8Array | Part[];
function bytes(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  const add = (part: Part): void => {
    if (typeof part === "number") out.push(part);
    else if (typeof part === "string") for (const ch of part) out.push(ch.charCodeAt(0));
    else for (const p of part) add(p);
  };
  for (const part of parts) add(part);
  return new Uint8Array(out);
}
const u16 = (n: number) => [n >> 8, n & 0xff];
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const u32le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const contains = (haystack: Uint8Array, needle: Uint8Array) =>
  haystack.some((_, i) => needle.every((byte, j) => haystack[i + j] === byte));

// --- JPEG ---

const segment = (marker: number, ...payload: Part[]) => {
  const body = bytes(...payload);
  return bytes(0xff, marker, u16(body.length + 2), body);
};

/** Exif with IFD0 (Orientation, if given, and a pointer to a GPS IFD) and a GPS IFD at 35°N 139°E. */
function exif(options: { orientation?: number; littleEndian?: boolean } = {}): Uint8Array {
  const le = options.littleEndian === true;
  const s = (n: number) => (le ? [n & 0xff, n >> 8] : u16(n));
  const l = (n: number) => (le ? u32le(n) : u32(n));
  const entries: number[][] = [];
  if (options.orientation !== undefined) entries.push([...s(0x0112), ...s(3), ...l(1), ...s(options.orientation), 0, 0]);
  const gpsAt = 8 + 2 + 12 * (entries.length + 1) + 4;
  entries.push([...s(0x8825), ...s(4), ...l(1), ...l(gpsAt)]);
  const ifd0 = [...s(entries.length), ...entries.flat(), ...l(0)];
  // GPSLatitudeRef "N", GPSLatitude 35/1 0/1 0/1 (rationals after the IFD), GPSLongitude likewise.
  const rationalsAt = gpsAt + 2 + 12 * 3 + 4;
  const gps = [
    ...s(3),
    ...[...s(0x0001), ...s(2), ...l(2), 0x4e, 0, 0, 0],
    ...[...s(0x0002), ...s(5), ...l(3), ...l(rationalsAt)],
    ...[...s(0x0004), ...s(5), ...l(3), ...l(rationalsAt + 24)],
    ...l(0),
    ...[35, 1, 0, 1, 0, 1, 139, 1, 0, 1, 0, 1].flatMap((n) => l(n)),
  ];
  return bytes("Exif", 0, 0, le ? "II" : "MM", s(42), l(8), ifd0, gps);
}

const XMP = bytes("http://ns.adobe.com/xap/1.0/", 0, "<x:xmpmeta><exif:GPSLatitude>35,0.0N</exif:GPSLatitude></x:xmpmeta>");

/**
 * A 1×1 (or width×height) grey baseline JPEG: one quantisation table, one-code Huffman tables, and
 * a scan whose single block is "DC difference 0, end of block" (bits 00, padded with ones).
 */
function jpeg(
  options: { width?: number; height?: number; app1?: Uint8Array[]; afterScan?: Uint8Array; trailer?: Uint8Array } = {},
) {
  const { width = 1, height = 1 } = options;
  return bytes(
    0xff,
    0xd8,
    segment(0xe0, "JFIF", 0, 1, 1, 0, u16(1), u16(1), 0, 0),
    (options.app1 ?? []).map((payload) => segment(0xe1, payload)),
    segment(0xdb, 0, new Array(64).fill(1)),
    segment(0xc0, 8, u16(height), u16(width), 1, 1, 0x11, 0),
    segment(0xc4, 0x00, 1, new Array(15).fill(0), 0),
    segment(0xc4, 0x10, 1, new Array(15).fill(0), 0),
    segment(0xda, 1, 1, 0, 0, 0x3f, 0),
    0x3f,
    options.afterScan ?? [],
    0xff,
    0xd9,
    options.trailer ?? [],
  );
}

describe("stripJpeg", () => {
  it("drops the Exif APP1 with its GPS IFD and keeps every other segment as it was", () => {
    const withExif = jpeg({ app1: [exif()] });
    const stripped = stripJpeg(withExif);
    expect(stripped?.bytes).toEqual(jpeg());
    expect(contains(withExif, bytes(0x88, 0x25))).toBe(true);
    expect(contains(stripped?.bytes ?? withExif, bytes(0x88, 0x25))).toBe(false);
    expect(imageDimensionsFromData(stripped?.bytes ?? new Uint8Array())).toMatchObject({ width: 1, height: 1 });
  });

  it("drops XMP, which is APP1 too", () => {
    expect(stripJpeg(jpeg({ app1: [exif(), XMP] }))?.bytes).toEqual(jpeg());
  });

  it("keeps the orientation as a minimal Exif of one tag, where the Exif was", () => {
    const stripped = stripJpeg(jpeg({ width: 2, height: 1, app1: [exif({ orientation: 6 })] }));
    expect(stripped?.orientation).toBe(6);
    const minimal = bytes(
      0xff,
      0xe1,
      u16(34),
      "Exif",
      0,
      0,
      "MM",
      u16(42),
      u32(8),
      u16(1),
      u16(0x0112),
      u16(3),
      u32(1),
      u16(6),
      0,
      0,
      u32(0),
    );
    expect(stripped?.bytes).toEqual(jpeg({ width: 2, height: 1, app1: [minimal.subarray(4)] }));
    expect(exifOrientation(minimal.subarray(4))).toBe(6);
  });

  it("adds nothing when the orientation is the normal one", () => {
    const stripped = stripJpeg(jpeg({ app1: [exif({ orientation: 1, littleEndian: true })] }));
    expect(stripped).toEqual({ bytes: jpeg(), orientation: 1 });
  });

  it("reads the orientation in either byte order", () => {
    expect(exifOrientation(exif({ orientation: 8, littleEndian: true }))).toBe(8);
    expect(exifOrientation(exif({ orientation: 3 }))).toBe(3);
    expect(exifOrientation(exif())).toBeUndefined();
    expect(exifOrientation(XMP)).toBeUndefined();
  });

  it("walks the scan's stuffed bytes and restart markers, and drops APP1 between scans and data after the end", () => {
    const scan = bytes(0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff);
    const between = bytes(segment(0xe1, exif()), segment(0xda, 1, 1, 0, 0, 0x3f, 0), 0x3f);
    const withExtras = jpeg({ afterScan: bytes(scan, between), trailer: bytes(0xff, 0xd8, segment(0xe1, exif())) });
    const expected = jpeg({ afterScan: bytes(scan, segment(0xda, 1, 1, 0, 0, 0x3f, 0), 0x3f) });
    expect(stripJpeg(withExtras)?.bytes).toEqual(expected);
  });

  it("refuses segments that run past the end, and files that are no JPEG", () => {
    const truncated = jpeg({ app1: [exif()] }).subarray(0, 30);
    expect(stripJpeg(truncated)).toBeUndefined();
    expect(stripJpeg(bytes(0xff, 0xd8, 0x00, 0x01))).toBeUndefined();
    expect(stripJpeg(bytes(0x89, "PNG"))).toBeUndefined();
    expect(stripMetadata("jpeg", truncated)).toEqual({ ok: false, problem: "is not a well-formed JPEG" });
  });
});

// --- PNG ---

const chunk = (type: string, ...data: Part[]): Uint8Array => pngChunk(type, bytes(...data));
/** A 1×1 grey PNG; its IDAT is zlib's compression of the one row [filter 0, pixel 0]. */
function png(...ancillary: Uint8Array[]): Uint8Array {
  return bytes(
    0x89,
    "PNG",
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    chunk("IHDR", u32(1), u32(1), 8, 0, 0, 0, 0),
    ancillary,
    chunk("IDAT", 0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01),
    chunk("IEND"),
  );
}

describe("stripPng", () => {
  it("drops eXIf and the text chunks, keeps the rest, and leaves every CRC right", () => {
    const gamma = chunk("gAMA", u32(45455));
    const input = png(
      gamma,
      chunk("eXIf", exif().subarray(6)),
      chunk("iTXt", "XML:com.adobe.xmp", 0, 0, 0, 0, 0, "<x/>"),
      chunk("tEXt", "Comment", 0, "hi"),
    );
    expect(stripPng(input)).toEqual(png(gamma));
    expect(imageDimensionsFromData(png(gamma))).toMatchObject({ width: 1, height: 1 });
  });

  it("drops whatever follows IEND", () => {
    expect(stripPng(bytes(png(), exif()))).toEqual(png());
  });

  it("refuses a PNG whose chunks do not add up or that never ends", () => {
    expect(stripPng(png().subarray(0, 40))).toBeUndefined();
    expect(stripMetadata("png", png().subarray(0, 40))).toEqual({ ok: false, problem: "is not a well-formed PNG" });
  });
});

// --- WebP ---

function riffChunk(type: string, ...data: Part[]): Uint8Array {
  const body = bytes(...data);
  return bytes(type, u32le(body.length), body, body.length % 2 ? [0] : []);
}
function webp(flags: number, ...chunks: Uint8Array[]): Uint8Array {
  const body = bytes(
    "WEBP",
    riffChunk("VP8X", flags, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    riffChunk("VP8L", 0x2f, 0, 0, 0, 0, 0x07),
    ...chunks,
  );
  return bytes("RIFF", u32le(body.length), body);
}

describe("stripWebp", () => {
  it("drops the EXIF and XMP chunks, clears their VP8X flags and fixes the RIFF size", () => {
    const icc = riffChunk("ICCP", 1, 2, 3);
    const input = webp(0x20 | 0x08 | 0x04, icc, riffChunk("EXIF", exif()), riffChunk("XMP ", "<x/>"));
    expect(stripWebp(input)).toEqual(webp(0x20, icc));
    expect(imageDimensionsFromData(webp(0x20, icc))).toMatchObject({ width: 1, height: 1 });
  });

  it("refuses a WebP whose chunks run past the RIFF", () => {
    const broken = webp(0);
    broken[16] = 0xff;
    expect(stripWebp(broken)).toBeUndefined();
    expect(stripMetadata("webp", broken)).toEqual({ ok: false, problem: "is not a well-formed WebP" });
  });
});

// --- AVIF ---

const box = (type: string, ...data: Part[]) => {
  const body = bytes(...data);
  return bytes(u32(body.length + 8), type, body);
};
const fullBox = (type: string, version: number, ...data: Part[]) => box(type, version, 0, 0, 0, ...data);
/** An `infe` of version 2: item id, protection index 0, item type, name "". */
const infe = (id: number, type: string, ...rest: Part[]) => fullBox("infe", 2, u16(id), u16(0), type, 0, ...rest);
function avif(...items: Uint8Array[]): Uint8Array {
  return bytes(
    box("ftyp", "avif", u32(0), "avif", "mif1", "miaf"),
    fullBox(
      "meta",
      0,
      fullBox("hdlr", 0, u32(0), "pict", u32(0), u32(0), u32(0), 0),
      fullBox("iinf", 0, u16(items.length), items),
    ),
    box("mdat", 1, 2, 3),
  );
}

describe("AVIF metadata", () => {
  it("finds an Exif item or an XMP item", () => {
    expect(avifHasMetadata(avif(infe(1, "av01"), infe(2, "Exif")))).toBe(true);
    expect(avifHasMetadata(avif(infe(1, "av01"), infe(3, "mime", "application/rdf+xml", 0)))).toBe(true);
    expect(avifHasMetadata(avif(infe(1, "av01")))).toBe(false);
    expect(avifHasMetadata(box("ftyp", "avif", u32(0)))).toBe(false);
  });

  it("refuses an AVIF with metadata, and passes one without untouched", () => {
    const clean = avif(infe(1, "av01"));
    expect(stripMetadata("avif", clean)).toEqual({ ok: true, bytes: clean });
    expect(stripMetadata("avif", avif(infe(1, "av01"), infe(2, "Exif")))).toMatchObject({ ok: false });
  });
});

describe("GIF", () => {
  it("is stored as sent: it has no Exif", () => {
    const gif = bytes("GIF89a", 1, 0, 1, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b);
    expect(stripMetadata("gif", gif)).toEqual({ ok: true, bytes: gif });
  });
});

describe("damaged files", () => {
  it("are refused or passed, never thrown on", () => {
    const starts = {
      jpeg: jpeg({ app1: [exif({ orientation: 6 })] }),
      png: png(chunk("eXIf", exif().subarray(6))),
      webp: webp(0x08, riffChunk("EXIF", exif())),
      avif: avif(infe(1, "av01"), infe(2, "Exif")),
      gif: bytes("GIF89a"),
    } as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(starts) as (keyof typeof starts)[])),
        fc.nat(),
        fc.uint8Array({ maxLength: 64 }),
        (type, cut, noise) => {
          const start = starts[type];
          // The file cut short somewhere, then random bytes.
          const input = bytes(start.subarray(0, cut % (start.length + 1)), noise);
          expect(() => stripMetadata(type, input)).not.toThrow();
        },
      ),
      { numRuns: 2000 },
    );
  });
});
