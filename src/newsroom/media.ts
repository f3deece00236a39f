/**
 * @module newsroom/media
 * Images on the editors' side: uploads (`POST /media`, mounted under the editors' API and the desk; it declares `media:write`),
 * and the narrower copies readers' pages offer in srcset (`GET /media/w/<width>/<hash>.<ext>`), made
 * once by the Images binding when the reader hands over a width it does not have.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { FieldProblem } from "../core/schema";
import { checkAlt, MAX_IMAGE_BYTES, tooLarge, type UploadRefusal, uploadImage } from "../media/upload";
import { serveVariant } from "../media/variants";
import type { AppEnv } from "./app-env";
import { open, requires } from "./permissions";

/** Room in a multipart body for the boundaries, part headers and the alt text around the image. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

type UploadStatus = UploadRefusal["status"];

function refuse(c: Context, status: UploadStatus, error: string, details: FieldProblem[]): Response {
  return c.json({ error, details }, status);
}

/**
 * The editors' side: `POST /media` with a multipart/form-data body of `file` (the image) and `alt`.
 * Declares `media:write`; newsroom/auth.ts has set `c.var.editor` for whoever is signed in.
 */
export const mediaApi = new Hono<AppEnv>().post(
  "/media",
  requires("media:write"),
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

/** Variants, for the reader: only GET and HEAD. */
export const mediaVariants = new Hono<AppEnv>().on(
  ["GET", "HEAD"],
  "/media/w/:width/:file",
  open("image widths for readers' pages, made from public images"),
  async (c) =>
    serveVariant(
      { bucket: c.env.MEDIA, images: c.env.IMAGES, now: c.var.clock.now() },
      c.req.raw,
      c.req.param("width"),
      c.req.param("file"),
    ),
);
