/**
 * @module data/redirects
 * Every statement on `path_redirects` (src/db/migrations/0015_path_redirects.sql): redirects from
 * old paths on the site; and the outbox rows of kind `redirect`, written in the same batch as the
 * change and deleted once applied (the rest of the outbox is data/pipeline.ts's). Rows are checked
 * with valibot where they leave D1. Lists of paths travel
 * as one JSON parameter (`json_each`), so a batch of 1,000 costs a few statements, not 1,000.
 */
import * as v from "valibot";
import type { Guard } from "./articles";
import { statement } from "./sql";

export const redirectRowSchema = v.object({
  from_path: v.string(),
  to_location: v.string(),
  source: v.nullable(v.string()),
  created_at: v.number(),
  updated_at: v.number(),
});
export type RedirectRow = v.InferOutput<typeof redirectRowSchema>;
const rowsOf = (results: unknown[]): RedirectRow[] => v.parse(v.array(redirectRowSchema), results);

/** Paths one JSON parameter carries: D1 binds a string of up to 2 MB, and a path is at most 1 KB. */
export const PATHS_PER_PARAMETER = 500;

const related = statement<{ froms: string; tos: string }>(
  `SELECT from_path, to_location FROM path_redirects
   WHERE from_path IN (SELECT value FROM json_each(:tos)) OR to_key IN (SELECT value FROM json_each(:froms))`,
);

/**
 * The stored rows a batch must be planned against: those whose `from` is one of `tos` (a chain to
 * follow) and those whose `to` is one of `froms` (a chain to shorten).
 */
export async function relatedRedirects(db: D1Database, froms: string[], tos: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const parts = Math.max(1, Math.ceil(Math.max(froms.length, tos.length) / PATHS_PER_PARAMETER));
  const statements = Array.from({ length: parts }, (_, i) => {
    const slice = (list: string[]) => JSON.stringify(list.slice(i * PATHS_PER_PARAMETER, (i + 1) * PATHS_PER_PARAMETER));
    return related(db, { froms: slice(froms), tos: slice(tos) });
  });
  for (const result of await db.batch(statements)) {
    for (const row of v.parse(v.array(v.object({ from_path: v.string(), to_location: v.string() })), result.results))
      found.set(row.from_path, row.to_location);
  }
  return found;
}

const upsert = statement<{ rows: string; now: number }>(
  `INSERT INTO path_redirects (from_path, to_location, to_key, source, created_at, updated_at)
   SELECT value ->> '$.from', value ->> '$.to', value ->> '$.key', value ->> '$.source', :now, :now FROM json_each(:rows)
   WHERE true
   ON CONFLICT (from_path) DO UPDATE SET to_location = excluded.to_location, to_key = excluded.to_key,
     source = COALESCE(excluded.source, path_redirects.source), updated_at = excluded.updated_at`,
);

const queue = statement<{ paths: string; now: number }>(
  `INSERT INTO outbox (kind, target, due_at, created_at) SELECT 'redirect', value, :now, :now FROM json_each(:paths)`,
);

/** One stored redirect as it is written. */
export interface RedirectWrite {
  from: string;
  to: string;
  /** `to` without its fragment when it is a path on this site (targets/redirects.ts's targetKey). */
  key: string | undefined;
  source?: string | undefined;
}

/**
 * The statements that store `rows` and queue each changed path for the read model (outbox kind
 * `redirect`), to run in one batch, so a failed batch writes nothing.
 */
export function writeRedirectStatements(db: D1Database, rows: RedirectWrite[], now: number): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += PATHS_PER_PARAMETER) {
    const part = rows.slice(i, i + PATHS_PER_PARAMETER);
    statements.push(
      upsert(db, {
        rows: JSON.stringify(part.map((r) => ({ from: r.from, to: r.to, key: r.key ?? null, source: r.source ?? null }))),
        now,
      }),
      queue(db, { paths: JSON.stringify(part.map((r) => r.from)), now }),
    );
  }
  return statements;
}

/**
 * The statements, for a renamed article's guarded batch, that point every redirect whose `to` is
 * the article's old path at its new one (keeping a `#fragment`), and queue their paths for the read
 * model: so a moved article never costs an old path two hops. Runs only if the move's head won.
 */
export function retargetRedirectStatements(guard: Guard, oldPath: string, newPath: string, now: number): D1PreparedStatement[] {
  return [
    guard(
      `INSERT INTO outbox (kind, target, due_at, created_at)
       SELECT 'redirect', from_path, :now, :now FROM path_redirects WHERE to_key = :oldPath AND {guard}`,
      { oldPath, now },
    ),
    guard(
      `UPDATE path_redirects SET to_location = :newPath || substr(to_location, length(to_key) + 1), to_key = :newPath,
         updated_at = :now
       WHERE to_key = :oldPath AND {guard}`,
      { oldPath, newPath, now },
    ),
  ];
}

const remove = statement<{ from: string }>("DELETE FROM path_redirects WHERE from_path = :from");
const queueOne = statement<{ from: string; now: number }>(
  "INSERT INTO outbox (kind, target, due_at, created_at) SELECT 'redirect', :from, :now, :now WHERE changes() > 0",
);

/** Deletes one redirect and queues its path for the read model. Resolves whether there was one. */
export async function deleteRedirect(db: D1Database, from: string, now: number): Promise<boolean> {
  const [deleted] = await db.batch([remove(db, { from }), queueOne(db, { from, now })]);
  return (deleted?.meta.changes ?? 0) > 0;
}

const page = statement<{ prefix: string; after: string; limit: number }>(
  `SELECT from_path, to_location, source, created_at, updated_at FROM path_redirects
   WHERE substr(from_path, 1, length(:prefix)) = :prefix AND from_path > :after
   ORDER BY from_path LIMIT :limit`,
);

/** Redirects whose `from` starts with `prefix`, in order, after the `from` `after`. */
export async function listRedirects(
  db: D1Database,
  options: { prefix: string; after: string; limit: number },
): Promise<RedirectRow[]> {
  const { results } = await page(db, options).all();
  return rowsOf(results);
}

const some = statement<{ paths: string }>(
  "SELECT from_path, to_location FROM path_redirects WHERE from_path IN (SELECT value FROM json_each(:paths))",
);

/** Where each of `paths` goes, for those that redirect: what the read model's documents hold. */
export async function redirectsTo(db: D1Database, paths: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const statements = [];
  for (let i = 0; i < paths.length; i += PATHS_PER_PARAMETER)
    statements.push(some(db, { paths: JSON.stringify(paths.slice(i, i + PATHS_PER_PARAMETER)) }));
  if (statements.length === 0) return found;
  for (const result of await db.batch(statements)) {
    for (const row of v.parse(v.array(v.object({ from_path: v.string(), to_location: v.string() })), result.results))
      found.set(row.from_path, row.to_location);
  }
  return found;
}

const complete = statement<{ done: string }>(
  `DELETE FROM outbox WHERE kind = 'redirect' AND EXISTS (
     SELECT 1 FROM json_each(:done) AS d WHERE d.value ->> '$.target' = outbox.target AND outbox.id <= d.value ->> '$.id')`,
);

/** Deletes the outbox rows of applied redirect messages, and older rows for the same paths. */
export function completeRedirectStatements(db: D1Database, done: Array<{ target: string; id: number }>): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < done.length; i += PATHS_PER_PARAMETER)
    statements.push(complete(db, { done: JSON.stringify(done.slice(i, i + PATHS_PER_PARAMETER)) }));
  return statements;
}
