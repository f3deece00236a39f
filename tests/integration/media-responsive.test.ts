/**
 * Responsive images: uploaded images carry width, height, srcset and sizes on article pages (lead
 * and body), and the narrower copies they offer are made once by the Images binding (its local
 * mode, Sharp, offline), stored in R2 and served as immutable. Real R2, D1 and KV, through the
 * whole Worker.
 */
import { env } from "cloudflare:workers";
import { imageDimensionsFromData } from "image-dimensions";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { ARTICLE_IMAGE_SIZES, variantPath } from "../../src/core/responsive-images";
import { IMMUTABLE } from "../../src/media/serve";
import { putMedia, variantFailureKey, variantKey } from "../../src/media/store";
import { FALLBACK_CACHE_CONTROL, VARIANT_RETRY_MS } from "../../src/media/variants";
import { PNG_SIGNATURE, pngChunk } from "../support/png-bytes";
import { clock, publish, request, uploadImage } from "./helpers";

// --- A PNG of any size, built byte by byte (ISO/IEC 15948): grey, 8 bits, one filter byte a row.

/** A `width`×`height` grey gradient PNG, with `extra` chunks (eXIf, tEXt…) before its pixels. */
async function png(width: number, height: number, extra: Uint8Array[] = []): Promise<Uint8Array> {
  const rows = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = (x + y) & 0xff;
  const deflated = new Response(new Blob([rows]).stream().pipeThrough(new CompressionStream("deflate")));
  const header = new Uint8Array(13);
  new DataView(header.buffer).setUint32(0, width);
  new DataView(header.buffer).setUint32(4, height);
  header[8] = 8; // bit depth; colour type 0 (grey), compression, filter and interlace all 0
  const parts = [
    PNG_SIGNATURE,
    pngChunk("IHDR", header),
    ...extra,
    pngChunk("IDAT", new Uint8Array(await deflated.arrayBuffer())),
    pngChunk("IEND"),
  ];
  return new Uint8Array(await new Blob(parts).arrayBuffer());
}

/** The chunk types of a PNG, in order. */
function pngChunks(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types: string[] = [];
  for (let at = 8; at + 12 <= bytes.length; at += 12 + view.getUint32(at)) {
    types.push(new TextDecoder().decode(bytes.subarray(at + 4, at + 8)));
  }
  return types;
}

// ---

async function bytesOf(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

async function storedKeys(): Promise<string[]> {
  return (await env.MEDIA.list()).objects.map((object) => object.key).sort();
}

/** Every <img> of an article page's <article>, as [src, attributes]. */
async function imagesOn(path: string): Promise<Map<string, Record<string, string>>> {
  const response = await request(path);
  expect(response.status).toBe(200);
  const { document } = parseHTML(await response.text());
  const images = new Map<string, Record<string, string>>();
  for (const img of document.querySelectorAll("article img")) {
    const attributes: Record<string, string> = {};
    for (const name of img.getAttributeNames()) attributes[name] = img.getAttribute(name) ?? "";
    images.set(img.getAttribute("src") ?? "", attributes);
  }
  return images;
}

/** HTML §4.8.4.2: srcset candidates as [url, width]; each must be "URL <n>w", each width once. */
function candidates(srcset: string): Array<[string, number]> {
  const parsed = srcset.split(", ").map((candidate): [string, number] => {
    const match = /^(\S+) ([1-9]\d*)w$/.exec(candidate);
    if (!match) throw new Error(`"${candidate}" is not "URL <width>w"`);
    return [match[1] ?? "", Number(match[2])];
  });
  expect(new Set(parsed.map(([, width]) => width)).size).toBe(parsed.length);
  return parsed;
}

describe("srcset, sizes, width and height on article pages", () => {
  it("are given to the lead image and to body images stored here, offering only narrower copies", async () => {
    const wide = await uploadImage(await png(700, 20), "A wide grey strip");
    const other = await uploadImage(await png(1000, 50), "A wider grey strip");
    await publish(
      "responsive",
      { title: "Responsive", image: { url: wide.url, alt: "A wide grey strip" } },
      `A first paragraph.\n\n![A wider grey strip](${other.url})\n\n- ![The strip again](${wide.url})`,
    );
    const images = await imagesOn("/articles/responsive");

    const lead = images.get(`https://news.example${wide.url}`);
    expect(lead).toMatchObject({ width: "700", height: "20", sizes: ARTICLE_IMAGE_SIZES });
    expect(candidates(lead?.srcset ?? "")).toEqual([
      [`https://news.example${variantPath(wide.name, 320)}`, 320],
      [`https://news.example${variantPath(wide.name, 640)}`, 640],
      [`https://news.example${wide.url}`, 700],
    ]);

    const body = images.get(other.url);
    expect(body).toMatchObject({ alt: "A wider grey strip", width: "1000", height: "50", sizes: ARTICLE_IMAGE_SIZES });
    expect(candidates(body?.srcset ?? "")).toEqual([
      [variantPath(other.name, 320), 320],
      [variantPath(other.name, 640), 640],
      [variantPath(other.name, 960), 960],
      [other.url, 1000],
    ]);
    // The same image in the body (inside a list) is sized too.
    expect(images.get(wide.url)).toMatchObject({ width: "700", height: "20", sizes: ARTICLE_IMAGE_SIZES });
  });

  it("offer copies that answer, each as wide as its descriptor says", async () => {
    const wide = await uploadImage(await png(1000, 50), "A wide grey strip");
    await publish("offered", { title: "Offered" }, `![A wide grey strip](${wide.url})`);
    const srcset = (await imagesOn("/articles/offered")).get(wide.url)?.srcset ?? "";
    for (const [url, width] of candidates(srcset)) {
      const response = await request(url);
      expect(response.status, url).toBe(200);
      expect(imageDimensionsFromData(await bytesOf(response))?.width, url).toBe(width);
    }
  });

  it("are not given to images on other hosts, nor to images too narrow to have copies", async () => {
    const narrow = await uploadImage(await png(300, 10), "A short grey strip");
    await publish(
      "mixed",
      { title: "Mixed", image: { url: "https://images.example/lead.jpg", alt: "Elsewhere" } },
      `A paragraph.\n\n![Elsewhere too](https://images.example/body.png)\n\n![A short grey strip](${narrow.url})`,
    );
    const images = await imagesOn("/articles/mixed");
    expect(images.get("https://images.example/lead.jpg")).toEqual({ src: "https://images.example/lead.jpg", alt: "Elsewhere" });
    expect(images.get("https://images.example/body.png")).toEqual({
      src: "https://images.example/body.png",
      alt: "Elsewhere too",
    });
    // Stored here but under 320 pixels: its size, and no srcset that would offer only itself.
    expect(images.get(narrow.url)).toEqual({ src: narrow.url, alt: "A short grey strip", width: "300", height: "10" });
  });
});

describe("GET /media/w/<width>/<hash>.<ext>", () => {
  it("answers with a copy no wider than asked, immutable, stored in R2 under the derived key", async () => {
    const original = await uploadImage(await png(700, 20), "A wide grey strip");
    const response = await request(variantPath(original.name, 640));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("image/png");
    expect(response.headers.get("Cache-Control")).toBe(IMMUTABLE);
    expect(response.headers.get("Cache-Tag")).toContain(`media:${original.name.slice(0, 32)}`);
    const bytes = await bytesOf(response);
    expect(imageDimensionsFromData(bytes)).toMatchObject({ width: 640, height: 18 });

    const stored = await env.MEDIA.get(variantKey(original.name, 640));
    expect(stored).not.toBeNull();
    expect(new Uint8Array((await stored?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(bytes);
    expect(stored?.customMetadata).toMatchObject({ width: "640", height: "18", source: original.name });
    expect(response.headers.get("ETag")).toBe(stored?.httpEtag);
  });

  it("serves a second request from R2, without the Images binding", async () => {
    const original = await uploadImage(await png(700, 20), "A wide grey strip");
    const first = await bytesOf(await request(variantPath(original.name, 320)));
    // Were it made again, there would be no binding to make it with: only R2 can answer this.
    const second = await request(variantPath(original.name, 320), {}, { IMAGES: undefined });
    expect(second.status).toBe(200);
    expect(second.headers.get("Cache-Control")).toBe(IMMUTABLE);
    expect(await bytesOf(second)).toEqual(first);
    expect(await storedKeys()).toEqual([original.name, variantKey(original.name, 320)].sort());
  });

  it("answers conditional and range requests as for an original", async () => {
    const original = await uploadImage(await png(700, 20), "A wide grey strip");
    const etag = (await request(variantPath(original.name, 320))).headers.get("ETag") ?? "";
    const unchanged = await request(variantPath(original.name, 320), { headers: { "If-None-Match": etag } });
    expect(unchanged.status).toBe(304);
    const part = await request(variantPath(original.name, 320), { headers: { Range: "bytes=0-7" } });
    expect(part.status).toBe(206);
    expect(await bytesOf(part)).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it("carries no metadata that could say where the picture was taken", async () => {
    // Stored as is (as an upload never would be), so only the variant's own making can drop it.
    const exif = pngChunk("eXIf", new TextEncoder().encode("MM\u0000*GPSLatitude 51.5"));
    const text = pngChunk("tEXt", new TextEncoder().encode("Comment\u0000Taken at 10 Downing Street"));
    const bytes = await png(700, 20, [exif, text]);
    const name = "0123456789abcdef0123456789abcdef.png";
    await putMedia(env.MEDIA, name, bytes, "image/png", { width: 700, height: 20, alt: "A strip", editor: "ana", uploaded: 0 });
    expect(pngChunks(bytes)).toContain("eXIf");

    const variant = await bytesOf(await request(variantPath(name, 320)));
    expect(imageDimensionsFromData(variant)?.width).toBe(320);
    const chunks = pngChunks(variant);
    expect(chunks[0]).toBe("IHDR");
    expect(chunks.filter((type) => ["eXIf", "tEXt", "zTXt", "iTXt"].includes(type))).toEqual([]);
    expect(new TextDecoder("latin1").decode(variant)).not.toMatch(/GPS|Downing/);
  });

  it.each([
    ["a width not offered", (name: string) => `/media/w/500/${name}`],
    ["a width written with a leading zero", (name: string) => `/media/w/0640/${name}`],
    ["a width as wide as the original or wider", (name: string) => variantPath(name, 960)],
    ["no width", (name: string) => `/media/w//${name}`],
    ["a name that is not a stored image's", () => variantPath("not-a-hash.png", 320)],
    ["a missing original", () => variantPath("ffffffffffffffffffffffffffffffff.png", 320)],
  ])("answers 404 for %s, and stores nothing", async (_case, path) => {
    const original = await uploadImage(await png(700, 20), "A wide grey strip");
    const response = await request(path(original.name));
    expect(response.status).toBe(404);
    expect(response.headers.get("Cache-Control")).not.toBe(IMMUTABLE);
    expect(await storedKeys()).toEqual([original.name]);
  });

  it("sends a URL with a query to the one without", async () => {
    const original = await uploadImage(await png(700, 20), "A wide grey strip");
    const response = await request(`${variantPath(original.name, 320)}?w=1`);
    expect(response.status).toBe(301);
    expect(response.headers.get("Location")).toBe(variantPath(original.name, 320));
  });
});

describe("without a working Images binding", () => {
  const failing = {
    input() {
      throw new Error("Images is unavailable");
    },
  } as unknown as ImagesBinding;

  it("with no binding, serves the original's bytes briefly, stores nothing, and makes the copy later", async () => {
    const originalBytes = await png(700, 20);
    const original = await uploadImage(originalBytes, "A wide grey strip");
    const standIn = await request(variantPath(original.name, 320), {}, { IMAGES: undefined });
    expect(standIn.status).toBe(200);
    expect(standIn.headers.get("Cache-Control")).toBe(FALLBACK_CACHE_CONTROL);
    expect(await bytesOf(standIn)).toEqual(originalBytes);
    expect(await storedKeys()).toEqual([original.name]);

    const made = await request(variantPath(original.name, 320));
    expect(made.headers.get("Cache-Control")).toBe(IMMUTABLE);
    expect(imageDimensionsFromData(await bytesOf(made))?.width).toBe(320);
  });

  it("with a binding that fails, remembers the failure: no reader makes it try again for a day", async () => {
    const originalBytes = await png(700, 20);
    const original = await uploadImage(originalBytes, "A wide grey strip");
    let calls = 0;
    const counted = new Proxy(env.IMAGES, {
      get: (target, name) =>
        name === "input"
          ? (...args: unknown[]) => {
              calls++;
              return (failing.input as (...a: unknown[]) => unknown)(...args);
            }
          : Reflect.get(target, name),
    });
    const standIn = await request(variantPath(original.name, 320), {}, { IMAGES: counted });
    expect(standIn.status).toBe(200);
    expect(standIn.headers.get("Cache-Control")).toBe(FALLBACK_CACHE_CONTROL);
    expect(await bytesOf(standIn)).toEqual(originalBytes);
    expect(calls).toBe(1);
    const marker = await env.MEDIA.head(variantFailureKey(original.name, 320));
    expect(marker?.customMetadata?.reason).toContain("Images is unavailable");
    expect(await storedKeys()).toEqual([original.name, variantFailureKey(original.name, 320)].sort());

    // Many readers, even with the binding working again: the stand-in, and no resize.
    for (let i = 0; i < 5; i++) {
      const again = await request(variantPath(original.name, 320), {}, { IMAGES: counted });
      expect(again.headers.get("Cache-Control")).toBe(FALLBACK_CACHE_CONTROL);
    }
    expect(calls).toBe(1);
    const working = await request(variantPath(original.name, 320));
    expect(working.headers.get("Cache-Control")).toBe(FALLBACK_CACHE_CONTROL);

    clock.advance(VARIANT_RETRY_MS);
    const made = await request(variantPath(original.name, 320));
    expect(made.headers.get("Cache-Control")).toBe(IMMUTABLE);
    expect(imageDimensionsFromData(await bytesOf(made))?.width).toBe(320);
    expect(await storedKeys()).toEqual([original.name, variantKey(original.name, 320)].sort());
  });

  it("lets exactly one of many simultaneous first requests resize", async () => {
    const original = await uploadImage(await png(700, 20), "A wide grey strip");
    let calls = 0;
    const counted = new Proxy(env.IMAGES, {
      get: (target, name) => {
        const value = Reflect.get(target, name);
        return name === "input"
          ? (...args: unknown[]) => {
              calls++;
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            }
          : value;
      },
    });
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => request(variantPath(original.name, 320), {}, { IMAGES: counted })),
    );
    expect(calls).toBe(1);
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(await storedKeys()).toEqual([original.name, variantKey(original.name, 320)].sort());
  });
});
