/**
 * Issue 19, classes 2 and 3 through the whole Worker: an image that declares too many pixels is
 * refused at upload and nothing is stored; an old one already stored is never handed to the
 * Images binding; and what is stored carries no metadata container of any kind.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { variantPath } from "../../src/core/responsive-images";
import { putMedia } from "../../src/media/store";
import { MAX_IMAGE_PIXELS } from "../../src/media/upload";
import { FALLBACK_CACHE_CONTROL } from "../../src/media/variants";
import { PNG_3X2, PNG_SIGNATURE, pngChunk } from "../support/png-bytes";
import { kvSnapshot, request, TOKEN } from "./helpers";

const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

/** A PNG that says it is `width`×`height`, with a few bytes of pixel data: small, and a bomb when large. */
function declaredPng(width: number, height: number): Uint8Array {
  const header = new Uint8Array([...u32(width), ...u32(height), 8, 0, 0, 0, 0]);
  const idat = new Uint8Array([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
  return new Uint8Array([...PNG_SIGNATURE, ...pngChunk("IHDR", header), ...pngChunk("IDAT", idat), ...pngChunk("IEND")]);
}

function upload(bytes: Uint8Array, path = "/api/media"): Promise<Response> {
  const form = new FormData();
  form.set("file", new File([bytes], "picture"));
  form.set("alt", "A picture");
  return request(path, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` }, body: form });
}

const stored = async () => (await env.MEDIA.list()).objects.map((object) => object.key);

describe("decompression bombs", () => {
  it("refuses 50,000 × 50,000 pixels with 413 naming the file, and stores nothing", async () => {
    const before = await kvSnapshot();
    const response = await upload(declaredPng(50_000, 50_000));
    expect(response.status).toBe(413);
    const body = await response.json<{ error: string; details: { field: string; problem: string }[] }>();
    expect(body.details).toEqual([
      { field: "file", problem: "is 50,000 × 50,000 pixels (2,500,000,000); the most accepted is 50,000,000" },
    ]);
    expect(await stored()).toEqual([]);
    expect(await kvSnapshot()).toEqual(before);
  });

  it("takes exactly the limit, and refuses one row more", async () => {
    const width = 10_000;
    const height = MAX_IMAGE_PIXELS / width;
    expect((await upload(declaredPng(width, height + 1))).status).toBe(413);
    expect((await upload(declaredPng(width, height))).status).toBe(201);
  });

  it("never hands a stored image over the limit to the Images binding, and answers with the brief stand-in", async () => {
    const bomb = declaredPng(20_000, 20_000);
    await putMedia(env.MEDIA, "0123456789abcdef0123456789abcdef.png", bomb, "image/png", {
      width: 20_000,
      height: 20_000,
      alt: "x",
      editor: "ana",
      uploaded: 0,
    });
    const images = new Proxy(env.IMAGES, {
      get: (target, name) => {
        if (name === "input") throw new Error("the binding was called");
        return Reflect.get(target, name);
      },
    });
    const response = await request(variantPath("0123456789abcdef0123456789abcdef.png", 640), {}, { IMAGES: images });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe(FALLBACK_CACHE_CONTROL);
    expect(await stored()).toEqual(["0123456789abcdef0123456789abcdef.png"]);
  });
});

describe("metadata containers", () => {
  it("stores a JPEG without its IPTC block (city, sublocation) and its comment", async () => {
    const seg = (marker: number, text: string) => {
      const body = new TextEncoder().encode(text);
      return [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
    };
    // A minimal baseline 1×1 JPEG (see tests/unit/media-metadata.test.ts) with APP13 and COM.
    const jpeg = new Uint8Array([
      0xff,
      0xd8,
      ...seg(0xed, "Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0e\x1c\x02\x5a\x00\x05Tokyo"),
      ...seg(0xfe, "Sublocation: Shibuya crossing"),
      ...[0xff, 0xdb, 0, 67, 0, ...new Array(64).fill(1)],
      ...[0xff, 0xc0, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0],
      ...[0xff, 0xc4, 0, 20, 0x00, 1, ...new Array(15).fill(0), 0],
      ...[0xff, 0xc4, 0, 20, 0x10, 1, ...new Array(15).fill(0), 0],
      ...[0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0, 0x3f],
      ...[0xff, 0xd9],
    ]);
    const response = await upload(jpeg);
    expect(response.status).toBe(201);
    const { url } = await response.json<{ url: string }>();
    const bytes = new Uint8Array(await (await request(url)).arrayBuffer());
    const text = new TextDecoder("latin1").decode(bytes);
    expect(text).not.toContain("Tokyo");
    expect(text).not.toContain("Shibuya");
    expect(text).not.toContain("Photoshop");
  });

  it("stores a GIF without its XMP packet, comment or trailing bytes", async () => {
    const le16 = (n: number) => [n & 0xff, n >> 8];
    const sub = (text: string) => [text.length, ...new TextEncoder().encode(text)];
    const gif = new Uint8Array([
      ...new TextEncoder().encode("GIF89a"),
      ...le16(1),
      ...le16(1),
      0,
      0,
      0,
      ...[0x21, 0xff, ...sub("XMP DataXMP"), ...sub("<exif:GPSLatitude>35,0.0N</exif:GPSLatitude>"), 0],
      ...[0x21, 0xfe, ...sub("Tokyo"), 0],
      ...[0x2c, 0, 0, 0, 0, ...le16(1), ...le16(1), 0, 2, 2, 0x44, 1, 0],
      0x3b,
      ...new TextEncoder().encode("GPS 35N"),
    ]);
    const response = await upload(gif);
    expect(response.status).toBe(201);
    const { url } = await response.json<{ url: string }>();
    const text = new TextDecoder("latin1").decode(await (await request(url)).arrayBuffer());
    expect(text).not.toMatch(/GPS|Tokyo|XMP/);
    expect(text.endsWith(";")).toBe(true);
  });

  it("keeps a clean PNG's bytes as they were", async () => {
    const response = await upload(PNG_3X2);
    expect(response.status).toBe(201);
    const { url } = await response.json<{ url: string }>();
    expect(new Uint8Array(await (await request(url)).arrayBuffer())).toEqual(PNG_3X2);
  });
});
