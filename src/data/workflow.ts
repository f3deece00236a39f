/**
 * @module data/workflow
 * Each article's review workflow and its internal notes (tables `article_workflow`, `article_notes`;
 * src/db/migrations/0013_people.sql). An article with no workflow row is a draft that no one owns
 * (made before people existed). Approvals and sign-offs are bound to a version: a move is written
 * only while the article still has that version, and stamps the row with a write id so that the
 * move's audit entry is written by the one request that made it (see `moveWorkflow`).
 */
import * as v from "valibot";
import { type SqlValue, sql, statement } from "./sql";

export const WORKFLOW_STATES = ["draft", "in-review", "ready"] as const;
export type WorkflowState = (typeof WORKFLOW_STATES)[number];

export const workflowRowSchema = v.object({
  article_id: v.string(),
  owner_id: v.nullable(v.string()),
  state: v.picklist(WORKFLOW_STATES),
  state_by: v.nullable(v.string()),
  state_at: v.nullable(v.number()),
  approved_version: v.nullable(v.string()),
  sign_off: v.number(),
  signed_off_version: v.nullable(v.string()),
  signed_off_by: v.nullable(v.string()),
  signed_off_at: v.nullable(v.number()),
});
export type WorkflowRow = v.InferOutput<typeof workflowRowSchema>;

/** The workflow of an article, or the default: a draft no one owns. */
export async function workflowOf(db: D1Database, articleId: string): Promise<WorkflowRow> {
  const row = await sql(
    db,
    `SELECT article_id, owner_id, state, state_by, state_at, approved_version, sign_off, signed_off_version,
       signed_off_by, signed_off_at FROM article_workflow WHERE article_id = :articleId`,
    { articleId },
  ).first();
  return row
    ? v.parse(workflowRowSchema, row)
    : {
        article_id: articleId,
        owner_id: null,
        state: "draft",
        state_by: null,
        state_at: null,
        approved_version: null,
        sign_off: 0,
        signed_off_version: null,
        signed_off_by: null,
        signed_off_at: null,
      };
}

/** A guarded batch's statement (editorial/database.ts's `Guard`): the new article's workflow row, owned by its maker. */
export function guardedWorkflowCreate(
  guard: (text: string, params?: Record<string, SqlValue | boolean | undefined>) => D1PreparedStatement,
  articleId: string,
  ownerId: string,
  now: number,
): D1PreparedStatement {
  return guard(
    `INSERT INTO article_workflow (article_id, owner_id, state, state_by, state_at)
     SELECT :articleId, :ownerId, 'draft', :ownerId, :now WHERE {guard} ON CONFLICT (article_id) DO NOTHING`,
    { articleId, ownerId, now },
  );
}

/** Makes sure an article has a workflow row to move (an article from before people has none). */
export const ensureWorkflow = statement<{ articleId: string }>(
  "INSERT INTO article_workflow (article_id) VALUES (:articleId) ON CONFLICT (article_id) DO NOTHING",
);

/**
 * Moves an article's workflow from one of `from` to `to`, only while the article has `version`
 * (when given); stamps `writeId`. Approving also binds the approval to the version.
 */
export function moveWorkflow(
  db: D1Database,
  params: {
    articleId: string;
    from: WorkflowState[];
    to: WorkflowState;
    by: string;
    now: number;
    writeId: string;
    version: string | null;
  },
): D1PreparedStatement {
  const states = params.from.map((state) => `'${state}'`).join(", ");
  return sql(
    db,
    `UPDATE article_workflow SET state = :to, state_by = :by, state_at = :now, write_id = :writeId,
       approved_version = CASE WHEN :to = 'ready' THEN :version ELSE NULL END
     WHERE article_id = :articleId AND state IN (${states})
       AND (:version IS NULL OR EXISTS (SELECT 1 FROM articles WHERE id = :articleId AND version = :version AND deleted_at IS NULL))`,
    {
      articleId: params.articleId,
      to: params.to,
      by: params.by,
      now: params.now,
      writeId: params.writeId,
      version: params.version,
    },
  );
}

/** Signs off the article at exactly `version`, stamping `writeId`. */
export const signOffWorkflow = statement<{ articleId: string; version: string; by: string; now: number; writeId: string }>(
  `UPDATE article_workflow SET signed_off_version = :version, signed_off_by = :by, signed_off_at = :now, write_id = :writeId
   WHERE article_id = :articleId AND sign_off = 1
     AND (signed_off_version IS NULL OR signed_off_version <> :version)
     AND EXISTS (SELECT 1 FROM articles WHERE id = :articleId AND version = :version AND deleted_at IS NULL)`,
);

/** Marks whether the article needs sign-off; clearing the mark clears the sign-off. */
export const setSignOff = statement<{ articleId: string; signOff: boolean; writeId: string }>(
  `UPDATE article_workflow SET sign_off = :signOff, write_id = :writeId,
     signed_off_version = CASE WHEN :signOff THEN signed_off_version ELSE NULL END
   WHERE article_id = :articleId AND sign_off <> :signOff`,
);

/** An audit entry written only if the workflow row carries `writeId`: the move that won. */
export const auditIfMoved = statement<{
  writeId: string;
  articleId: string;
  at: number;
  actorId: string;
  actorName: string;
  action: string;
  detail: string | null;
}>(
  `INSERT INTO audit (at, actor_id, actor_name, action, target, version, detail)
   SELECT :at, :actorId, :actorName, :action, 'article:' || a.slug, a.version, :detail
   FROM articles a WHERE a.id = :articleId
     AND EXISTS (SELECT 1 FROM article_workflow WHERE article_id = :articleId AND write_id = :writeId)`,
);

// Notes

export const noteRowSchema = v.object({
  id: v.number(),
  at: v.number(),
  by_id: v.string(),
  by_name: v.string(),
  body: v.string(),
});
export type NoteRow = v.InferOutput<typeof noteRowSchema>;

/** A note, written only if the workflow row carries `writeId` when given (a return's note goes with the move). */
export const insertNote = statement<{ articleId: string; at: number; byId: string; byName: string; body: string }>(
  "INSERT INTO article_notes (article_id, at, by_id, by_name, body) VALUES (:articleId, :at, :byId, :byName, :body)",
);

export const insertNoteIfMoved = statement<{
  articleId: string;
  at: number;
  byId: string;
  byName: string;
  body: string;
  writeId: string;
}>(
  `INSERT INTO article_notes (article_id, at, by_id, by_name, body)
   SELECT :articleId, :at, :byId, :byName, :body
   WHERE EXISTS (SELECT 1 FROM article_workflow WHERE article_id = :articleId AND write_id = :writeId)`,
);

export async function listNotes(db: D1Database, articleId: string): Promise<NoteRow[]> {
  const { results } = await sql(
    db,
    "SELECT id, at, by_id, by_name, body FROM article_notes WHERE article_id = :articleId ORDER BY id",
    { articleId },
  ).all();
  return results.map((row) => v.parse(noteRowSchema, row));
}

const reviewRowSchema = v.object({
  slug: v.string(),
  title: v.string(),
  version: v.string(),
  // The workflow's own columns, as the workflow row checks them.
  ...v.pick(workflowRowSchema, ["state", "state_by", "state_at", "approved_version", "sign_off", "signed_off_version"]).entries,
});
export type ReviewRow = v.InferOutput<typeof reviewRowSchema>;

/** Articles waiting on an editor (in review) or ready to publish, oldest move first; drafts that are not public only. */
export async function listForReview(db: D1Database, limit = 200): Promise<ReviewRow[]> {
  const { results } = await sql(
    db,
    `SELECT a.slug, a.title, a.version, w.state, w.state_by, w.state_at, w.approved_version, w.sign_off, w.signed_off_version
     FROM article_workflow w JOIN articles a ON a.id = w.article_id
     WHERE w.state IN ('in-review', 'ready') AND a.deleted_at IS NULL AND a.draft = 1
     ORDER BY w.state_at, a.slug LIMIT :limit`,
    { limit },
  ).all();
  return results.map((row) => v.parse(reviewRowSchema, row));
}
