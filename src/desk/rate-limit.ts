/**
 * @module desk/rate-limit
 * Failed desk sign-ins, at most 10 a minute per client address, so an editor token cannot be guessed
 * by brute force. A sliding window: the 11th try within 60 s of the oldest of ten counted failures
 * waits until that failure is a minute old.
 *
 * Why a D1 table and not the Workers rate-limiting binding: the binding counts every call, where only
 * failures should count (an editor who signs in often must never be locked out); it cannot peek at a
 * count without adding to it; and it is eventually consistent, per Cloudflare location. A table is
 * exact, behaves the same under `wrangler dev` and in the tests, and follows the injected clock.
 *
 * Table (src/db/migrations/0006_desk.sql):
 *
 *   sign_in_failures(address TEXT, at INTEGER ms)   index (address, at)
 *     one row per failed sign-in. Invariant: after each recorded failure no row is older than the
 *     window, so the table holds at most a minute of failures and the prune's scan stays small.
 */

/** How many failed sign-ins one address may make in any minute. */
export const SIGN_IN_FAILURES_PER_MINUTE = 10;

const WINDOW_MS = 60 * 1000;

/**
 * Seconds the address must wait before trying again (for `Retry-After`, at least 1) when it already
 * has 10 failures in the last 60 s before `now` (ms); null when it may try.
 * @example
 * const wait = await signInWait(env.DB, clientAddress(request.headers), clock.now());
 * if (wait !== null) return c.text("Too many sign-ins", 429, { "Retry-After": String(wait) });
 */
export async function signInWait(db: D1Database, address: string, now: number): Promise<number | null> {
  // The 10th most recent failure in the window: the address may try again once it leaves the window,
  // however many more failures there are (concurrent requests may record a few past the limit).
  const tenth = await db
    .prepare("SELECT at FROM sign_in_failures WHERE address = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?")
    .bind(address, now - WINDOW_MS, SIGN_IN_FAILURES_PER_MINUTE - 1)
    .first<{ at: number }>();
  if (!tenth) return null;
  return Math.max(1, Math.ceil((tenth.at + WINDOW_MS - now) / 1000));
}

/**
 * Records one failed sign-in at `now`, and deletes every row that has left the window (for any
 * address), in one batch.
 * @example await recordSignInFailure(env.DB, clientAddress(request.headers), clock.now());
 */
export async function recordSignInFailure(db: D1Database, address: string, now: number): Promise<void> {
  await db.batch([
    db.prepare("INSERT INTO sign_in_failures (address, at) VALUES (?, ?)").bind(address, now),
    db.prepare("DELETE FROM sign_in_failures WHERE at <= ?").bind(now - WINDOW_MS),
  ]);
}

/**
 * The client's address: the `CF-Connecting-IP` header, which Cloudflare sets on every request and
 * overwrites when a client sends its own; else "unknown" (a request that did not come through
 * Cloudflare, as in the tests), which every such client then shares.
 * @example clientAddress(new Headers({ "CF-Connecting-IP": "203.0.113.7" })) // "203.0.113.7"
 */
export function clientAddress(headers: Headers): string {
  return headers.get("CF-Connecting-IP")?.trim() || "unknown";
}
