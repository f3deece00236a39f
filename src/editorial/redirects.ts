/**
 * @module editorial/redirects
 * Storing redirects from old paths (targets/redirects.ts says what a path may be): a batch is checked
 * whole, planned against what is stored so every chain stays one hop, and written in one D1 batch
 * with its outbox rows, so the read model gets one document per changed path. A batch with any bad
 * value, or one that would make a loop, writes nothing.
 */

import type { FieldProblem } from "../core/schema";
import { deleteRedirect, relatedRedirects, writeRedirectStatements } from "../data/redirects";
import { checkFrom, checkTo, MAX_REDIRECTS_PER_REQUEST, planRedirects, type Redirect, targetKey } from "../targets/redirects";
import type { Refusal } from "./publishing";

export interface StoredRedirects {
  ok: true;
  /** Each redirect as stored: normal form, chains collapsed. */
  redirects: Redirect[];
  /** Rows written: the batch's own and those shortened to keep one hop. */
  changed: number;
}

const refuse = (status: 400 | 404 | 409, error: string, details: FieldProblem[]): Refusal => ({
  ok: false,
  status,
  error,
  details,
});

/**
 * Checks a request's list of `{from, to}` (at most 1,000) against the site's origin, naming each bad
 * field as `[i].from` or `[i].to`.
 */
export function checkRedirects(input: unknown, siteUrl: string): { ok: true; value: Redirect[] } | Refusal {
  if (!Array.isArray(input))
    return refuse(400, 'Send a JSON list of {"from", "to"}', [{ field: "body", problem: "must be a list" }]);
  if (input.length === 0) return refuse(400, "The list is empty", [{ field: "body", problem: "holds no redirects" }]);
  if (input.length > MAX_REDIRECTS_PER_REQUEST)
    return refuse(400, `Send at most ${MAX_REDIRECTS_PER_REQUEST} redirects a request`, [
      { field: "body", problem: `holds ${input.length} redirects, more than ${MAX_REDIRECTS_PER_REQUEST}` },
    ]);
  const problems: FieldProblem[] = [];
  const value: Redirect[] = [];
  const seen = new Map<string, number>();
  for (const [i, item] of input.entries()) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      problems.push({ field: `[${i}]`, problem: 'must be an object {"from", "to"}' });
      continue;
    }
    const { from, to } = item as { from?: unknown; to?: unknown };
    const f = checkFrom(from, siteUrl);
    const t = checkTo(to, siteUrl);
    if (!f.ok) problems.push({ field: `[${i}].from`, problem: f.problem });
    if (!t.ok) problems.push({ field: `[${i}].to`, problem: t.problem });
    if (f.ok && seen.has(f.value)) problems.push({ field: `[${i}].from`, problem: `repeats [${seen.get(f.value)}].from` });
    if (f.ok) seen.set(f.value, i);
    if (f.ok && t.ok) value.push({ from: f.value, to: t.value });
  }
  if (problems.length) return refuse(400, "Some redirects are not valid", problems.slice(0, 100));
  return { ok: true, value };
}

/**
 * Stores checked redirects: chains collapsed, loops refused with 409. `source` records where they
 * came from (an importer's `wordpress:123`), and is kept when an editor later changes the row.
 */
export async function storeRedirects(
  db: D1Database,
  batch: Redirect[],
  now: number,
  sources: ReadonlyMap<string, string> = new Map(),
): Promise<StoredRedirects | Refusal> {
  const froms = batch.map((r) => r.from);
  const tos = batch.flatMap((r) => targetKey(r.to) ?? []);
  const stored = await relatedRedirects(db, froms, tos);
  const plan = planRedirects(batch, stored);
  if (!plan.ok) {
    const { index, field, problem } = plan.loop;
    return refuse(409, "These redirects would make a loop", [{ field: `[${index}].${field}`, problem }]);
  }
  const rows = [...plan.rows].map(([from, to]) => ({ from, to, key: targetKey(to), source: sources.get(from) }));
  if (rows.length) await db.batch(writeRedirectStatements(db, rows, now));
  const final = new Map([...stored, ...plan.rows]);
  return { ok: true, redirects: batch.map((r) => ({ from: r.from, to: final.get(r.from) ?? r.to })), changed: rows.length };
}

/** Removes the redirect from `from` (checked like any `from`). */
export async function removeRedirect(
  db: D1Database,
  from: unknown,
  siteUrl: string,
  now: number,
): Promise<{ ok: true; from: string } | Refusal> {
  const checked = checkFrom(from, siteUrl);
  if (!checked.ok) return refuse(400, "The path is not valid", [{ field: "from", problem: checked.problem }]);
  if (!(await deleteRedirect(db, checked.value, now)))
    return refuse(404, `There is no redirect from ${checked.value}`, [{ field: "from", problem: "has no redirect" }]);
  return { ok: true, from: checked.value };
}
