import { describe, expect, it } from "vitest";
import { formatOfExtension, SIGNATURES, sniffImage } from "../../src/core/media-sniff";

const ascii = (text: string) => [...text].map((ch) => ch.charCodeAt(0));
const bytes = (...parts: (number | string)[]) =>
  new Uint8Array(parts.flatMap((part) => (typeof part === "string" ? ascii(part) : [part])));
/** An ISO-BMFF `ftyp` box: size, "ftyp", major brand, minor version 0, compatible brands. */
const ftyp = (major: string, ...compatible: string[]) =>
  bytes(0, 0, 0, 16 + 4 * compatible.length, "ftyp", major, 0, 0, 0, 0, ...compatible);

describe("sniffImage", () => {
  it.each([
    ["JPEG (JFIF)", bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16, "JFIF", 0), "jpeg", "jpg"],
    ["JPEG (Exif first)", bytes(0xff, 0xd8, 0xff, 0xe1), "jpeg", "jpg"],
    ["PNG", bytes(0x89, "PNG", 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, "IHDR"), "png", "png"],
    ["WebP", bytes("RIFF", 0x24, 0, 0, 0, "WEBPVP8 "), "webp", "webp"],
    ["AVIF (major brand avif)", ftyp("avif", "mif1", "miaf"), "avif", "avif"],
    ["AVIF (image sequence, avis)", ftyp("avis", "msf1"), "avif", "avif"],
    ["AVIF (avif among compatible brands)", ftyp("mif1", "miaf", "avif"), "avif", "avif"],
    ["GIF87a", bytes("GIF87a", 1, 0, 1, 0), "gif", "gif"],
    ["GIF89a", bytes("GIF89a", 1, 0, 1, 0), "gif", "gif"],
  ])("knows %s from its first bytes", (_name, input, type, ext) => {
    expect(sniffImage(input)).toMatchObject({ type, ext, mime: `image/${type}` });
  });

  it.each([
    ["nothing", bytes()],
    ["HTML", bytes("<!doctype html><script>alert(1)</script>")],
    ["SVG", bytes('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ["PDF", bytes("%PDF-1.7")],
    ["a truncated PNG signature", bytes(0x89, "PNG", 0x0d, 0x0a)],
    ["JPEG's SOI alone", bytes(0xff, 0xd8)],
    ["a RIFF that is not WebP (WAVE)", bytes("RIFF", 0x24, 0, 0, 0, "WAVEfmt ")],
    ["HEIC", ftyp("heic", "mif1", "heic")],
    ["an MP4 video", ftyp("isom", "iso2", "mp41")],
    ["an ftyp box longer than the file", bytes(0, 0, 1, 0, "ftyp", "avif", 0, 0, 0, 0)],
    ["a GIF with an unknown version", bytes("GIF88a", 1, 0, 1, 0)],
    ["BMP", bytes("BM", 0x3a, 0, 0, 0)],
  ])("refuses %s", (_name, input) => {
    expect(sniffImage(input)).toBeUndefined();
  });

  it("never lets two signatures claim the same bytes", () => {
    const samples = [
      bytes(0xff, 0xd8, 0xff, 0xe0),
      bytes(0x89, "PNG", 0x0d, 0x0a, 0x1a, 0x0a),
      bytes("RIFF", 0, 0, 0, 0, "WEBP"),
      ftyp("avif"),
      bytes("GIF89a"),
    ];
    for (const sample of samples) expect(SIGNATURES.filter((s) => s.matches(sample))).toHaveLength(1);
  });

  it("maps every stored extension back to its format", () => {
    for (const signature of SIGNATURES) expect(formatOfExtension(signature.ext)?.mime).toBe(signature.mime);
    expect(formatOfExtension("svg")).toBeUndefined();
  });
});
