/**
 * @module newsroom/api-editions
 * The site's editions (docs/editions.md):
 *
 *   GET    /api/editions          every edition, the default first            articles:read
 *   GET    /api/editions/:lang    one edition                                 articles:read
 *   PUT    /api/editions/:lang    {"name", "title", "description"?, "timeZone"?} → 201 or 200   settings:write
 *   DELETE /api/editions/:lang    409 for the default edition, or while articles use it        settings:write
 *
 * `:lang` is a BCP 47 tag in any case (es, pt-BR, zh-Hans), answered in its canonical form.
 */
import { Hono } from "hono";
import { findEdition, listEditions, removeEdition, saveEdition } from "../editorial/editions";
import { apiError, jsonInput, refusal } from "./api-input";
import type { AppEnv } from "./app-env";
import { requires } from "./permissions";

export const editionsApi = new Hono<AppEnv>()
  .get("/editions", requires("articles:read"), async (c) => c.json({ editions: await listEditions(c.env.DB, c.var.site) }))
  .get("/editions/:lang", requires("articles:read"), async (c) => {
    const tag = c.req.param("lang");
    const edition = await findEdition(c.env.DB, c.var.site, tag);
    if (!edition)
      return apiError(c, 404, `There is no edition "${tag.slice(0, 40)}"`, [{ field: "lang", problem: "names no edition" }]);
    return c.json(edition);
  })
  .put("/editions/:lang", requires("settings:write"), jsonInput, async (c) => {
    const body = c.req.valid("json");
    const saved = await saveEdition(c.env.DB, c.var.site, c.req.param("lang"), body, c.var.editor ?? "editor", c.var.clock.now());
    if (!saved.ok) return refusal(c, saved);
    return c.json(saved.edition, saved.created ? 201 : 200);
  })
  .delete("/editions/:lang", requires("settings:write"), async (c) => {
    const removed = await removeEdition(c.env.DB, c.var.site, c.req.param("lang"));
    if (!removed.ok) return refusal(c, removed);
    return c.json({ lang: removed.lang, deleted: true });
  });
