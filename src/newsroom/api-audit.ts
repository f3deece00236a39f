/**
 * @module newsroom/api-audit
 * `GET /api/audit?person=&article=&action=&since=&cursor=&limit=` (admin): the audit log
 * (data/audit.ts), newest first, a page at a time; `next` is the cursor of the page after, or null.
 * `since` is an ISO 8601 date or time; `npm run audit` pages through it as JSON Lines.
 */
import { Hono } from "hono";
import { type AuditRow, listAudit } from "../data/audit";
import { apiError } from "./api-input";
import type { AppEnv } from "./app-env";
import { requires } from "./permissions";

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 500;

/** An entry as the API shows it. */
export const auditView = (row: AuditRow) => ({
  id: row.id,
  at: new Date(row.at).toISOString(),
  actor: { id: row.actor_id, name: row.actor_name },
  action: row.action,
  target: row.target,
  version: row.version,
  ...(row.detail ? { detail: JSON.parse(row.detail) as unknown } : {}),
});

export const auditApi = new Hono<AppEnv>().get("/audit", requires("audit:read"), async (c) => {
  const problems: Array<{ field: string; problem: string }> = [];
  const since = c.req.query("since");
  const sinceMs = since === undefined ? undefined : Date.parse(since);
  if (since !== undefined && (sinceMs === undefined || Number.isNaN(sinceMs)))
    problems.push({ field: "since", problem: "must be an ISO 8601 date or time, like 2026-12-01" });
  const cursor = c.req.query("cursor");
  if (cursor !== undefined && !/^[1-9]\d{0,15}$/.test(cursor))
    problems.push({ field: "cursor", problem: "is not a cursor from a previous page" });
  const limitText = c.req.query("limit");
  const limit = limitText === undefined ? AUDIT_PAGE_DEFAULT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_PAGE_MAX)
    problems.push({ field: "limit", problem: `must be a whole number from 1 to ${AUDIT_PAGE_MAX}` });
  for (const field of ["person", "article", "action"]) {
    if ((c.req.query(field)?.length ?? 0) > 200) problems.push({ field, problem: "is too long" });
  }
  if (problems.length > 0) return apiError(c, 400, "The query is not valid", problems);
  const page = await listAudit(c.env.DB, {
    person: c.req.query("person") || undefined,
    article: c.req.query("article") || undefined,
    action: c.req.query("action") || undefined,
    since: sinceMs,
    before: cursor === undefined ? undefined : Number(cursor),
    limit,
  });
  return c.json({ entries: page.entries.map(auditView), next: page.next === null ? null : String(page.next) });
});

/** The archived months (newsroom/audit-archive.ts), and one month's JSON Lines. */
export const auditArchiveApi = new Hono<AppEnv>()
  .get("/audit/archive", requires("audit:read"), async (c) => {
    const months: Array<{ month: string; bytes: number; url: string }> = [];
    let cursor: string | undefined;
    do {
      const page = await c.env.MEDIA.list({ prefix: "audit/", ...(cursor ? { cursor } : {}) });
      for (const object of page.objects) {
        const month = /^audit\/(\d{4}-\d{2})\.jsonl$/.exec(object.key)?.[1];
        if (month) months.push({ month, bytes: object.size, url: `/api/audit/archive/${month}` });
      }
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    return c.json({ months: months.sort((a, b) => b.month.localeCompare(a.month)) });
  })
  .get("/audit/archive/:month{[0-9]{4}-[0-9]{2}}", requires("audit:read"), async (c) => {
    const object = await c.env.MEDIA.get(`audit/${c.req.param("month")}.jsonl`);
    if (!object)
      return apiError(c, 404, "No entries are archived for that month", [{ field: "month", problem: "has no archive" }]);
    return new Response(object.body, { headers: { "Content-Type": "application/x-ndjson; charset=utf-8" } });
  });
