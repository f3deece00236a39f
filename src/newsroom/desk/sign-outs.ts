/**
 * @module newsroom/desk/sign-outs
 * Signing out for real. A session cookie is signed, not stored, so clearing it in one browser would
 * leave any copy of it valid until it expires. Each session has an id; signing out records it here,
 * and the desk refuses a recorded id. Only sessions that ended early are kept, and only until they
 * would have expired, so the table stays small.
 */

/**
 * Records that session `id` (valid until `expires`) has signed out, and forgets every record whose
 * session has expired by `now`, in one batch.
 */
export async function recordSignOut(db: D1Database, id: string, expires: number, now: number): Promise<void> {
  await db.batch([
    db.prepare("INSERT OR IGNORE INTO desk_sign_outs (session_id, expires_at) VALUES (?, ?)").bind(id, expires),
    db.prepare("DELETE FROM desk_sign_outs WHERE expires_at <= ?").bind(now),
  ]);
}

/** Whether session `id` has signed out. */
export async function hasSignedOut(db: D1Database, id: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS out FROM desk_sign_outs WHERE session_id = ?").bind(id).first("out")) !== null;
}
