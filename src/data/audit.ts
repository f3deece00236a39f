/**
 * @module data/audit
 * The audit log (table `audit`, src/db/migrations/0013_people.sql): who did what to what, when, at
 * which version. An entry is written in the same D1 batch as the change it records: callers add
 * {@link auditStatement} (or, inside a guarded article batch, {@link guardedAudit}) to their batch.
 */
import * as v from "valibot";
import { type SqlValue, sql, statement } from "./sql";

/** One entry as written. */
export interface AuditEntry {
  at: number;
  actorId: string;
  actorName: string;
  action: string;
  target: string;
  version?: string | null | undefined;
  detail?: Record<string, unknown> | undefined;
  /** Write the entry only if this person exists: for a batch whose first statement may insert nothing. */
  onlyIf?: { person: string } | { invitation: string } | undefined;
}

type Row = {
  at: number;
  actorId: string;
  actorName: string;
  action: string;
  target: string;
  version: string | null;
  detail: string | null;
};

const insert = statement<Row>(
  `INSERT INTO audit (at, actor_id, actor_name, action, target, version, detail)
   VALUES (:at, :actorId, :actorName, :action, :target, :version, :detail)`,
);

const insertIfPerson = statement<Row & { person: string }>(
  `INSERT INTO audit (at, actor_id, actor_name, action, target, version, detail)
   SELECT :at, :actorId, :actorName, :action, :target, :version, :detail
   WHERE EXISTS (SELECT 1 FROM people WHERE id = :person)`,
);

// Written only if the invitation was used by this very batch (at this entry's time).
const insertIfInvitationUsed = statement<Row & { invitation: string }>(
  `INSERT INTO audit (at, actor_id, actor_name, action, target, version, detail)
   SELECT :at, :actorId, :actorName, :action, :target, :version, :detail
   WHERE EXISTS (SELECT 1 FROM invitations WHERE id = :invitation AND used_at = :at)`,
);

/** What an entry is about, as the log names it (`article:<slug>`, `person:<id>`…): never a read-model name. */
export const auditTarget = (kind: "article" | "person" | "token" | "address", id: string | number): string => `${kind}:${id}`;

/** The statement that records `entry`, for the caller's batch. */
export function auditStatement(db: D1Database, entry: AuditEntry): D1PreparedStatement {
  const row: Row = {
    at: entry.at,
    actorId: entry.actorId,
    actorName: entry.actorName,
    action: entry.action,
    target: entry.target,
    version: entry.version ?? null,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  };
  if (!entry.onlyIf) return insert(db, row);
  return "person" in entry.onlyIf
    ? insertIfPerson(db, { ...row, person: entry.onlyIf.person })
    : insertIfInvitationUsed(db, { ...row, invitation: entry.onlyIf.invitation });
}

/**
 * A guarded article batch's entry (editorial/database.ts's `Guard`): it runs only if the change won,
 * and takes the version and slug from the article row as the change left it.
 */
export function guardedAudit(
  guard: (text: string, params?: Record<string, SqlValue | boolean | undefined>) => D1PreparedStatement,
  articleId: string,
  entry: Pick<AuditEntry, "at" | "actorId" | "actorName" | "action">,
): D1PreparedStatement {
  return guard(
    `INSERT INTO audit (at, actor_id, actor_name, action, target, version)
     SELECT :at, :actorId, :actorName, :action, 'article:' || slug, version FROM articles WHERE id = :articleId AND {guard}`,
    { at: entry.at, actorId: entry.actorId, actorName: entry.actorName, action: entry.action, articleId },
  );
}

export const auditRowSchema = v.object({
  id: v.number(),
  at: v.number(),
  actor_id: v.string(),
  actor_name: v.string(),
  action: v.string(),
  target: v.string(),
  version: v.nullable(v.string()),
  detail: v.nullable(v.string()),
});
export type AuditRow = v.InferOutput<typeof auditRowSchema>;

export interface AuditFilter {
  person?: string | undefined;
  /** An article's slug. */
  article?: string | undefined;
  action?: string | undefined;
  /** Entries at or after this time (ms). */
  since?: number | undefined;
  /** Entries older than this id (the cursor of the previous page). */
  before?: number | undefined;
  limit: number;
}

/** Entries newest first, filtered; one more than `limit` is read to tell whether there is a next page. */
export async function listAudit(db: D1Database, filter: AuditFilter): Promise<{ entries: AuditRow[]; next: number | null }> {
  const { results } = await sql(
    db,
    `SELECT id, at, actor_id, actor_name, action, target, version, detail FROM audit
     WHERE (:person = '' OR actor_id = :person)
       AND (:target = '' OR target = :target)
       AND (:action = '' OR action = :action)
       AND at >= :since AND id < :before
     ORDER BY id DESC LIMIT :limit`,
    {
      person: filter.person ?? "",
      target: filter.article ? auditTarget("article", filter.article) : "",
      action: filter.action ?? "",
      since: filter.since ?? 0,
      before: filter.before ?? Number.MAX_SAFE_INTEGER,
      limit: filter.limit + 1,
    },
  ).all();
  const rows = results.map((row) => v.parse(auditRowSchema, row));
  const entries = rows.slice(0, filter.limit);
  return { entries, next: rows.length > filter.limit ? (entries.at(-1)?.id ?? null) : null };
}

/** The oldest month (UTC, `YYYY-MM`) with an entry before `before`, or null. */
export async function oldestAuditMonth(db: D1Database, before: number): Promise<string | null> {
  const row = await sql(db, "SELECT min(at) AS at FROM audit WHERE at < :before", { before }).first();
  const at = v.parse(v.object({ at: v.nullable(v.number()) }), row).at;
  return at === null ? null : new Date(at).toISOString().slice(0, 7);
}

/** Entries at or after `from` and before `to`, oldest first, at most `limit`. */
export async function auditBetween(db: D1Database, from: number, to: number, limit: number): Promise<AuditRow[]> {
  const { results } = await sql(
    db,
    `SELECT id, at, actor_id, actor_name, action, target, version, detail FROM audit
     WHERE at >= :from AND at < :to ORDER BY id LIMIT :limit`,
    { from, to, limit },
  ).all();
  return results.map((row) => v.parse(auditRowSchema, row));
}

/** Removes entries by id (once they are archived). */
export const deleteAudit = statement<{ ids: string }>("DELETE FROM audit WHERE id IN (SELECT value FROM json_each(:ids))");
