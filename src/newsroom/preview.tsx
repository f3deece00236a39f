/**
 * @module newsroom/preview
 * Draft preview links, `/preview/<id>?expires=…&sig=…`: an article that is not public yet, exactly
 * as readers will see it, for anyone holding a link the desk signed. Never cached, never indexed,
 * and the signed address is never passed on as a referrer.
 */

import { Hono } from "hono";
import { NO_STORE } from "../cache/policy";
import { getArticleRowById } from "../data/articles";
import { storedArticleOf } from "../editorial/database";
import { loadNav } from "../pipeline/listing-builders";
import { renderArticle } from "../render/article";
import type { AppEnv } from "./app-env";
import { articlePageCsp, deskSecret } from "./desk/guard";
import { checkPreviewLink } from "./desk/preview-link";
import { requestSetup } from "./setup";

export const previewRoutes = new Hono<AppEnv>()
  .use(async function previewHeaders(c, next) {
    await next();
    c.res.headers.set("Cache-Control", NO_STORE);
    c.res.headers.set("X-Robots-Tag", "noindex, nofollow");
    c.res.headers.set("Referrer-Policy", "no-referrer");
    c.res.headers.set("X-Frame-Options", "DENY");
    c.res.headers.set("Content-Security-Policy", articlePageCsp("'none'"));
  })
  .use(requestSetup())
  .get("/:id", async (c) => {
    const secret = deskSecret(c.env);
    const id = c.req.param("id");
    const check = secret
      ? await checkPreviewLink(id, c.req.query("expires"), c.req.query("sig"), secret, c.var.clock.now())
      : "forged";
    if (check === "expired") return c.text("This preview link has expired. Ask the editor for a new one.\n", 410);
    if (check === "forged") return c.text("This preview link is not valid.\n", 403);
    const row = await getArticleRowById(c.env.DB, id);
    if (!row || row.deleted_at != null) return c.text("This article is no longer there.\n", 404);
    const article = storedArticleOf(row);
    return c.html(await renderArticle(c.var.site, article, await loadNav(c.env.DB, c.var.clock.now())));
  })
  .all("*", (c) => c.text("Not Found\n", 404));
