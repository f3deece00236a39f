/**
 * @module reader/media
 * Images for readers: `GET /media/<hash>.<ext>` from R2, public and immutable, and the narrower
 * copies at `GET /media/w/<width>/<hash>.<ext>`, which the newsroom makes. Thin handlers over src/media/.
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { NO_STORE } from "../cache/policy";
import { serveMedia } from "../media/serve";
import type { ReaderAppEnv } from "./app-env";

/**
 * The readers' side: `GET`/`HEAD /media/<hash>.<ext>` and `/media/w/<width>/<hash>.<ext>`. Mount it before the public routes, whose
 * catch-all 404 would otherwise answer first.
 */
export const mediaPublic = new Hono<ReaderAppEnv>()
  .use("/media/*", async function onlyGetAndHead(c, next) {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    // RFC 9110 §15.5.6: a 405 names the methods that are allowed.
    return c.text("Method Not Allowed\n", 405, { Allow: "GET, HEAD", "Cache-Control": NO_STORE });
  })
  .get("/media/:file", async (c) => withoutQuery(c) ?? serveMedia(c.env.MEDIA, c.req.raw, c.req.param("file")))
  // The narrower copies that pages offer in srcset are made once, by the newsroom's Images binding
  // (media/variants.ts); the cache in front of this Worker keeps them.
  .get("/media/w/:width/:file", async (c) => withoutQuery(c) ?? c.env.NEWSROOM.fetch(c.req.raw));

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
