/**
 * @module routes/api
 * The editors' API. Every request is authenticated, every error is JSON naming the field and the
 * problem, and a request that fails writes nothing.
 */

import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../app-env";
import { type Change, contentChanged } from "../cache/invalidate";
import { absoluteUrl, articlePath } from "../config";
import { buildArticle, isPublic, validateSlug } from "../content/article";
import type { FieldProblem, StoredArticle } from "../content/schema";
import { parseArticleFile, parseArticleJson } from "../content/source";
import { deleteArticle, getArticle, listAll, saveArticle, withSlugLock } from "../content/store";

/** The largest article body the API accepts: 1 MiB, far above any real article. */
export const MAX_BODY_BYTES = 1024 * 1024;

type ErrorStatus = 400 | 401 | 404 | 412 | 413 | 415 | 503;

export function apiError(c: Context, status: ErrorStatus, error: string, details: FieldProblem[] = []): Response {
  return c.json({ error, details }, status);
}

export const apiRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    await next();
    // Nothing under /api/ may be stored by any cache, shared or private.
    c.header("Cache-Control", "no-store");
  })
  .use(editorAuth())
  .get("/articles", async (c) => {
    const now = Date.now();
    const articles = await listAll(c.var.store);
    return c.json({
      articles: articles.map((a) => ({ ...a, status: status(a, now), url: absoluteUrl(c.var.site, articlePath(a.slug)) })),
    });
  })
  .get("/articles/:slug", async (c) => {
    const slug = c.req.param("slug");
    const slugCheck = validateSlug(slug);
    if (!slugCheck.ok) return apiError(c, 400, "The slug is not valid", slugCheck.problems);
    const article = await getArticle(c.var.store, slug);
    if (!article) return apiError(c, 404, `There is no article "${slug}"`);
    c.header("ETag", etagOf(article));
    // The article's own fields sit apart from what the server adds, so `article` can be PUT back as is.
    return c.json({
      slug,
      url: absoluteUrl(c.var.site, articlePath(slug)),
      version: article.version,
      status: status(article, Date.now()),
      article: editorView(article),
    });
  })
  .put(
    "/articles/:slug",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        apiError(c, 413, `The body is larger than ${MAX_BODY_BYTES} bytes`, [{ field: "body", problem: "is too large" }]),
    }),
    async (c) => {
      const slug = c.req.param("slug");
      const slugCheck = validateSlug(slug);
      if (!slugCheck.ok) return apiError(c, 400, "The slug is not valid", slugCheck.problems);

      const type = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
      let parsed: ReturnType<typeof parseArticleFile>;
      if (type === "text/markdown") {
        parsed = parseArticleFile(await c.req.text());
      } else if (type === "application/json") {
        let data: unknown;
        try {
          data = await c.req.json();
        } catch {
          return apiError(c, 400, "The body is not valid JSON", [{ field: "body", problem: "is not valid JSON" }]);
        }
        parsed = parseArticleJson(data);
      } else {
        return apiError(c, 415, "Send the article as text/markdown (the file) or application/json (its fields)", [
          { field: "Content-Type", problem: `must be text/markdown or application/json, not ${type || "missing"}` },
        ]);
      }
      if (!parsed.ok) return apiError(c, 400, "The article is not valid", parsed.problems);

      const { article, warnings } = await buildArticle(slug, parsed.value);
      return withSlugLock(slug, async () => {
        const previous = await getArticle(c.var.store, slug);
        const precondition = checkPreconditions(c, previous);
        if (precondition) return precondition;
        const url = absoluteUrl(c.var.site, articlePath(slug));
        c.header("ETag", etagOf(article));
        if (previous?.version === article.version) {
          return c.json(
            { slug, url, version: article.version, status: status(article, Date.now()), unchanged: true, warnings },
            200,
          );
        }
        await saveArticle(c.var.store, article, previous);
        // Saved: from here on, a failure to refresh caches is a warning, not an error.
        await refreshCaches(c, { slug, before: previous, after: article }, warnings);
        if (!previous) c.header("Location", url);
        return c.json(
          { slug, url, version: article.version, status: status(article, Date.now()), created: !previous, warnings },
          previous ? 200 : 201,
        );
      });
    },
  )
  .delete("/articles/:slug", async (c) => {
    const slug = c.req.param("slug");
    const slugCheck = validateSlug(slug);
    if (!slugCheck.ok) return apiError(c, 400, "The slug is not valid", slugCheck.problems);
    return withSlugLock(slug, async () => {
      const previous = await getArticle(c.var.store, slug);
      if (!previous) return apiError(c, 404, `There is no article "${slug}"`);
      const precondition = checkPreconditions(c, previous);
      if (precondition) return precondition;
      await deleteArticle(c.var.store, previous);
      const warnings: string[] = [];
      await refreshCaches(c, { slug, before: previous, after: null }, warnings);
      return c.json({ slug, deleted: true, warnings });
    });
  });

/**
 * Bearer tokens from the EDITOR_TOKENS secret, compared in constant time by hono's bearer-auth.
 * With no secret the API is closed, never open.
 */
function editorAuth(): MiddlewareHandler<AppEnv> {
  let configured: { source: string; check: MiddlewareHandler<AppEnv> } | undefined;
  return async function editorAuth(c, next) {
    const source = c.env.EDITOR_TOKENS ?? "";
    const tokens = source
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    if (tokens.length === 0) {
      return apiError(
        c,
        503,
        "The editors' API is disabled: the EDITOR_TOKENS secret is not set. See the README, \"Editors' API\".",
      );
    }
    if (configured?.source !== source) {
      const unauthorized = () => ({
        error: "A valid bearer token is required",
        details: [{ field: "Authorization", problem: "is missing or not a valid token" }],
      });
      configured = {
        source,
        check: bearerAuth<AppEnv>({
          token: tokens,
          realm: "Broadsheet editors",
          noAuthenticationHeader: { message: unauthorized },
          invalidAuthenticationHeader: { message: unauthorized },
          invalidToken: { message: unauthorized },
        }),
      };
    }
    return configured.check(c, next);
  };
}

/** Purges what a change affects; if even queuing the purge fails, says so instead of failing the saved change. */
async function refreshCaches(c: Context<AppEnv>, change: Change, warnings: string[]): Promise<void> {
  try {
    await contentChanged(c.var.cache, c.var.store, change);
  } catch (error) {
    console.error(`cache refresh for ${change.slug} failed:`, error);
    warnings.push("cache: the change is saved, but caches could not be told; pages may show the old version for up to a day");
  }
}

/** `If-Match` and `If-None-Match: *`, so an editor never overwrites an edit they have not seen. */
function checkPreconditions(c: Context<AppEnv>, current: StoredArticle | null): Response | null {
  const ifMatch = c.req.header("If-Match");
  if (ifMatch !== undefined) {
    const matches = current !== null && (ifMatch.trim() === "*" || ifMatch.split(",").some((t) => t.trim() === etagOf(current)));
    if (!matches) {
      return apiError(c, 412, "The article has changed since you read it", [
        {
          field: "If-Match",
          problem: current
            ? `does not match the stored version ${etagOf(current)}`
            : "names a version, but the article does not exist",
        },
      ]);
    }
  }
  if (c.req.header("If-None-Match")?.trim() === "*" && current) {
    return apiError(c, 412, "The article already exists", [{ field: "If-None-Match", problem: "is *, but the article exists" }]);
  }
  return null;
}

const etagOf = (article: StoredArticle): string => `"${article.version}"`;

function status(article: { draft: boolean; published: string }, now: number): "draft" | "scheduled" | "published" {
  if (article.draft) return "draft";
  return isPublic(article, now) ? "published" : "scheduled";
}

/** The stored article as an editor wrote it: fields and Markdown, without what was derived from them. */
function editorView(article: StoredArticle) {
  const {
    slug: _slug,
    version: _version,
    html: _html,
    markdown,
    readingMinutes: _minutes,
    summaryDerived,
    summary,
    ...fields
  } = article;
  return { ...fields, ...(summaryDerived ? {} : { summary }), body: markdown };
}
