/**
 * @module newsroom/workflow
 * What a role may do to an article beyond the route's permission, and what every article change
 * adds to its own batch:
 *
 * - A contributor (who lacks `articles:publish`) creates drafts and edits their own drafts until
 *   they are published; a save that would publish or schedule, or that touches anyone else's
 *   article, is 403 `{"error": "forbidden", "need": "articles:publish"}`.
 * - An article marked `signOff` cannot be published or scheduled (409 `{"error": "needs sign-off"}`)
 *   until someone with the standards role has signed off its exact current version, and the save
 *   that publishes it changes nothing but its publication (draft and time). Any edit voids the
 *   sign-off, since it changes the version.
 * - Every change's batch (editorial/database.ts's `ArticleHook`) carries its audit entry, and a new
 *   article's batch its workflow row, owned by whoever made it.
 */

import type { Context } from "hono";
import type { ArticleInput } from "../core/schema";
import type { ArticleStatus } from "../core/visibility";
import type { ArticleHook, ArticleRow, RevisionAction } from "../data/articles";
import { auditStatement, auditTarget, guardedAudit } from "../data/audit";
import {
  auditIfMoved,
  ensureWorkflow,
  guardedWorkflowCreate,
  insertNote,
  insertNoteIfMoved,
  moveWorkflow,
  signOffWorkflow,
  type WorkflowRow,
  type WorkflowState,
  workflowOf,
} from "../data/workflow";
import type { AppEnv } from "./app-env";
import { type Actor, can } from "./permissions";

/** The audit action of each kind of article change. */
const AUDIT_ACTIONS: Record<RevisionAction, string> = {
  create: "article-created",
  update: "article-saved",
  "restore-revision": "revision-restored",
  move: "article-moved",
  trash: "article-trashed",
  untrash: "article-restored",
  import: "article-imported",
};

/** The statements an article change by `actor` adds to its batch. */
export function articleHook(actor: Actor, now: number): ArticleHook {
  return (guard, articleId, action) => [
    guardedAudit(guard, articleId, { at: now, actorId: actor.id, actorName: actor.name, action: AUDIT_ACTIONS[action] }),
    ...(action === "create" || action === "import" ? [guardedWorkflowCreate(guard, articleId, actor.id, now)] : []),
  ];
}

/** A refusal: a status and the JSON body the API answers with (the desk shows its error). */
export interface WorkflowRefusal {
  status: 403 | 409;
  body: { error: string; need?: string; details?: Array<{ field: string; problem: string }> };
}

const NEED_PUBLISH: WorkflowRefusal = { status: 403, body: { error: "forbidden", need: "articles:publish" } };

/**
 * Whether `actor` may save `input` over `row` (null for a new article), or the refusal. Reads the
 * article's workflow only when it matters (a contributor's edit, or an editor's publishing save).
 */
export async function checkSave(
  db: D1Database,
  actor: Actor,
  row: ArticleRow | null,
  input: ArticleInput,
  now: number,
): Promise<WorkflowRefusal | null> {
  const publishes = input.draft !== true;
  if (!can(actor.role, "articles:publish")) {
    if (publishes) return NEED_PUBLISH;
    if (!row) return null;
    if (row.deleted_at !== null || row.draft !== 1) return NEED_PUBLISH;
    const workflow = await workflowOf(db, row.id);
    return workflow.owner_id === actor.id ? null : NEED_PUBLISH;
  }
  if (!row || !publishes) return null;
  const workflow = await workflowOf(db, row.id);
  return signOffHolds(workflow, row, input, now) ? null : { status: 409, body: { error: "needs sign-off" } };
}

/**
 * Whether a publishing save of `input` over `row` is allowed by the sign-off rule: the article does
 * not need one, or its current version was signed off and the save changes nothing but its publication.
 */
export function signOffHolds(workflow: WorkflowRow, row: ArticleRow, input: ArticleInput, _now: number): boolean {
  if (workflow.sign_off !== 1) return true;
  if (workflow.signed_off_version !== row.version) return false;
  return sameContent(JSON.parse(row.input) as ArticleInput, input);
}

/** Two inputs alike but for whether and when they are published. */
function sameContent(a: ArticleInput, b: ArticleInput): boolean {
  const strip = ({ draft: _draft, published: _published, ...rest }: ArticleInput) => canonical(rest);
  return strip(a) === strip(b);
}

/** JSON with keys in order, so two equal objects compare equal whatever order their keys came in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/** The workflow as the API shows it: the state (published or scheduled once it is), who moved it, and the sign-off. */
export function workflowView(workflow: WorkflowRow, row: ArticleRow, status: ArticleStatus) {
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
  return {
    state: status === "published" || status === "scheduled" ? status : workflow.state,
    by: workflow.state_by,
    at: iso(workflow.state_at),
    owner: workflow.owner_id,
    approvedVersion: workflow.approved_version,
    approvalCurrent: workflow.approved_version !== null && workflow.approved_version === row.version,
    signOff: workflow.sign_off === 1,
    signedOff:
      workflow.signed_off_version === null
        ? null
        : {
            version: workflow.signed_off_version,
            by: workflow.signed_off_by,
            at: iso(workflow.signed_off_at),
            // Any edit since voids it: the version it was given to is no longer the article's.
            current: workflow.signed_off_version === row.version,
          },
  };
}

/**
 * One workflow move as a batch: the row made sure of, the conditional move, its audit entry (and a
 * note) only if it won. Resolves whether it won.
 */
export async function moveArticleWorkflow(
  c: Pick<Context<AppEnv>, "env" | "var">,
  row: ArticleRow,
  change: { from: WorkflowState[]; to: WorkflowState; action: string; version: string | null; note?: string },
): Promise<boolean> {
  const db = c.env.DB;
  const actor = c.var.actor as Actor;
  const now = c.var.clock.now();
  const writeId = crypto.randomUUID();
  const [, moved] = await db.batch([
    ensureWorkflow(db, { articleId: row.id }),
    moveWorkflow(db, {
      articleId: row.id,
      from: change.from,
      to: change.to,
      by: actor.id,
      now,
      writeId,
      version: change.version,
    }),
    auditIfMoved(db, {
      writeId,
      articleId: row.id,
      at: now,
      actorId: actor.id,
      actorName: actor.name,
      action: change.action,
      detail: change.note ? JSON.stringify({ note: change.note }) : null,
    }),
    ...(change.note
      ? [insertNoteIfMoved(db, { articleId: row.id, at: now, byId: actor.id, byName: actor.name, body: change.note, writeId })]
      : []),
  ]);
  return (moved?.meta.changes ?? 0) === 1;
}

/** Signs off the article at `version` (which must be its current one), audited in the same batch; resolves whether it changed. */
export async function signOffArticle(
  c: Pick<Context<AppEnv>, "env" | "var">,
  row: ArticleRow,
  version: string,
): Promise<boolean> {
  const db = c.env.DB;
  const actor = c.var.actor as Actor;
  const now = c.var.clock.now();
  const writeId = crypto.randomUUID();
  const [signed] = await db.batch([
    signOffWorkflow(db, { articleId: row.id, version, by: actor.id, now, writeId }),
    auditIfMoved(db, {
      writeId,
      articleId: row.id,
      at: now,
      actorId: actor.id,
      actorName: actor.name,
      action: "signed-off",
      detail: null,
    }),
  ]);
  return (signed?.meta.changes ?? 0) === 1;
}

/** Adds an internal note to the article, audited in the same batch. */
export async function addNote(c: Pick<Context<AppEnv>, "env" | "var">, row: ArticleRow, body: string): Promise<void> {
  const db = c.env.DB;
  const actor = c.var.actor as Actor;
  const now = c.var.clock.now();
  await db.batch([
    insertNote(db, { articleId: row.id, at: now, byId: actor.id, byName: actor.name, body }),
    auditStatement(db, {
      at: now,
      actorId: actor.id,
      actorName: actor.name,
      action: "note-added",
      target: auditTarget("article", row.slug),
      version: row.version,
    }),
  ]);
}
