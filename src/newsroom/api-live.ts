/**
 * @module newsroom/api-live
 * The editors' API for live coverage: a live article's updates, under the article.
 *
 *   GET    /api/articles/:slug/updates                  the updates, newest first
 *   POST   /api/articles/:slug/updates                  add one: {"body", "headline"?, "pinned"?}
 *   GET    /api/articles/:slug/updates/:id              one, with its ETag
 *   PUT    /api/articles/:slug/updates/:id              replace it (If-Match: its ETag)
 *   DELETE /api/articles/:slug/updates/:id              remove it (If-Match: its ETag)
 *   GET    /api/articles/:slug/updates/:id/revisions    its history
 *
 * Mounted inside the API (newsroom/api.ts) behind the same editor authentication: this sub-app
 * has no route of its own outside it. Thin handlers over editorial/live.ts; every error is JSON
 * naming the field and the problem, and a refused request writes nothing. (What a change leaves for
 * the read model leaves with the response: newsroom/index.ts.)
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { validator } from "hono/validator";
import { isCoverageOpen, UPDATE_ID_PATTERN } from "../core/live";
import { validateSlug } from "../core/schema";
import { type ArticleRow, getArticleRow, storedInputOf } from "../data/articles";
import { getUpdate, type LiveUpdateRow, listUpdates, updateRevisions } from "../data/live";
import { storedArticleOf } from "../editorial/database";
import { addUpdate, editUpdate, removeUpdate, updateUrl } from "../editorial/live";
import { etagOf, type Preconditions } from "../editorial/publishing";
import { apiError, invalidSlug, jsonInput, refusal, revisionHead, slugParam } from "./api-input";
import type { AppEnv } from "./app-env";
import { publisher } from "./editors";
import { requires } from "./permissions";

/** An update's request body: Markdown of at most 200,000 bytes, in JSON, fits well within this. */
const MAX_UPDATE_REQUEST_BYTES = 1024 * 1024;

const preconditions = (c: Context<AppEnv>): Preconditions => ({ ifMatch: c.req.header("If-Match") });

/**
 * The route's `:slug` and `:id`, checked once, before the handler: a slug that is not valid is 400,
 * and an id that cannot be an update's names no update of this article (404), without a D1 read.
 */
const updateParams = validator("param", (params, c) => {
  const slug = params.slug ?? "";
  const checked = validateSlug(slug);
  if (!checked.ok) return invalidSlug(c, checked.problems);
  const id = params.id ?? "";
  if (!UPDATE_ID_PATTERN.test(id)) {
    return apiError(c, 404, `The article "${slug}" has no update ${JSON.stringify(id.slice(0, 40))}`, [
      { field: "id", problem: "names no update of this article" },
    ]);
  }
  return { slug, id };
});

async function article(c: Context<AppEnv>, slug: string): Promise<ArticleRow | Response> {
  const row = await getArticleRow(c.env.DB, slug);
  if (!row || row.deleted_at != null) {
    return apiError(c, 404, `There is no article "${slug}"`, [{ field: "slug", problem: "names no article outside the trash" }]);
  }
  return row;
}

const limit = bodyLimit({
  maxSize: MAX_UPDATE_REQUEST_BYTES,
  onError: (c) =>
    apiError(c, 413, `The body is larger than ${MAX_UPDATE_REQUEST_BYTES} bytes`, [{ field: "body", problem: "is too large" }]),
});

function view(c: Context<AppEnv>, slug: string, update: LiveUpdateRow) {
  return {
    id: update.id,
    url: updateUrl(c.var.site, slug, update.id),
    at: new Date(update.created_at).toISOString(),
    by: update.created_by,
    changed: new Date(update.changed_at).toISOString(),
    changedBy: update.changed_by,
    version: update.version,
    ...(update.headline === null ? {} : { headline: update.headline }),
    body: update.body,
    pinned: update.pinned === 1,
  };
}

export const liveApi = new Hono<AppEnv>()
  .get("/articles/:slug/updates", requires("articles:read"), slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const row = await article(c, slug);
    if (row instanceof Response) return row;
    const live = storedArticleOf(row).live;
    const updates = await listUpdates(c.env.DB, row.id);
    return c.json({
      slug,
      live: live ? { ...live, open: isCoverageOpen(live, c.var.clock.now()) } : null,
      updates: updates.map((update) => view(c, slug, update)),
    });
  })
  .post("/articles/:slug/updates", requires("live:write"), limit, slugParam, jsonInput, async (c) => {
    const { slug } = c.req.valid("param");
    const body = c.req.valid("json");
    const saved = await addUpdate(publisher(c), slug, body);
    if (!saved.ok) return refusal(c, saved);
    const url = new URL(`/api/articles/${slug}/updates/${saved.update.id}`, c.req.url).href;
    c.header("Location", url);
    c.header("ETag", etagOf(saved.update.version));
    return c.json(view(c, slug, saved.update), 201);
  })
  .get("/articles/:slug/updates/:id", requires("articles:read"), updateParams, async (c) => {
    const { slug, id } = c.req.valid("param");
    const row = await article(c, slug);
    if (row instanceof Response) return row;
    const update = await getUpdate(c.env.DB, row.id, id);
    if (!update)
      return apiError(c, 404, `The article "${slug}" has no update ${id}`, [
        { field: "id", problem: "names no update of this article" },
      ]);
    c.header("ETag", etagOf(update.version));
    return c.json(view(c, slug, update));
  })
  .put("/articles/:slug/updates/:id", requires("live:write"), limit, updateParams, jsonInput, async (c) => {
    const { slug, id } = c.req.valid("param");
    const body = c.req.valid("json");
    const saved = await editUpdate(publisher(c), slug, id, body, preconditions(c));
    if (!saved.ok) return refusal(c, saved);
    c.header("ETag", etagOf(saved.update.version));
    return c.json({ ...view(c, slug, saved.update), ...(saved.outcome === "unchanged" ? { unchanged: true } : {}) });
  })
  .delete("/articles/:slug/updates/:id", requires("live:write"), updateParams, async (c) => {
    const { slug, id } = c.req.valid("param");
    const removed = await removeUpdate(publisher(c), slug, id, preconditions(c));
    if (!removed.ok) return refusal(c, removed);
    return c.json({ id: removed.id, deleted: true });
  })
  .get("/articles/:slug/updates/:id/revisions", requires("articles:read"), updateParams, async (c) => {
    const { slug, id } = c.req.valid("param");
    const row = await article(c, slug);
    if (row instanceof Response) return row;
    const revisions = await updateRevisions(c.env.DB, row.id, id);
    if (revisions.length === 0) {
      return apiError(c, 404, `The article "${slug}" has no update ${id}`, [
        { field: "id", problem: "names no update of this article" },
      ]);
    }
    return c.json({
      id,
      revisions: revisions.map((r) => ({ ...revisionHead(r), update: storedInputOf(r) })),
    });
  });
