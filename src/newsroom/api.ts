/**
 * @module newsroom/api
 * The editors' API: thin handlers over editorial/publishing. Every request is authenticated as a
 * named editor, every error is JSON naming the field and the problem, and a request that fails
 * writes nothing. Nothing here is ever cached.
 */

import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { absoluteUrl } from "../core/config";
import type { StoredArticle } from "../core/schema";
import { parseArticleFile, parseArticleJson } from "../core/source";
import {
  changedFieldsOf,
  getArticleRow,
  getRevision,
  listArticleSummaries,
  listRevisions,
  storedInputOf,
} from "../data/articles";
import { type AuthorRow, getAuthor, listAuthors, listSections } from "../data/taxonomy";
import { statusOf } from "../editorial/database";
import { translationsOf } from "../editorial/editions";
import { migrateKvArticles } from "../editorial/migrate-kv";
import { removeAuthor, saveAuthor, saveSection } from "../editorial/profiles";
import {
  etagOf,
  moveArticle,
  type Preconditions,
  restoreRevision,
  saveArticle,
  trashArticle,
  untrashArticle,
} from "../editorial/publishing";
import { runCron } from "../pipeline/cron";
import { articlePath, authorPath } from "../targets/document-name";
import { correctionsApi } from "./api-corrections";
import { editionsApi } from "./api-editions";
import { apiError, refusal, revisionHead, slugParam } from "./api-input";
import { liveApi } from "./api-live";
import { pipelineApi } from "./api-pipeline";
import { searchApi } from "./api-search";
import type { AppEnv } from "./app-env";
import { type EditorToken, editorForToken, editorsFromEnv, publisher } from "./editors";
import { onError } from "./errors";
import { claimAttempt, clientAddress, failureWait } from "./failed-auth";
import { mediaApi } from "./media";
import { requestSetup } from "./setup";

/** The largest request body the API accepts: 1 MiB, far above any real article. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** RFC 9111 §5.2.2.5: no cache, shared or private, may store any of it. */
const API_NO_STORE = "no-store";

export const apiRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    await next();
    // Nothing under /api/ may be stored by any cache, shared or private.
    c.header("Cache-Control", API_NO_STORE);
  })
  .use(requestSetup())
  .use(secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] }, xFrameOptions: "DENY" }))
  .use(editorAuth())
  .get("/articles", async (c) => {
    const now = c.var.clock.now();
    const rows = await listArticleSummaries(c.env.DB);
    return c.json({
      articles: rows.map((row) => ({
        slug: row.slug,
        title: row.title,
        version: row.version,
        published: new Date(row.published_at).toISOString(),
        section: row.section,
        status: statusOf(row, now),
        changed: new Date(row.changed_at).toISOString(),
        changedBy: row.changed_by,
        url: absoluteUrl(c.var.site, articlePath(row.slug)),
      })),
    });
  })
  .get("/articles/:slug", slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const row = await getArticleRow(c.env.DB, slug);
    if (!row) return apiError(c, 404, `There is no article "${slug}"`, [{ field: "slug", problem: "names no article" }]);
    c.header("ETag", etagOf(row.version));
    // The article's own fields sit apart from what the server adds, so `article` can be PUT back as is.
    return c.json({
      slug,
      id: row.id,
      url: absoluteUrl(c.var.site, articlePath(slug)),
      version: row.version,
      status: statusOf(row, c.var.clock.now()),
      changed: new Date(row.changed_at).toISOString(),
      changedBy: row.changed_by,
      // Its versions in every edition, itself included ([] when it has none).
      translations: await translationsOf(c.env.DB, c.var.site, slug, c.var.clock.now()),
      // The input exactly as the editor sent it, with `body` for the Markdown.
      article: storedInputOf(row),
    });
  })
  .put(
    "/articles/:slug",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        apiError(c, 413, `The body is larger than ${MAX_BODY_BYTES} bytes`, [{ field: "body", problem: "is too large" }]),
    }),
    slugParam,
    async (c) => {
      const { slug } = c.req.valid("param");
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
      const saved = await saveArticle(publisher(c), slug, parsed.value, preconditions(c));
      if (!saved.ok) return refusal(c, saved);
      return savedResponse(c, slug, saved.article, saved.outcome, saved.warnings);
    },
  )
  .delete("/articles/:slug", slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const result = await trashArticle(publisher(c), slug, preconditions(c));
    if (!result.ok) return refusal(c, result);
    return c.json({ slug, deleted: true, trash: true, warnings: [] });
  })
  .post("/articles/:slug/restore", slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const result = await untrashArticle(publisher(c), slug, preconditions(c));
    if (!result.ok) return refusal(c, result);
    c.header("ETag", etagOf(result.version));
    return c.json({ slug, restored: true, version: result.version });
  })
  .post("/articles/:slug/move", slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return apiError(c, 400, 'Send {"to": "new-slug"} as JSON', [{ field: "to", problem: "is required" }]);
    }
    const to = body !== null && typeof body === "object" && "to" in body ? body.to : undefined;
    if (to === undefined) return apiError(c, 400, 'Send {"to": "new-slug"} as JSON', [{ field: "to", problem: "is required" }]);
    const result = await moveArticle(publisher(c), slug, to, preconditions(c));
    if (!result.ok) return refusal(c, result);
    const url = absoluteUrl(c.var.site, articlePath(result.slug));
    c.header("Location", url);
    c.header("ETag", etagOf(result.version));
    return c.json({ slug: result.slug, from: slug, url, version: result.version });
  })
  .get("/articles/:slug/revisions", slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const row = await getArticleRow(c.env.DB, slug);
    if (!row) return apiError(c, 404, `There is no article "${slug}"`, [{ field: "slug", problem: "names no article" }]);
    const revisions = await listRevisions(c.env.DB, row.id);
    return c.json({
      slug,
      revisions: revisions.map((r) => ({ ...revisionHead(r), changed: changedFieldsOf(r) })),
    });
  })
  .get("/articles/:slug/revisions/:id{[0-9]+}", slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const row = await getArticleRow(c.env.DB, slug);
    const revision = row ? await getRevision(c.env.DB, row.id, Number(c.req.param("id"))) : null;
    if (!revision)
      return apiError(c, 404, `There is no such revision of "${slug}"`, [{ field: "revision", problem: "does not exist" }]);
    return c.json({
      ...revisionHead(revision),
      changed: changedFieldsOf(revision),
      article: storedInputOf(revision),
    });
  })
  .post("/articles/:slug/revisions/:id{[0-9]+}/restore", slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const saved = await restoreRevision(publisher(c), slug, Number(c.req.param("id")), preconditions(c));
    if (!saved.ok) return refusal(c, saved);
    return savedResponse(c, slug, saved.article, saved.outcome, saved.warnings);
  })
  // Images: POST /api/media (newsroom/media.ts).
  .route("/", mediaApi)
  // Corrections and clarifications: /api/articles/:slug/corrections (newsroom/api-corrections.ts).
  .route("/", correctionsApi)
  // Live coverage: /api/articles/:slug/updates (newsroom/api-live.ts).
  .route("/", liveApi)
  // Search: POST /api/search/reindex (newsroom/api-search.ts).
  .route("/", searchApi)
  // Editions: /api/editions (newsroom/api-editions.ts).
  .route("/", editionsApi)
  .get("/authors", async (c) => c.json({ authors: (await listAuthors(c.env.DB)).map((a) => authorView(c, a)) }))
  .get("/authors/:slug", slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const author = await getAuthor(c.env.DB, slug);
    if (!author) return apiError(c, 404, `There is no author "${slug}"`, [{ field: "slug", problem: "names no author" }]);
    return c.json(authorView(c, author));
  })
  .put("/authors/:slug", slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const body = await jsonBody(c);
    if (body instanceof Response) return body;
    const saved = await saveAuthor(c.env.DB, slug, body, c.var.clock.now());
    if (!saved.ok) return refusal(c, saved);
    return c.json(authorView(c, saved.author), saved.created ? 201 : 200);
  })
  .delete("/authors/:slug", slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const removed = await removeAuthor(c.env.DB, slug, c.var.clock.now());
    if (!removed.ok) return refusal(c, removed);
    return c.json({ slug, deleted: true });
  })
  .get("/sections", async (c) => c.json({ sections: await listSections(c.env.DB) }))
  .put("/sections/:slug", slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const body = await jsonBody(c);
    if (body instanceof Response) return body;
    const saved = await saveSection(c.env.DB, slug, body, c.var.clock.now());
    if (!saved.ok) return refusal(c, saved);
    return c.json(saved.section);
  })
  .post("/migrate-kv", async (c) => {
    const report = await migrateKvArticles(publisher(c), c.env.ARTICLES);
    return c.json(report);
  })
  .post("/cron", async (c) => {
    // The scheduled work, on request: `npm start` calls it every minute, and editors may, to send
    // what is pending at once.
    return c.json(await runCron(c.var.materialiser));
  })
  .route("/pipeline", pipelineApi)
  .all("*", (c) => apiError(c, 404, `No such API route: ${c.req.method} ${c.req.path}`))
  .onError(onError);

/**
 * Named editors' bearer tokens from the EDITOR_TOKENS secret: `name:token` pairs separated by
 * commas (a bare token is the editor "editor"). Tokens are compared in constant time, and the
 * editor's name is recorded with every revision. With no secret the API is closed, never open; with
 * a token that is too short, it refuses to run (editorsFromEnv). A wrong token counts against the
 * client's failed attempts, which the desk's sign-in shares (newsroom/failed-auth.ts): past the
 * limit every token, right or wrong, gets 429 with Retry-After.
 */
function editorAuth(): MiddlewareHandler<AppEnv> {
  let configured: { editors: EditorToken[]; check: MiddlewareHandler<AppEnv> } | undefined;
  return async function editorAuth(c, next) {
    const editors = editorsFromEnv(c.env);
    if (configured?.editors !== editors) {
      const unauthorized = () => ({
        error: "A valid bearer token is required",
        details: [{ field: "Authorization", problem: "is missing or not a valid token" }],
      });
      configured = {
        editors,
        check: bearerAuth<AppEnv>({
          realm: "Broadsheet editors",
          async verifyToken(token, c) {
            const editor = await editorForToken(editors, token);
            const address = clientAddress(c.req.raw.headers);
            const now = c.var.clock.now();
            if (editor) {
              const wait = await failureWait(c.env.DB, address, now);
              if (wait !== null) throw tooManyFailures(c, wait);
              c.set("editor", editor);
              // A bootstrap token from EDITOR_TOKENS acts as an admin (newsroom/permissions.ts).
              c.set("actor", { id: `token:${editor}`, name: editor, role: "admin", via: "bootstrap" });
              return true;
            }
            const attempt = await claimAttempt(c.env.DB, address, now);
            if ("wait" in attempt) throw tooManyFailures(c, attempt.wait);
            return false;
          },
          noAuthenticationHeader: { message: unauthorized },
          invalidAuthenticationHeader: { message: unauthorized },
          invalidToken: { message: unauthorized },
        }),
      };
    }
    if (editors.length === 0) {
      return apiError(c, 503, "The editors' API is disabled: the EDITOR_TOKENS secret is not set. See docs/api.md.");
    }
    return configured.check(c, next);
  };
}

/** 429 for a client past its failed attempts: thrown from inside bearer-auth, answered by onError. */
function tooManyFailures(c: Context<AppEnv>, wait: number): HTTPException {
  const res = c.json(
    {
      error: `Too many failed authentications from this address. Try again in ${wait} seconds.`,
      details: [{ field: "Authorization", problem: "was refused: too many wrong tokens in the last minute" }],
    },
    429,
    { "Retry-After": String(wait), "Cache-Control": API_NO_STORE },
  );
  return new HTTPException(429, { res });
}

function preconditions(c: Context<AppEnv>): Preconditions {
  return { ifMatch: c.req.header("If-Match"), createOnly: c.req.header("If-None-Match")?.trim() === "*" };
}

async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  if ((c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() !== "application/json") {
    return apiError(c, 415, "Send JSON", [{ field: "Content-Type", problem: "must be application/json" }]);
  }
  try {
    return await c.req.json();
  } catch {
    return apiError(c, 400, "The body is not valid JSON", [{ field: "body", problem: "is not valid JSON" }]);
  }
}

function authorView(c: Context<AppEnv>, author: AuthorRow) {
  return {
    slug: author.slug,
    name: author.name,
    bio: author.bio,
    ...(author.url ? { url: author.url } : {}),
    ...(author.photo_url ? { photoUrl: author.photo_url } : {}),
    page: absoluteUrl(c.var.site, authorPath(author.slug)),
  };
}

function savedResponse(
  c: Context<AppEnv>,
  slug: string,
  article: StoredArticle,
  outcome: "created" | "updated" | "unchanged",
  warnings: string[],
): Response {
  const url = absoluteUrl(c.var.site, articlePath(slug));
  c.header("ETag", etagOf(article.version));
  const state = statusOf(
    { draft: article.draft ? 1 : 0, deleted_at: null, published_at: Date.parse(article.published) },
    c.var.clock.now(),
  );
  if (outcome === "unchanged")
    return c.json({ slug, url, version: article.version, status: state, unchanged: true, warnings }, 200);
  if (outcome === "created") c.header("Location", url);
  return c.json(
    { slug, url, version: article.version, status: state, created: outcome === "created", warnings },
    outcome === "created" ? 201 : 200,
  );
}
