/**
 * @module newsroom/api-corrections
 * The editors' API for corrections and clarifications, thin handlers over editorial/corrections:
 *
 *   GET    /articles/:slug/corrections                  the article's current notes, oldest first
 *   POST   /articles/:slug/corrections                  {"kind": "correction" | "clarification", "text": …} → 201
 *   GET    /articles/:slug/corrections/:id              one note, with its ETag
 *   PUT    /articles/:slug/corrections/:id              the same body; If-Match: its ETag
 *   DELETE /articles/:slug/corrections/:id              withdraws it; If-Match: its ETag
 *   GET    /articles/:slug/corrections/:id/revisions    every write of it, newest first
 *
 * Mounted by newsroom/api.ts behind the editors' auth (which sets `c.var.editor`), its no-store
 * header and its error handler. Errors are JSON naming the field and the problem; a refused request
 * writes nothing.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { absoluteUrl } from "../core/config";
import { noteAnchor } from "../core/corrections";
import { getArticleRow } from "../data/articles";
import { type CorrectionRow, listCorrectionRevisions, listCorrections } from "../data/corrections";
import { addCorrection, editCorrection, withdrawCorrection } from "../editorial/corrections";
import { statusOf } from "../editorial/database";
import { etagOf } from "../editorial/publishing";
import { articlePath } from "../targets/document-name";
import { apiError, jsonInput, refusal, slugParam } from "./api-input";
import type { AppEnv } from "./app-env";
import { publisher } from "./editors";
import { requires } from "./permissions";

/** A note is at most a couple of thousand characters: a body far past that is refused unread. */
const MAX_NOTE_BODY_BYTES = 64 * 1024;

/** A correction's id: the UUID it was given. Anything else names no correction, without a D1 read. */
const ID = ":id{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}";

const noteLimit = bodyLimit({
  maxSize: MAX_NOTE_BODY_BYTES,
  onError: (c) =>
    apiError(c, 413, `The body is larger than ${MAX_NOTE_BODY_BYTES} bytes`, [{ field: "body", problem: "is too large" }]),
});

export const correctionsApi = new Hono<AppEnv>()
  .get("/articles/:slug/corrections", requires("articles:read"), slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const row = await getArticleRow(c.env.DB, slug);
    if (!row) return noArticle(c, slug);
    const notes = await listCorrections(c.env.DB, row.id);
    return c.json({ slug, status: statusOf(row, c.var.clock.now()), corrections: notes.map((note) => view(c, slug, note)) });
  })
  .post("/articles/:slug/corrections", requires("corrections:write"), noteLimit, slugParam, jsonInput, async (c) => {
    const { slug } = c.req.valid("param");
    const body = c.req.valid("json");
    const added = await addCorrection(publisher(c), slug, body);
    if (!added.ok) return refusal(c, added);
    const url = absoluteUrl(c.var.site, `/api/articles/${slug}/corrections/${added.correction.id}`);
    c.header("Location", url);
    c.header("ETag", etagOf(added.correction.version));
    return c.json({ ...view(c, slug, added.correction), status: statusOf(added.article, c.var.clock.now()) }, 201);
  })
  .get(`/articles/:slug/corrections/${ID}`, requires("articles:read"), slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const row = await getArticleRow(c.env.DB, slug);
    if (!row) return noArticle(c, slug);
    const note = (await listCorrections(c.env.DB, row.id)).find((n) => n.id === c.req.param("id"));
    if (!note) return noCorrection(c, slug);
    c.header("ETag", etagOf(note.version));
    return c.json(view(c, slug, note));
  })
  .put(`/articles/:slug/corrections/${ID}`, requires("corrections:write"), noteLimit, slugParam, jsonInput, async (c) => {
    const { slug } = c.req.valid("param");
    const body = c.req.valid("json");
    const edited = await editCorrection(publisher(c), slug, c.req.param("id"), body, { ifMatch: c.req.header("If-Match") });
    if (!edited.ok) return refusal(c, edited);
    c.header("ETag", etagOf(edited.correction.version));
    return c.json({ ...view(c, slug, edited.correction), unchanged: edited.outcome === "unchanged" });
  })
  .delete(`/articles/:slug/corrections/${ID}`, requires("corrections:write"), slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const withdrawn = await withdrawCorrection(publisher(c), slug, c.req.param("id"), { ifMatch: c.req.header("If-Match") });
    if (!withdrawn.ok) return refusal(c, withdrawn);
    return c.json({ slug, id: withdrawn.correction.id, deleted: true });
  })
  .get(`/articles/:slug/corrections/${ID}/revisions`, requires("articles:read"), slugParam, async (c) => {
    const { slug } = c.req.valid("param");
    const row = await getArticleRow(c.env.DB, slug);
    if (!row) return noArticle(c, slug);
    const id = c.req.param("id");
    const all = await listCorrections(c.env.DB, row.id, true);
    if (!all.some((n) => n.id === id)) return noCorrection(c, slug);
    const revisions = await listCorrectionRevisions(c.env.DB, id);
    return c.json({
      slug,
      id,
      revisions: revisions.map((r) => ({
        id: r.id,
        version: r.version,
        action: r.action,
        kind: r.kind,
        text: r.text,
        editor: r.editor,
        at: new Date(r.created_at).toISOString(),
      })),
    });
  })
  // Any other id is no correction's: a 404 in the API's own words, not the API's catch-all.
  .on(["GET", "PUT", "DELETE"], "/articles/:slug/corrections/:id", requires("articles:read"), (c) =>
    noCorrection(c, c.req.param("slug")),
  );

/** How the API shows a note: what the editor wrote, what readers see, and its version. */
function view(c: Context<AppEnv>, slug: string, note: CorrectionRow) {
  return {
    id: note.id,
    kind: note.kind,
    text: note.text,
    html: note.html,
    version: note.version,
    published: new Date(note.created_at).toISOString(),
    publishedBy: note.created_by,
    changed: new Date(note.changed_at).toISOString(),
    changedBy: note.changed_by,
    url: `${absoluteUrl(c.var.site, articlePath(slug))}#${noteAnchor(note.id)}`,
  };
}

const noArticle = (c: Context, slug: string): Response =>
  apiError(c, 404, `There is no article "${slug}"`, [{ field: "slug", problem: "names no article" }]);

const noCorrection = (c: Context, slug: string): Response =>
  apiError(c, 404, `The article "${slug}" has no such correction`, [
    { field: "id", problem: "names no current correction of this article" },
  ]);
