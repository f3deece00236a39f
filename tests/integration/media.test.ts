/**
 * Images: uploads through `mediaApi` and reads through `mediaPublic`, against the real R2 binding.
 * The routes are mounted here in a small app of their own, as the Worker mounts them (the API's
 * editor auth is stood in for by setting `editor`).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { beforeEach, describe, expect, it } from "vitest";
import { IMMUTABLE } from "../../src/media/serve";
import { MAX_ALT_LENGTH, MAX_IMAGE_BYTES } from "../../src/media/upload";
import type { AppEnv } from "../../src/newsroom/app-env";
import { mediaApi, mediaVariants } from "../../src/newsroom/media";
import type { ReaderAppEnv } from "../../src/reader/app-env";
import { mediaPublic } from "../../src/reader/media";
import { hex, PNG_3X2 } from "../support/png-bytes";
import { clock, SITE } from "./helpers";

const app = new Hono<AppEnv>()
  .use(async (c, next) => {
    c.set("clock", clock);
    c.set("editor", "ana");
    // Mounted bare, without newsroom/auth.ts: the caller is an editor, as the route requires.
    c.set("actor", { id: "token:ana", name: "ana", role: "editor", via: "bootstrap" });
    await next();
  })
  .route("/api", mediaApi)
  .route("/", mediaVariants);
/** The reader's media routes, handing new widths to the newsroom's, as the service binding does. */
const readerMedia = new Hono<ReaderAppEnv>().route("/", mediaPublic);

async function send(path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const incoming = new Request(new URL(path, SITE), init);
  // As the zone routes them: the API to the newsroom; images to the reader, which hands the
  // newsroom the widths it has not made yet.
  const response = new URL(incoming.url).pathname.startsWith("/api/")
    ? await app.fetch(incoming, env, ctx)
    : await readerMedia.fetch(incoming, { ...env, NEWSROOM: { fetch: (r: Request) => app.fetch(r, env, ctx) } }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

// Valid tiny images, written out byte by byte.
/** 1×1 grey PNG. */
const PNG = hex(
  "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b550000000a49444154789c636000000002000148afa4710000000049454e44ae426082",
);
/** 1×1 GIF89a, one black pixel (the well-known smallest GIF: a two-colour table, then the frame). */
const GIF = hex("47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b");

const segment = (marker: number, payload: Uint8Array) =>
  concat(new Uint8Array([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload);
/**
 * Exif, big-endian: IFD0 holds Orientation 6 (turn a quarter clockwise) and a pointer to a GPS IFD
 * that says 35° north.
 */
const EXIF_WITH_GPS = hex(
  [
    "457869660000", // Exif\0\0
    "4d4d002a00000008", // TIFF header, IFD0 at 8
    "0002", // two entries
    "011200030000000100060000", // Orientation = 6
    "882500040000000100000026", // GPS IFD at 38
    "00000000", // no next IFD
    "0002", // GPS IFD: two entries
    "00010002000000024e000000", // GPSLatitudeRef "N"
    "000200050000000300000044", // GPSLatitude at 68
    "00000000",
    "000000230000000100000000000000010000000000000001", // 35/1 0/1 0/1
  ].join(""),
);
/** A 2×1 grey baseline JPEG (one block: DC difference 0, end of block), with the APP1 given, if any. */
const jpeg = (...app1: Uint8Array[]) =>
  concat(
    hex("ffd8"),
    segment(0xe0, hex("4a46494600010100000100010000")),
    ...app1.map((payload) => segment(0xe1, payload)),
    segment(0xdb, concat(hex("00"), new Uint8Array(64).fill(1))),
    segment(0xc0, hex("080001000201011100")),
    segment(0xc4, concat(hex("0001"), new Uint8Array(15), hex("00"))),
    segment(0xc4, concat(hex("1001"), new Uint8Array(15), hex("00"))),
    segment(0xda, hex("010100003f00")),
    hex("3fffd9"),
  );

function form(fields: Record<string, string | File>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

function upload(file: Uint8Array | string | undefined, alt?: string, name = "image.bin", type = "application/octet-stream") {
  const fields: Record<string, string | File> = {};
  if (file !== undefined) fields.file = new File([file], name, { type });
  if (alt !== undefined) fields.alt = alt;
  return send("/api/media", { method: "POST", body: form(fields) });
}

/** Every object in the bucket with its metadata, to prove a refused upload wrote nothing. */
async function bucketSnapshot(): Promise<Record<string, unknown>> {
  const listing = await env.MEDIA.list({ include: ["customMetadata", "httpMetadata"] });
  return Object.fromEntries(listing.objects.map((o) => [o.key, { size: o.size, meta: o.customMetadata, http: o.httpMetadata }]));
}

async function expectRefused(response: Response, status: number, field: string): Promise<void> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: string; details: { field: string; problem: string }[] };
  expect(body.error).toEqual(expect.any(String));
  expect(body.details.map((d) => d.field)).toContain(field);
}

describe("the MEDIA binding", () => {
  it("is an R2 bucket provided from wrangler.toml", async () => {
    expect(env.MEDIA).toBeDefined();
    await env.MEDIA.put("probe", "x");
    expect(await (await env.MEDIA.get("probe"))?.text()).toBe("x");
  });
});

describe("POST /api/media", () => {
  it("stores an image under its content hash, with its size, alt text, editor and time", async () => {
    const response = await upload(PNG_3X2, "  Three grey\n pixels ", "pixels.png", "image/png");
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      url: expect.stringMatching(/^\/media\/[0-9a-f]{32}\.png$/),
      width: 3,
      height: 2,
      type: "image/png",
      alt: "Three grey pixels",
      bytes: PNG_3X2.length,
    });
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", PNG_3X2));
    const hash = [...digest.subarray(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(body.url).toBe(`/media/${hash}.png`);
    const stored = await env.MEDIA.head(`${hash}.png`);
    expect(stored?.httpMetadata?.contentType).toBe("image/png");
    expect(stored?.customMetadata).toEqual({
      width: "3",
      height: "2",
      alt: "Three grey pixels",
      editor: "ana",
      uploaded: new Date(clock.now()).toISOString(),
    });
  });

  it("answers 200 with the same name for the same bytes, and writes nothing new", async () => {
    const first = await upload(PNG, "A grey dot", "a.png");
    expect(first.status).toBe(201);
    const { url } = (await first.json()) as { url: string };
    const before = await bucketSnapshot();
    clock.advance(60_000);
    const again = await upload(PNG, "Another description", "b.png");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ url, alt: "A grey dot" });
    expect(await bucketSnapshot()).toEqual(before);
  });

  it("takes the format from the bytes: a GIF sent as photo.jpg, image/jpeg is stored as a GIF", async () => {
    const response = await upload(GIF, "A black dot", "photo.jpg", "image/jpeg");
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ url: expect.stringMatching(/\.gif$/), type: "image/gif", width: 1, height: 1 });
  });

  it("strips the JPEG's Exif location, keeps its orientation, and reports the size as seen", async () => {
    const response = await upload(jpeg(EXIF_WITH_GPS), "A turned photo", "IMG_0001.JPG", "image/jpeg");
    expect(response.status).toBe(201);
    const body = (await response.json()) as { url: string; width: number; height: number; bytes: number };
    // 2×1 pixels, turned a quarter by orientation 6.
    expect(body).toMatchObject({ width: 1, height: 2 });
    const served = new Uint8Array(await (await send(body.url)).arrayBuffer());
    const orientationOnly = hex("4578696600004d4d002a000000080001011200030000000100060000" + "00000000");
    expect(served).toEqual(jpeg(orientationOnly));
    expect(body.bytes).toBe(served.length);
    const text = new TextDecoder("latin1").decode(served);
    expect(text).not.toContain("\x88\x25");
    expect(text).not.toContain("N\0\0\0");
  });

  it("gives a JPEG without Exif the same name as the one it was stripped to", async () => {
    const plain = (await (await upload(jpeg(), "A photo")).json()) as { url: string };
    const stripped = await upload(
      jpeg(hex("457869660000"), hex("687474703a2f2f6e732e61646f62652e636f6d2f7861702f312e302f00")),
      "A photo",
    );
    expect(stripped.status).toBe(200);
    expect(await stripped.json()).toMatchObject({ url: plain.url });
  });

  describe("refuses, and writes nothing", () => {
    let before: Record<string, unknown>;
    beforeEach(async () => {
      await env.MEDIA.put("existing.png", PNG);
      before = await bucketSnapshot();
    });

    it.each([
      ["HTML named cat.png, sent as image/png", "<!doctype html><script>alert(1)</script>", "cat.png", "image/png"],
      ["an SVG", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg", "image/svg+xml"],
      ["a PNG signature with nothing after it", PNG.subarray(0, 8), "x.png", "image/png"],
    ])("415 for %s", async (_name, file, name, type) => {
      await expectRefused(await upload(file, "Alt", name, type), 415, "file");
      expect(await bucketSnapshot()).toEqual(before);
    });

    it.each([
      ["missing", undefined],
      ["blank", " \n\t "],
      ["too long", "a".repeat(MAX_ALT_LENGTH + 1)],
    ])("400 when the alt text is %s", async (_name, alt) => {
      await expectRefused(await upload(PNG, alt), 400, "alt");
      expect(await bucketSnapshot()).toEqual(before);
    });

    it("400 naming both fields when the file is missing too", async () => {
      const response = await send("/api/media", { method: "POST", body: form({ alt: "" }) });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { details: { field: string }[] }).details.map((d) => d.field)).toEqual(["file", "alt"]);
      expect(await bucketSnapshot()).toEqual(before);
    });

    it("400 when the file is sent as text", async () => {
      await expectRefused(
        await send("/api/media", { method: "POST", body: form({ file: "not a file", alt: "x" }) }),
        400,
        "file",
      );
    });

    it("415 for a body that is not multipart/form-data", async () => {
      const response = await send("/api/media", { method: "POST", headers: { "Content-Type": "image/png" }, body: PNG });
      await expectRefused(response, 415, "Content-Type");
      expect(await bucketSnapshot()).toEqual(before);
    });

    it("413 for an image over 10 MiB", async () => {
      const big = new Uint8Array(MAX_IMAGE_BYTES + 1);
      big.set(PNG);
      await expectRefused(await upload(big, "Too big", "big.png", "image/png"), 413, "file");
      expect(await bucketSnapshot()).toEqual(before);
    });

    it("413 from the Content-Length alone, before reading the body", async () => {
      const declared = MAX_IMAGE_BYTES * 2;
      // A stream that would give its bytes only when read: the refusal must come without reading it.
      let pulled = false;
      const body = new ReadableStream(
        {
          pull(controller) {
            pulled = true;
            controller.error(new Error("the body was read"));
          },
        },
        { highWaterMark: 0 },
      );
      const response = await send("/api/media", {
        method: "POST",
        headers: { "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(declared) },
        body,
      });
      await expectRefused(response, 413, "file");
      expect(pulled).toBe(false);
      expect(await bucketSnapshot()).toEqual(before);
    });
  });
});

describe("GET /media/<hash>.<ext>", () => {
  let url: string;
  beforeEach(async () => {
    url = ((await (await upload(PNG, "A grey dot")).json()) as { url: string }).url;
  });
  const hashOf = (path: string) => path.slice("/media/".length, "/media/".length + 32);

  it("serves the bytes, immutable, with the hash as a strong ETag", async () => {
    const response = await send(url);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(PNG);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "image/png",
      "content-length": String(PNG.length),
      "cache-control": IMMUTABLE,
      etag: `"${hashOf(url)}"`,
      "x-content-type-options": "nosniff",
      "accept-ranges": "bytes",
    });
    expect(IMMUTABLE).toBe("public, max-age=31536000, immutable");
  });

  it("answers HEAD with the headers and no body", async () => {
    const response = await send(url, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe(`"${hashOf(url)}"`);
    expect(response.headers.get("Content-Length")).toBe(String(PNG.length));
    expect(response.headers.get("Content-Type")).toBe("image/png");
    expect(await response.text()).toBe("");
  });

  it("answers 304 to If-None-Match with its ETag", async () => {
    const response = await send(url, { headers: { "If-None-Match": `"other", "${hashOf(url)}"` } });
    expect(response.status).toBe(304);
    expect(response.headers.get("ETag")).toBe(`"${hashOf(url)}"`);
    expect(response.headers.get("Cache-Control")).toBe(IMMUTABLE);
    expect(await response.text()).toBe("");
    expect((await send(url, { headers: { "If-None-Match": '"other"' } })).status).toBe(200);
  });

  it("serves a byte range as 206 with Content-Range", async () => {
    const response = await send(url, { headers: { Range: "bytes=1-3" } });
    expect(response.status).toBe(206);
    expect(response.headers.get("Content-Range")).toBe(`bytes 1-3/${PNG.length}`);
    expect(response.headers.get("Content-Length")).toBe("3");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(PNG.subarray(1, 4));
  });

  it("serves a suffix range", async () => {
    const response = await send(url, { headers: { Range: "bytes=-12" } });
    expect(response.status).toBe(206);
    expect(response.headers.get("Content-Range")).toBe(`bytes ${PNG.length - 12}-${PNG.length - 1}/${PNG.length}`);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(PNG.subarray(PNG.length - 12));
  });

  it("answers 416 to a range past the end", async () => {
    const response = await send(url, { headers: { Range: `bytes=${PNG.length}-` } });
    expect(response.status).toBe(416);
    expect(response.headers.get("Content-Range")).toBe(`bytes */${PNG.length}`);
  });

  it("serves the whole when If-Range names another version, or the range is several", async () => {
    for (const headers of [{ Range: "bytes=0-3", "If-Range": '"other"' }, { Range: "bytes=0-1,4-5" }] as HeadersInit[]) {
      const response = await send(url, { headers });
      expect(response.status).toBe(200);
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(PNG);
    }
    const matching = await send(url, { headers: { Range: "bytes=0-3", "If-Range": `"${hashOf(url)}"` } });
    expect(matching.status).toBe(206);
  });

  it.each([
    ["an unknown hash", "/media/0123456789abcdef0123456789abcdef.png"],
    ["the right hash with another extension", "EXT"],
    ["an upper-case hash", "UPPER"],
    ["a name that is no hash", "/media/logo.png"],
    ["a path outside the names", "/media/..%2fsecret.png"],
  ])("404 for %s", async (_name, path) => {
    const target =
      path === "EXT" ? url.replace(".png", ".gif") : path === "UPPER" ? url.toUpperCase().replace("/MEDIA/", "/media/") : path;
    const response = await send(target);
    expect(response.status).toBe(404);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("allows only GET and HEAD", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const response = await send(url, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get("Allow")).toBe("GET, HEAD");
    }
    expect(await env.MEDIA.head(url.slice("/media/".length))).not.toBeNull();
  });

  it("sends a URL with a query to the one without", async () => {
    const response = await send(`${url}?w=600`);
    expect(response.status).toBe(301);
    expect(response.headers.get("Location")).toBe(url);
  });
});
