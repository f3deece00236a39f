/**
 * @module newsroom/api
 * The editors' API: thin handlers over editorial/publishing. Every route declares the permission it
 * needs where it is registered (newsroom/permissions.ts); who is calling was settled by
 * newsroom/auth.ts. Every error is JSON naming the field and the problem, and a request that fails
 * writes nothing. Nothing here is ever cached.
 */

import type { Context } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
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
import { workflowOf } from "../data/workflow";
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
import { auditApi, auditArchiveApi } from "./api-audit";
import { correctionsApi } from "./api-corrections";
import { editionsApi } from "./api-editions";
import { importsApi } from "./api-imports";
import { apiError, jsonInput, refusal, revisionHead, slugParam } from "./api-input";
import { liveApi } from "./api-live";
import { peopleApi } from "./api-people";
import { pipelineApi } from "./api-pipeline";
import { presenceApi } from "./api-presence";
import { redirectsApi } from "./api-redirects";
import { searchApi } from "./api-search";
import { workflowApi } from "./api-workflow";
import type { AppEnv } from "./app-env";
import { publisher } from "./editors";
import { onError } from "./errors";
import { mailApi } from "./mail/api-mail";
import { mediaApi } from "./media";
import { type Actor, open, requires } from "./permissions";
import { notifySaved } from "./presence";
import { requestSetup } from "./setup";
import { checkSave, workflowView } from "./workflow";

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
  .get("/articles", requires("articles:read"), async (c) => {
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
  .get("/articles/:slug", requires("articles:read"), slugParam, async (c) => {
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
      workflow: workflowView(await workflowOf(c.env.DB, row.id), row, statusOf(row, c.var.clock.now())),
      // Its versions in every edition, itself included ([] when it has none).
      translations: await translationsOf(c.env.DB, c.var.site, slug, c.var.clock.now()),
      // The input exactly as the editor sent it, with `body` for the Markdown.
      article: storedInputOf(row),
    });
  })
  .put(
    "/articles/:slug",
    requires("articles:draft"),
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
      // A contributor's own drafts only; no publishing past a sign-off that does not hold (newsroom/workflow.ts).
      const stored = await getArticleRow(c.env.DB, slug);
      const refused = await checkSave(c.env.DB, c.var.actor as Actor, stored, parsed.value, c.var.clock.now());
      if (refused) return c.json(refused.body, refused.status);
      const saved = await saveArticle(publisher(c), slug, parsed.value, preconditions(c));
      if (!saved.ok) return refusal(c, saved);
      // A new article has no one to tell yet: no one could have opened it.
      if (stored) tellEditors(c, stored.id, slug, saved.article.version, saved.outcome);
      return savedResponse(c, slug, saved.article, saved.outcome, saved.warnings);
    },
  )
  .delete("/articles/:slug", requires("articles:publish"), slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const result = await trashArticle(publisher(c), slug, preconditions(c));
    if (!result.ok) return refusal(c, result);
    return c.json({ slug, deleted: true, trash: true, warnings: [] });
  })
  .post("/articles/:slug/restore", requires("articles:publish"), slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const result = await untrashArticle(publisher(c), slug, preconditions(c));
    if (!result.ok) return refusal(c, result);
    c.header("ETag", etagOf(result.version));
    return c.json({ slug, restored: true, version: result.version });
  })
  .post("/articles/:slug/move", requires("articles:publish"), slugParam, async (c) => {
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
  .get("/articles/:slug/revisions", requires("articles:read"), slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const row = await getArticleRow(c.env.DB, slug);
    if (!row) return apiError(c, 404, `There is no article "${slug}"`, [{ field: "slug", problem: "names no article" }]);
    const revisions = await listRevisions(c.env.DB, row.id);
    return c.json({
      slug,
      revisions: revisions.map((r) => ({ ...revisionHead(r), changed: changedFieldsOf(r) })),
    });
  })
  .get("/articles/:slug/revisions/:id{[0-9]+}", requires("articles:read"), slugParam, async (c) => {
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
  .post("/articles/:slug/revisions/:id{[0-9]+}/restore", requires("articles:publish"), slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const saved = await restoreRevision(publisher(c), slug, Number(c.req.param("id")), preconditions(c));
    if (!saved.ok) return refusal(c, saved);
    const restored = await getArticleRow(c.env.DB, slug);
    if (restored) tellEditors(c, restored.id, slug, saved.article.version, saved.outcome);
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
  // Redirects from old paths: /api/redirects (newsroom/api-redirects.ts).
  .route("/", redirectsApi)
  .route("/", importsApi)
  // Editions: /api/editions (newsroom/api-editions.ts).
  .route("/", editionsApi)
  .get("/authors", requires("articles:read"), async (c) =>
    c.json({ authors: (await listAuthors(c.env.DB)).map((a) => authorView(c, a)) }),
  )
  .get("/authors/:slug", requires("articles:read"), slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const author = await getAuthor(c.env.DB, slug);
    if (!author) return apiError(c, 404, `There is no author "${slug}"`, [{ field: "slug", problem: "names no author" }]);
    return c.json(authorView(c, author));
  })
  .put("/authors/:slug", requires("taxonomy:write"), slugParam, jsonInput, async (c) => {
    const { slug } = c.req.valid("param");
    const body = c.req.valid("json");
    const saved = await saveAuthor(c.env.DB, slug, body, c.var.clock.now());
    if (!saved.ok) return refusal(c, saved);
    return c.json(authorView(c, saved.author), saved.created ? 201 : 200);
  })
  .delete("/authors/:slug", requires("taxonomy:write"), slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const removed = await removeAuthor(c.env.DB, slug, c.var.clock.now());
    if (!removed.ok) return refusal(c, removed);
    return c.json({ slug, deleted: true });
  })
  .get("/sections", requires("articles:read"), async (c) => c.json({ sections: await listSections(c.env.DB) }))
  .put("/sections/:slug", requires("taxonomy:write"), slugParam, jsonInput, async (c) => {
    const { slug } = c.req.valid("param");
    const body = c.req.valid("json");
    const saved = await saveSection(c.env.DB, c.var.site, slug, body, c.var.clock.now());
    if (!saved.ok) return refusal(c, saved);
    return c.json(saved.section);
  })
  .post("/migrate-kv", requires("site:import-export"), async (c) => {
    const report = await migrateKvArticles(publisher(c), c.env.ARTICLES);
    return c.json(report);
  })
  .post("/cron", requires("pipeline:manage"), async (c) => {
    // The scheduled work, on request: `npm start` calls it every minute, and editors may, to send
    // what is pending at once.
    return c.json(await runCron(c.var.materialiser));
  })
  .route("/pipeline", pipelineApi)
  // Review and sign-off, and notes: /api/articles/:slug/{submit,return,approve,sign-off,notes,workflow}.
  .route("/", workflowApi)
  // Who else has an article open, and its saves as they happen: a WebSocket (newsroom/api-presence.ts).
  .route("/", presenceApi)
  // The audit log: GET /api/audit (newsroom/api-audit.ts).
  .route("/", auditArchiveApi)
  .route("/", auditApi)
  // People, their tokens, and who is calling: /api/people, /api/tokens, /api/me (newsroom/api-people.ts).
  .route("/", peopleApi)
  // Newsletters, subscribers and captured mail: /api/newsletters, /api/subscribers, /api/mail (newsroom/mail/).
  .route("/", mailApi)
  .all("*", open("an unknown API route answers 404 to anyone"), (c) =>
    apiError(c, 404, `No such API route: ${c.req.method} ${c.req.path}`),
  )
  .onError(onError);

/** After a save, everyone with the article open is told (newsroom/presence.ts), after the response. */
function tellEditors(
  c: Context<AppEnv>,
  articleId: string,
  slug: string,
  version: string,
  outcome: "created" | "updated" | "unchanged",
): void {
  if (outcome === "unchanged") return;
  const save = { version, by: c.var.editor ?? "editor", diff: `/desk/articles/${slug}/history` };
  c.executionCtx.waitUntil(notifySaved(c.env, articleId, save));
}

function preconditions(c: Context<AppEnv>): Preconditions {
  return { ifMatch: c.req.header("If-Match"), createOnly: c.req.header("If-None-Match")?.trim() === "*" };
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
