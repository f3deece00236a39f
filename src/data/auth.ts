/**
 * @module data/auth
 * Sign-in state in the editorial database: this module owns every statement on `sign_in_failures`
 * (failed authentications per client address, newsroom/failed-auth.ts says why a table) and
 * `desk_sign_outs` (sessions that signed out before they expired, newsroom/desk/sign-outs.ts).
 */

import { col, first, firstOf, row } from "./rows";
import { statement } from "./sql";

const recordFailure = statement<{ address: string; now: number }>(
  "INSERT INTO sign_in_failures (address, at) VALUES (:address, :now) RETURNING rowid AS id",
);
const nthFailure = statement<{ address: string; since: number; offset: number }>(
  "SELECT at FROM sign_in_failures WHERE address = :address AND at > :since ORDER BY at DESC, rowid DESC LIMIT 1 OFFSET :offset",
);
const pruneFailures = statement<{ before: number }>("DELETE FROM sign_in_failures WHERE at <= :before");
const forgive = statement<{ id: number }>("DELETE FROM sign_in_failures WHERE rowid = :id");
const atRow = row({ at: col.integer });

/**
 * Records a failure of `address` at `now` and forgets those at or before `since`, in one batch.
 * Resolves the failure's id, and the time of the failure `offset` places before it within the
 * window (after `since`), if there is one.
 */
export async function recordFailedAttempt(
  db: D1Database,
  address: string,
  now: number,
  since: number,
  offset: number,
): Promise<{ id: number; earlier: number | null }> {
  const [inserted, earlier] = await db.batch([
    recordFailure(db, { address, now }),
    nthFailure(db, { address, since, offset }),
    pruneFailures(db, { before: since }),
  ]);
  return {
    id: firstOf(inserted, row({ id: col.integer }))?.id ?? 0,
    earlier: firstOf(earlier, atRow)?.at ?? null,
  };
}

/** Forgets one recorded failure. */
export async function forgetFailure(db: D1Database, id: number): Promise<void> {
  await forgive(db, { id }).run();
}

/** The time of the `offset`-th newest failure of `address` after `since`, or null. */
export async function nthFailureSince(db: D1Database, address: string, since: number, offset: number): Promise<number | null> {
  return (await first(nthFailure(db, { address, since, offset }), atRow))?.at ?? null;
}

const signOut = statement<{ id: string; expires: number }>(
  "INSERT OR IGNORE INTO desk_sign_outs (session_id, expires_at) VALUES (:id, :expires)",
);
const pruneSignOuts = statement<{ now: number }>("DELETE FROM desk_sign_outs WHERE expires_at <= :now");
const signedOut = statement<{ id: string }>("SELECT 1 AS out FROM desk_sign_outs WHERE session_id = :id");

/**
 * Records that session `id` (valid until `expires`) has signed out, and forgets every record whose
 * session has expired by `now`, in one batch.
 */
export async function recordSignOut(db: D1Database, id: string, expires: number, now: number): Promise<void> {
  await db.batch([signOut(db, { id, expires }), pruneSignOuts(db, { now })]);
}

/** Whether session `id` has signed out. */
export async function hasSignedOut(db: D1Database, id: string): Promise<boolean> {
  return (await first(signedOut(db, { id }), row({ out: col.integer }))) !== null;
}
