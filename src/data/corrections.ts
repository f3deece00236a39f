/**
 * @module data/corrections
 * Corrections and clarifications in the editorial database: this module owns every statement on
 * `corrections` and `correction_revisions` (but emptying the trash, which removes them with their
 * article: data/articles.ts). Changes run inside the article's guarded batch (data/articles.ts);
 * every statement here that writes takes that batch's `guard`.
 */

import * as v from "valibot";
import { CORRECTION_KINDS } from "../core/corrections";
import type { Guard } from "./articles";
import { navOf, navStatement } from "./listings";
import { generationOf, generationStatement } from "./pipeline";
import { all, COUNT, col, firstOf, row, rowsOf } from "./rows";
import { sql, statement } from "./sql";

const kind = v.picklist(CORRECTION_KINDS);

export const correctionRowSchema = row({
  id: col.text,
  article_id: col.text,
  kind,
  text: col.text,
  html: col.text,
  plain: col.text,
  version: col.text,
  created_at: col.integer,
  created_by: col.text,
  changed_at: col.integer,
  changed_by: col.text,
  deleted_at: col.nullableInteger,
});
export type CorrectionRow = v.InferOutput<typeof correctionRowSchema>;

export const CORRECTION_ACTIONS = ["create", "update", "delete"] as const;
export type CorrectionAction = (typeof CORRECTION_ACTIONS)[number];

const correctionRevisionRowSchema = row({
  id: col.integer,
  correction_id: col.text,
  version: col.text,
  action: v.picklist(CORRECTION_ACTIONS),
  kind,
  text: col.text,
  editor: col.text,
  created_at: col.integer,
});
export type CorrectionRevisionRow = v.InferOutput<typeof correctionRevisionRowSchema>;

const COLUMNS = "id, article_id, kind, text, html, plain, version, created_at, created_by, changed_at, changed_by, deleted_at";

/** An article's corrections and clarifications, oldest first; withdrawn ones only when asked. */
export function listCorrections(db: D1Database, articleId: string, withdrawn = false): Promise<CorrectionRow[]> {
  return all(
    sql(
      db,
      `SELECT ${COLUMNS} FROM corrections WHERE article_id = :article ${withdrawn ? "" : "AND deleted_at IS NULL"}
       ORDER BY created_at, id`,
      { article: articleId },
    ),
    correctionRowSchema,
  );
}

const revisionsOf = statement<{ id: string }>(
  `SELECT id, correction_id, version, action, kind, text, editor, created_at FROM correction_revisions
   WHERE correction_id = :id ORDER BY id DESC`,
);

/** Every write of one correction, newest first. */
export function listCorrectionRevisions(db: D1Database, correctionId: string): Promise<CorrectionRevisionRow[]> {
  return all(revisionsOf(db, { id: correctionId }), correctionRevisionRowSchema);
}

/** The statement that writes the correction's own row, run only if the change's head won. */
export function correctionStatement(guard: Guard, action: CorrectionAction, c: CorrectionRow): D1PreparedStatement {
  if (action === "create")
    return guard(
      `INSERT INTO corrections (id, article_id, kind, text, html, plain, version, created_at, created_by, changed_at, changed_by)
       SELECT :id, :article_id, :kind, :text, :html, :plain, :version, :created_at, :created_by, :changed_at, :changed_by
       WHERE {guard}`,
      { ...c },
    );
  return guard(
    `UPDATE corrections SET kind = :kind, text = :text, html = :html, plain = :plain, version = :version,
       changed_at = :changed_at, changed_by = :changed_by, deleted_at = :deleted_at
     WHERE id = :id AND {guard}`,
    { ...c },
  );
}

/** The revision of a change to a correction: a copy of what its row now holds. */
export function correctionRevisionStatement(
  guard: Guard,
  id: string,
  action: CorrectionAction,
  editor: string,
  now: number,
): D1PreparedStatement {
  return guard(
    `INSERT INTO correction_revisions (correction_id, article_id, version, action, kind, text, editor, created_at)
     SELECT id, article_id, version, :action, kind, text, :editor, :now FROM corrections WHERE id = :id AND {guard}`,
    { action, editor, now, id },
  );
}

/** A note is public when its article is: not a draft, not in the trash, and live. */
const PUBLIC_NOTE = "c.deleted_at IS NULL AND a.draft = 0 AND a.deleted_at IS NULL";

const publicNotes = statement<{ now: number; limit: number }>(
  `SELECT c.id, c.kind, c.html, c.plain, c.created_at, c.changed_at, a.slug, a.title
   FROM corrections c JOIN articles a ON a.id = c.article_id
   WHERE ${PUBLIC_NOTE} AND a.published_at <= :now
   ORDER BY c.created_at DESC, c.id DESC LIMIT :limit`,
);
const publicCount = statement<{ now: number }>(
  `SELECT COUNT(*) AS n FROM corrections c JOIN articles a ON a.id = c.article_id WHERE ${PUBLIC_NOTE} AND a.published_at <= :now`,
);
const nextNote = statement<{ now: number }>(
  `SELECT MIN(a.published_at) AS at FROM corrections c JOIN articles a ON a.id = c.article_id
   WHERE ${PUBLIC_NOTE} AND a.published_at > :now`,
);

/** What the corrections page and feeds are built from, in one batch. */
export async function readCorrectionsListing(db: D1Database, name: string, now: number, limit: number) {
  const [generation, rows, total, next, nav] = await db.batch([
    generationStatement(db, name),
    publicNotes(db, { now, limit }),
    publicCount(db, { now }),
    nextNote(db, { now }),
    navStatement(db, now),
  ]);
  return {
    generation: generationOf(generation),
    rows: rowsOf(
      rows,
      row({
        id: col.text,
        kind,
        html: col.text,
        plain: col.text,
        created_at: col.integer,
        changed_at: col.integer,
        slug: col.text,
        title: col.text,
      }),
    ),
    total: firstOf(total, COUNT)?.n ?? 0,
    nextPublishAt: firstOf(next, row({ at: col.nullableInteger }))?.at ?? null,
    nav: navOf(nav),
  };
}
