/**
 * @module newsroom/api-workflow
 * Review and sign-off through the editors' API (newsroom/workflow.ts has the rules):
 *
 * - `POST /api/articles/:slug/submit` (contributor and up; a contributor only their own): draft → in-review.
 * - `POST /api/articles/:slug/return` `{"note"}` (editor and up): back to draft, with the note.
 * - `POST /api/articles/:slug/approve` (editor and up, `If-Match` required): in-review → ready,
 *   bound to that version. Of any number of concurrent approvals, one wins.
 * - `PATCH /api/articles/:slug/workflow` `{"signOff": true|false}` (editor and up): whether it needs sign-off.
 * - `POST /api/articles/:slug/sign-off` (standards and up, `If-Match` required): signs off that exact version.
 * - `POST /api/articles/:slug/notes` `{"body"}`, `GET …/notes`: internal notes, never public.
 *
 * Each move and its audit entry are one D1 batch; the entry is written only by the move that won.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import * as v from "valibot";
import { type ArticleRow, getArticleRow } from "../data/articles";
import { auditIfMoved, ensureWorkflow, listNotes, setSignOff, workflowOf } from "../data/workflow";
import { statusOf } from "../editorial/database";
import { etagOf, ifMatchNames } from "../editorial/publishing";
import { apiError, slugParam } from "./api-input";
import type { AppEnv } from "./app-env";
import { type Actor, can, requires } from "./permissions";
import { addNote, moveArticleWorkflow, signOffArticle, workflowView } from "./workflow";

/** The longest note: a few paragraphs. */
const MAX_NOTE = 10_000;

const NOTE = v.pipe(
  v.string("must be a string"),
  v.trim(),
  v.minLength(1, "is required"),
  v.maxLength(MAX_NOTE, `must be at most ${MAX_NOTE} characters`),
);

async function jsonObject(c: Context<AppEnv>): Promise<Record<string, unknown> | Response> {
  if ((c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() !== "application/json")
    return apiError(c, 415, "Send JSON", [{ field: "Content-Type", problem: "must be application/json" }]);
  try {
    const body: unknown = await c.req.json();
    if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // Answered below.
  }
  return apiError(c, 400, "The body is not a JSON object", [{ field: "body", problem: "must be a JSON object" }]);
}

/** The article the route names, or a 404 answer. */
async function articleOf(c: Context<AppEnv>, slug: string): Promise<ArticleRow | Response> {
  const row = await getArticleRow(c.env.DB, slug);
  if (!row || row.deleted_at !== null)
    return apiError(c, 404, `There is no article "${slug}"`, [{ field: "slug", problem: "names no article" }]);
  return row;
}

/** The version `If-Match` names, which must be the article's current one; or the answer (428 or 412). */
function boundVersion(c: Context<AppEnv>, row: ArticleRow): string | Response {
  const ifMatch = c.req.header("If-Match");
  if (ifMatch === undefined || ifMatch.trim() === "*")
    return c.json(
      {
        error: "Send If-Match with the version you read",
        details: [{ field: "If-Match", problem: "is required: the ETag of the version" }],
      },
      428,
    );
  if (!ifMatchNames(ifMatch, row.version))
    return apiError(c, 412, "The article changed since that version", [
      { field: "If-Match", problem: "does not match the current version" },
    ]);
  return row.version;
}

/** Answers with the article's workflow as it now stands. */
async function workflowAnswer(c: Context<AppEnv>, row: ArticleRow, status: 200 | 201 = 200): Promise<Response> {
  const fresh = (await getArticleRow(c.env.DB, row.slug)) ?? row;
  c.header("ETag", etagOf(fresh.version));
  return c.json(
    {
      slug: fresh.slug,
      version: fresh.version,
      workflow: workflowView(await workflowOf(c.env.DB, fresh.id), fresh, statusOf(fresh, c.var.clock.now())),
    },
    status,
  );
}

const notInState = (c: Context<AppEnv>, what: string) =>
  apiError(c, 409, `The article is not ${what}`, [{ field: "workflow", problem: `must be ${what}` }]);

export const workflowApi = new Hono<AppEnv>()
  .post("/articles/:slug/submit", requires("articles:draft"), slugParam, async (c) => {
    const row = await articleOf(c, c.req.valid("param").slug);
    if (row instanceof Response) return row;
    const actor = c.var.actor as Actor;
    if (!can(actor.role, "articles:publish") && (await workflowOf(c.env.DB, row.id)).owner_id !== actor.id)
      return c.json({ error: "forbidden", need: "articles:publish" }, 403);
    if (!(await moveArticleWorkflow(c, row, { from: ["draft"], to: "in-review", action: "submitted", version: null })))
      return notInState(c, "a draft");
    return workflowAnswer(c, row);
  })
  .post("/articles/:slug/return", requires("articles:review"), slugParam, async (c) => {
    const row = await articleOf(c, c.req.valid("param").slug);
    if (row instanceof Response) return row;
    const body = await jsonObject(c);
    if (body instanceof Response) return body;
    const note = v.safeParse(NOTE, body.note);
    if (!note.success)
      return apiError(c, 400, "Say why it goes back", [{ field: "note", problem: note.issues[0]?.message ?? "is required" }]);
    if (
      !(await moveArticleWorkflow(c, row, {
        from: ["in-review", "ready"],
        to: "draft",
        action: "returned",
        version: null,
        note: note.output,
      }))
    )
      return notInState(c, "in review or ready");
    return workflowAnswer(c, row);
  })
  .post("/articles/:slug/approve", requires("articles:review"), slugParam, async (c) => {
    const row = await articleOf(c, c.req.valid("param").slug);
    if (row instanceof Response) return row;
    const version = boundVersion(c, row);
    if (version instanceof Response) return version;
    if (!(await moveArticleWorkflow(c, row, { from: ["in-review"], to: "ready", action: "approved", version }))) {
      const now = await getArticleRow(c.env.DB, row.slug);
      if (now?.version !== version)
        return apiError(c, 412, "The article changed since that version", [
          { field: "If-Match", problem: "does not match the current version" },
        ]);
      return notInState(c, "in review");
    }
    return workflowAnswer(c, row);
  })
  .patch("/articles/:slug/workflow", requires("articles:review"), slugParam, async (c) => {
    const row = await articleOf(c, c.req.valid("param").slug);
    if (row instanceof Response) return row;
    const body = await jsonObject(c);
    if (body instanceof Response) return body;
    const unknown = Object.keys(body).filter((key) => key !== "signOff");
    if (typeof body.signOff !== "boolean" || unknown.length > 0)
      return apiError(c, 400, "The change is not valid", [
        ...(typeof body.signOff !== "boolean" ? [{ field: "signOff", problem: "must be true or false" }] : []),
        ...unknown.map((field) => ({ field, problem: "is not a workflow field" })),
      ]);
    const db = c.env.DB;
    const actor = c.var.actor as Actor;
    const now = c.var.clock.now();
    const writeId = crypto.randomUUID();
    await db.batch([
      ensureWorkflow(db, { articleId: row.id }),
      setSignOff(db, { articleId: row.id, signOff: body.signOff, writeId }),
      auditIfMoved(db, {
        writeId,
        articleId: row.id,
        at: now,
        actorId: actor.id,
        actorName: actor.name,
        action: body.signOff ? "sign-off-required" : "sign-off-not-required",
        detail: null,
      }),
    ]);
    return workflowAnswer(c, row);
  })
  .post("/articles/:slug/sign-off", requires("articles:sign-off"), slugParam, async (c) => {
    const row = await articleOf(c, c.req.valid("param").slug);
    if (row instanceof Response) return row;
    const version = boundVersion(c, row);
    if (version instanceof Response) return version;
    const workflow = await workflowOf(c.env.DB, row.id);
    if (workflow.sign_off !== 1) return notInState(c, "marked as needing sign-off");
    const signed = await signOffArticle(c, row, version);
    if (!signed && workflow.signed_off_version !== version)
      return apiError(c, 412, "The article changed since that version", [
        { field: "If-Match", problem: "does not match the current version" },
      ]);
    return workflowAnswer(c, row);
  })
  .get("/articles/:slug/notes", requires("articles:read"), slugParam, async (c) => {
    const row = await articleOf(c, c.req.valid("param").slug);
    if (row instanceof Response) return row;
    const notes = await listNotes(c.env.DB, row.id);
    return c.json({
      slug: row.slug,
      notes: notes.map((n) => ({
        id: n.id,
        at: new Date(n.at).toISOString(),
        by: { id: n.by_id, name: n.by_name },
        body: n.body,
      })),
    });
  })
  .post("/articles/:slug/notes", requires("notes:write"), slugParam, async (c) => {
    const row = await articleOf(c, c.req.valid("param").slug);
    if (row instanceof Response) return row;
    const body = await jsonObject(c);
    if (body instanceof Response) return body;
    const note = v.safeParse(NOTE, body.body);
    if (!note.success)
      return apiError(c, 400, "The note is not valid", [{ field: "body", problem: note.issues[0]?.message ?? "is required" }]);
    await addNote(c, row, note.output);
    return c.json({ slug: row.slug, added: true }, 201);
  });
