import fc from "fast-check";
import { imageDimensionsFromData } from "image-dimensions";
import { describe, expect, it } from "vitest";
import {
  avifHasMetadata,
  avifProblem,
  exifOrientation,
  stripGif,
  stripJpeg,
  stripMetadata,
  stripPng,
  stripWebp,
} from "../../src/media/strip-metadata";
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

// --- GIF ---

const le16 = (n: number) => [n & 0xff, n >> 8];
/** A frame: image descriptor at (left, top) of width × height, no local table, one LZW sub-block. */
const frame = (width = 1, height = 1, left = 0, top = 0) =>
  bytes(0x2c, le16(left), le16(top), le16(width), le16(height), 0, 2, 2, 0x44, 1, 0);
/** An extension: introducer, label, then `data` cut into sub-blocks of at most 255 bytes. */
function extension(label: number, ...data: Part[]): Uint8Array {
  const body = bytes(...data);
  const blocks: Part[] = [];
  for (let at = 0; at < body.length; at += 255) {
    const piece = body.subarray(at, at + 255);
    blocks.push(piece.length, piece);
  }
  return bytes(0x21, label, blocks, 0);
}
const graphicControl = extension(0xf9, 0, 10, 0, 0);
const looping = bytes(0x21, 0xff, 11, "NETSCAPE2.0", 3, 1, 0, 0, 0);
/** Adobe's XMP in a GIF: the application "XMP DataXMP", the packet, then a "magic trailer". */
const gifXmp = extension(0xff, "XMP DataXMP", "<x:xmpmeta><exif:GPSLatitude>35,0.0N</exif:GPSLatitude></x:xmpmeta>");
/** A GIF with a 2-colour global table, screen `screen`, and `blocks`. */
function gif(blocks: Uint8Array[], screen: [number, number] = [1, 1], trailer: Part[] = [0x3b]): Uint8Array {
  return bytes("GIF89a", le16(screen[0]), le16(screen[1]), 0x80, 0, 0, 0, 0, 0, 255, 255, 255, blocks, trailer);
}

describe("stripGif", () => {
  it("keeps the frames, graphic control and NETSCAPE looping, as they were", () => {
    const clean = gif([looping, graphicControl, frame(), graphicControl, frame()]);
    expect(stripMetadata("gif", clean)).toEqual({ ok: true, bytes: clean });
    expect(imageDimensionsFromData(clean)).toMatchObject({ width: 1, height: 1 });
  });

  it.each([
    ["a comment extension", extension(0xfe, "Taken at 35.0N 139.0E")],
    ["an XMP application extension (with GPS)", gifXmp],
    ["another application extension", extension(0xff, "ICCRGBG1012", 1, 2, 3)],
    ["a plain-text extension", extension(0x01, new Array(12).fill(0), "Tokyo")],
    ["an unknown extension", extension(0x7a, "secret")],
  ])("drops %s", (_case, block) => {
    const clean = gif([looping, graphicControl, frame()]);
    expect(stripGif(gif([looping, block, graphicControl, frame(), block]))).toEqual(clean);
  });

  it("drops the bytes after the trailer, and completes a file that stops cleanly without one", () => {
    expect(stripGif(gif([frame()], [1, 1], [0x3b, ...XMP]))).toEqual(gif([frame()]));
    expect(stripGif(gif([frame()], [1, 1], []))).toEqual(gif([frame()]));
  });

  it("refuses a frame outside its screen, a block cut short, and bytes that are no block", () => {
    expect(stripGif(gif([frame(2, 1)]))).toMatch(/a frame reaches outside its 1 × 1 screen/);
    expect(stripGif(gif([frame(1, 1, 0, 1)]))).toMatch(/outside/);
    expect(stripGif(gif([frame().subarray(0, 12)], [1, 1], []))).toBe("is not a well-formed GIF");
    expect(stripGif(gif([bytes(0x00, 0x01)]))).toBe("is not a well-formed GIF");
    expect(stripMetadata("gif", bytes("GIF89a", 1, 0))).toEqual({ ok: false, problem: "is not a well-formed GIF" });
  });
});

describe("every container of every format", () => {
  it("JPEG: drops APP13 IPTC, COM, APP2 MPF, APP12 and other APPn; keeps JFIF, ICC and Adobe", () => {
    const iptc = segment(
      0xed,
      "Photoshop 3.0",
      0,
      "8BIM",
      u16(0x0404),
      0,
      0,
      u32(14),
      0x1c,
      2,
      90,
      u16(5),
      "Tokyo",
      0x1c,
      2,
      92,
      u16(0),
    );
    const comment = segment(0xfe, "Shot at 35.0N 139.0E");
    const mpf = segment(0xe2, "MPF", 0, "MM", u16(42));
    const ducky = segment(0xec, "Ducky", 0, 1);
    const app3 = segment(0xe3, "META", 0, "Tokyo");
    const icc = segment(0xe2, "ICC_PROFILE", 0, 1, 1, "profile-bytes");
    const adobe = segment(0xee, "Adobe", 0, 100, 0, 0, 0, 0, 1);
    const full = jpeg({ app1: [exif(), XMP] });
    // The metadata goes in right after the JFIF APP0 segment (20 bytes from the start).
    const withAll = bytes(full.subarray(0, 20), iptc, comment, mpf, icc, ducky, app3, adobe, full.subarray(20));
    const stripped = stripJpeg(withAll)?.bytes ?? new Uint8Array();
    const base = jpeg();
    expect(stripped).toEqual(bytes(base.subarray(0, 20), icc, adobe, base.subarray(20)));
    for (const word of ["Tokyo", "Photoshop", "35.0N", "MPF", "Ducky"]) expect(contains(stripped, bytes(word)), word).toBe(false);
  });

  it("PNG: drops tIME, sPLT and private chunks; keeps iCCP, sRGB, pHYs and the animation chunks", () => {
    const kept = [
      chunk("iCCP", "icc", 0, 0, 0x78, 0x9c, 3, 0, 0, 0, 0, 1),
      chunk("sRGB", 0),
      chunk("pHYs", u32(2835), u32(2835), 1),
      chunk("acTL", u32(1), u32(0)),
      chunk("fcTL", u32(0), u32(1), u32(1), u32(0), u32(0), u16(1), u16(1), 0, 0),
    ];
    const dropped = [
      chunk("tIME", u16(2026), 11, 28, 12, 0, 0),
      chunk("sPLT", "Tokyo", 0, 8, 0, 0, 0, 0, 0),
      chunk("prVt", "Tokyo"),
      chunk("tEXt", "Location", 0, "Tokyo"),
    ];
    expect(stripPng(png(...dropped, ...kept, ...dropped))).toEqual(png(...kept));
  });

  it("PNG: refuses a critical chunk no decoder knows", () => {
    expect(stripPng(png(chunk("ZZZZ", 1)))).toBe("unknown critical chunk");
    expect(stripMetadata("png", png(chunk("ZZZZ", 1)))).toMatchObject({ ok: false, problem: expect.stringMatching(/critical/) });
  });

  it("WebP: drops unknown chunks and bytes after the RIFF; keeps ICCP, ANIM and ANMF", () => {
    const kept = [riffChunk("ICCP", 1, 2), riffChunk("ANIM", 0, 0, 0, 0, 0, 0), riffChunk("ANMF", new Array(16).fill(0))];
    const input = bytes(webp(0x20 | 0x02, riffChunk("LOCA", "Tokyo"), ...kept, riffChunk("EXIF", exif())), "Tokyo");
    expect(stripWebp(input)).toEqual(webp(0x20 | 0x02, ...kept));
  });

  it("AVIF: refuses a uuid box (XMP's home in some files) and bytes that are no box", () => {
    const clean = avif(infe(1, "av01"));
    expect(avifProblem(clean)).toBeUndefined();
    expect(avifProblem(bytes(clean, box("uuid", new Array(16).fill(0xbe), "<x:xmpmeta/>")))).toMatch(/"uuid" box/);
    expect(avifProblem(bytes(clean, "Tokyo"))).toMatch(/not a well-formed AVIF/);
    expect(stripMetadata("avif", bytes(clean, box("free")))).toEqual({ ok: true, bytes: bytes(clean, box("free")) });
  });
});

describe("damaged files", () => {
  it("are refused or passed, never thrown on", () => {
    const starts = {
      jpeg: jpeg({ app1: [exif({ orientation: 6 })] }),
      png: png(chunk("eXIf", exif().subarray(6))),
      webp: webp(0x08, riffChunk("EXIF", exif())),
      avif: avif(infe(1, "av01"), infe(2, "Exif")),
      gif: gif([looping, gifXmp, graphicControl, frame()]),
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
