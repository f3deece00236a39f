/**
 * @module newsroom/desk/newsletters-routes
 * The desk's Newsletters page (`/desk/newsletters`), over the same reads as `GET /api/newsletters`.
 * Editors and up (newsletters:send).
 */
import { Hono } from "hono";
import { listsWithCounts, recentSends } from "../../data/mail";
import type { AppEnv } from "../app-env";
import { requires } from "../permissions";
import { deskAuth } from "./guard";
import { NewslettersPage } from "./pages/newsletters";

/**
 * Mounted at /desk/newsletters, behind the desk's sign-in. It checks for a signed-in editor itself
 * too, so no order of registration in desk.tsx can make it public.
 */
export const deskNewsletterRoutes = new Hono<AppEnv>()
  .use(async function requireEditor(c, next) {
    if (c.var.editor) return next();
    return deskAuth()(c, next);
  })
  .get("/", requires("newsletters:send"), async (c) => {
    const [lists, sends] = await Promise.all([listsWithCounts(c.env.DB), recentSends(c.env.DB)]);
    return c.render(<NewslettersPage lists={lists} sends={sends} zone={c.var.site.timeZone ?? "UTC"} />, {
      title: "Newsletters",
    });
  });
