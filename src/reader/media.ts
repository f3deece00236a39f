/**
 * @module reader/media
 * Images: editors upload them (`POST /media`, mounted under the editors' API and its auth), and
 * readers get them (`GET /media/<hash>.<ext>`, and narrower copies at `GET /media/w/<width>/<hash>.<ext>`,
 * public and immutable). Thin handlers over src/media/.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../app-env";
import { NO_STORE } from "../cache/policy";
import type { FieldProblem } from "../core/schema";
import { serveMedia } from "../media/serve";
import { checkAlt, MAX_IMAGE_BYTES, tooLarge, type UploadRefusal, uploadImage } from "../media/upload";
import { serveVariant } from "../media/variants";

/** Room in a multipart body for the boundaries, part headers and the alt text around the image. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

type UploadStatus = UploadRefusal["status"];

function refuse(c: Context, status: UploadStatus, error: string, details: FieldProblem[]): Response {
  return c.json({ error, details }, status);
}

/**
 * The editors' side: `POST /media` with a multipart/form-data body of `file` (the image) and `alt`.
 * Expects to be mounted behind the API's editor auth, which sets `c.var.editor`.
 */
export const mediaApi = new Hono<AppEnv>().post(
  "/media",
  // Refuses an oversized body from its Content-Length, before reading any of it.
  bodyLimit({
    maxSize: MAX_IMAGE_BYTES + FORM_OVERHEAD_BYTES,
    onError: (c) => {
      const { status, error, details } = tooLarge();
      return refuse(c, status, error, details);
    },
  }),
  async function uploadMedia(c) {
    const type = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "multipart/form-data") {
      return refuse(c, 415, "Send the image as multipart/form-data, with the fields file and alt", [
        { field: "Content-Type", problem: `must be multipart/form-data, not ${type || "missing"}` },
      ]);
    }
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      return refuse(c, 400, "The body is not valid multipart/form-data", [{ field: "body", problem: "is not valid form data" }]);
    }
    const files = form.getAll("file");
    const file = files[0];
    const alt = checkAlt(form.get("alt"));
    const problems: FieldProblem[] = [];
    if (files.length !== 1 || !(file instanceof File))
      problems.push({ field: "file", problem: files.length > 1 ? "must be one file" : "is required: send the image as a file" });
    if (!alt.ok) problems.push(alt.problem);
    if (problems.length > 0 || !(file instanceof File) || !alt.ok) return refuse(c, 400, "The upload is not valid", problems);
    // uploadImage refuses a file over MAX_IMAGE_BYTES (413); the body limit above keeps it near that.
    const result = await uploadImage(c.env.MEDIA, {
      bytes: new Uint8Array(await file.arrayBuffer()),
      alt: alt.alt,
      editor: c.var.editor ?? "editor",
      now: c.var.clock.now(),
    });
    if (!result.ok) return refuse(c, result.status, result.error, result.details);
    return c.json(result.media, result.created ? 201 : 200);
  },
);

/**
 * The readers' side: `GET`/`HEAD /media/<hash>.<ext>` and `/media/w/<width>/<hash>.<ext>`. Mount it before the public routes, whose
 * catch-all 404 would otherwise answer first.
 */
export const mediaPublic = new Hono<AppEnv>()
  .use("/media/*", async function onlyGetAndHead(c, next) {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    // RFC 9110 §15.5.6: a 405 names the methods that are allowed.
    return c.text("Method Not Allowed\n", 405, { Allow: "GET, HEAD", "Cache-Control": NO_STORE });
  })
  .get("/media/:file", async (c) => withoutQuery(c) ?? serveMedia(c.env.MEDIA, c.req.raw, c.req.param("file")))
  // The narrower copies that pages offer in srcset, made once by the Images binding (media/variants.ts).
  .get(
    "/media/w/:width/:file",
    async (c) =>
      withoutQuery(c) ??
      serveVariant(
        { bucket: c.env.MEDIA, images: c.env.IMAGES, now: c.var.clock.now() },
        c.req.raw,
        c.req.param("width"),
        c.req.param("file"),
      ),
  );

/**
 * A query would make a new cache entry per value: send it to the one URL (a path we matched, so no
 * request can steer the redirect elsewhere). Undefined when there is no query.
 */
function withoutQuery(c: Context): Response | undefined {
  const url = new URL(c.req.url);
  if (!url.search) return undefined;
  c.header("Cache-Control", NO_STORE);
  return c.redirect(url.pathname, 301);
}
