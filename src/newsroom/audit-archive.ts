/**
 * @module newsroom/audit-archive
 * The audit log's older entries move from D1 to R2 as one JSON Lines file a month,
 * `audit/YYYY-MM.jsonl` in the MEDIA bucket (whose public routes serve only content-hashed image
 * names, never these), and stay listable: `GET /api/audit/archive` and `GET /api/audit/archive/:month`.
 * The cron moves up to a few thousand entries a run, oldest month first, once they are older than
 * AUDIT_ARCHIVE_DAYS (365 by default).
 *
 * Writing R2 and then deleting from D1 cannot be one transaction, so each file records the highest
 * id it holds (`customMetadata.lastId`): a run that stopped between the two writes nothing twice.
 */
import { type AuditRow, auditBetween, deleteAudit, oldestAuditMonth } from "../data/audit";
import { auditView } from "./api-audit";

export const AUDIT_PREFIX = "audit/";
/** Entries moved per run at most: one D1 read, one R2 write, one D1 delete. */
const PER_RUN = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** AUDIT_ARCHIVE_DAYS: how old an entry is before it moves to R2. */
export function archiveDays(env: { AUDIT_ARCHIVE_DAYS?: string }): number {
  const days = Number(env.AUDIT_ARCHIVE_DAYS ?? "365");
  return Number.isInteger(days) && days >= 1 ? days : 365;
}

/** Moves the oldest archivable entries to their month's file. Resolves what moved, or null for nothing. */
export async function archiveAudit(
  db: D1Database,
  bucket: R2Bucket,
  now: number,
  days: number,
): Promise<{ month: string; moved: number } | null> {
  const cutoff = now - days * DAY_MS;
  const month = await oldestAuditMonth(db, cutoff);
  if (!month) return null;
  const start = Date.parse(`${month}-01T00:00:00Z`);
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + 1);
  const rows = await auditBetween(db, start, Math.min(end.getTime(), cutoff), PER_RUN);
  if (rows.length === 0) return null;
  const key = `${AUDIT_PREFIX}${month}.jsonl`;
  const existing = await bucket.get(key);
  const lastId = Number(existing?.customMetadata?.lastId ?? "0");
  const fresh = rows.filter((row: AuditRow) => row.id > lastId);
  if (fresh.length > 0) {
    const before = existing ? await existing.text() : "";
    const lines = fresh.map((row) => `${JSON.stringify(auditView(row))}\n`).join("");
    await bucket.put(key, before + lines, {
      httpMetadata: { contentType: "application/x-ndjson; charset=utf-8" },
      customMetadata: { lastId: String(fresh.at(-1)?.id ?? lastId) },
    });
  }
  await deleteAudit(db, { ids: JSON.stringify(rows.map((row) => row.id)) }).run();
  return { month, moved: rows.length };
}
