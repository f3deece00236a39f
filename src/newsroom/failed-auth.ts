/**
 * @module newsroom/failed-auth
 * Failed authentications, at most 10 a minute per client address across the editors' two front
 * doors together: wrong tokens at the desk's sign-in and wrong bearer tokens on the API count in one
 * window, so an editor token cannot be guessed by brute force through either. A sliding window: the
 * 11th try within 60 s of the oldest of ten counted failures waits (429, `Retry-After`) until that
 * failure is a minute old, and while it waits even a right token is refused, so the answer says
 * nothing about the token.
 *
 * Why a D1 table and not the Workers rate-limiting binding: the binding counts every call, where only
 * failures should count (an editor who signs in often must never be locked out); it cannot peek at a
 * count without adding to it; and it is eventually consistent, per Cloudflare location. A table is
 * exact, behaves the same under `wrangler dev` and in the tests, and follows the injected clock.
 *
 * Table (src/db/migrations/0006_desk.sql; named when only sign-ins counted; its statements are
 * data/auth.ts's):
 *
 *   sign_in_failures(address TEXT, at INTEGER ms)   index (address, at)
 *     one row per failed authentication. Invariant: after each recorded failure no row is older
 *     than the window, so the table holds at most a minute of failures and the prune's scan stays small.
 */

import { forgetFailure, nthFailureSince, recordFailedAttempt } from "../data/auth";

/** How many failed authentications one address may make in any minute. */
export const FAILURES_PER_MINUTE = 10;

const WINDOW_MS = 60 * 1000;

/**
 * Claims an attempt before its token is checked. The attempt is recorded as a failure at
 * once, in the same transaction that counts, so attempts made at the same moment count each other
 * and no burst gets past the limit; `forgiveAttempt` removes it when the token was right.
 * Refused: the seconds to wait, and nothing is recorded.
 * @example
 * const attempt = await claimAttempt(env.DB, clientAddress(request.headers), clock.now());
 * if ("wait" in attempt) return c.text("Too many failed attempts", 429, { "Retry-After": String(attempt.wait) });
 */
export async function claimAttempt(db: D1Database, address: string, now: number): Promise<{ id: number } | { wait: number }> {
  // Counting this attempt, an 11th in the window means ten failures came before it.
  const { id, earlier } = await recordFailedAttempt(db, address, now, now - WINDOW_MS, FAILURES_PER_MINUTE);
  if (earlier === null) return { id };
  await forgiveAttempt(db, id);
  return { wait: waitFor(earlier, now) };
}

/** Takes back a claimed attempt: the token was right, so it was no failure. */
export async function forgiveAttempt(db: D1Database, id: number): Promise<void> {
  await forgetFailure(db, id);
}

/**
 * The seconds `address` must wait at `now` before it may try again, or null: a look that records
 * nothing, for a right token (which is never a failure, but must wait like any other while the
 * address is held back, or the answer would tell a guesser it had found one).
 * @example await failureWait(env.DB, "203.0.113.7", clock.now()) // null, or 42
 */
export async function failureWait(db: D1Database, address: string, now: number): Promise<number | null> {
  const tenth = await nthFailureSince(db, address, now - WINDOW_MS, FAILURES_PER_MINUTE - 1);
  return tenth === null ? null : waitFor(tenth, now);
}

/** Whole seconds (at least 1) until a failure at `at` leaves the window. */
const waitFor = (at: number, now: number): number => Math.max(1, Math.ceil((at + WINDOW_MS - now) / 1000));

/**
 * The client's address: the `CF-Connecting-IP` header, which Cloudflare sets on every request and
 * overwrites when a client sends its own; else "unknown" (a request that did not come through
 * Cloudflare, as in the tests), which every such client then shares. An IPv6 address counts by its
 * /64 network, which one subscriber usually holds whole: otherwise each of its 2^64 addresses would
 * get ten tries of its own.
 * @example clientAddress(new Headers({ "CF-Connecting-IP": "203.0.113.7" })) // "203.0.113.7"
 * @example clientAddress(new Headers({ "CF-Connecting-IP": "2001:db8::1" })) // "2001:db8:0:0::/64"
 */
export function clientAddress(headers: Headers): string {
  const address = headers.get("CF-Connecting-IP")?.trim() || "unknown";
  return address.includes(":") ? ipv6Network(address) : address;
}

/** The /64 network of an IPv6 address (an IPv4-mapped one is its IPv4 address). */
function ipv6Network(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  const [head = "", tail] = address.toLowerCase().split("::");
  const front = head ? head.split(":") : [];
  const back = tail ? tail.split(":") : [];
  const groups =
    tail === undefined ? front : [...front, ...Array(Math.max(0, 8 - front.length - back.length)).fill("0"), ...back];
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(":")}::/64`;
}
