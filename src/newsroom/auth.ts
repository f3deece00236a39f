/**
 * @module newsroom/auth
 * Who is calling: one middleware, on every newsroom request, that sets `c.var.actor` from whatever
 * credentials the request carries, and decides nothing. Access is decided only by each route's own
 * declaration (newsroom/permissions.ts: `requires(...)` or `open(...)`), which also reports why
 * credentials were refused (`c.var.authProblem`) when the route needs a permission.
 *
 * - `Authorization: Bearer <token>`: a bootstrap token from EDITOR_TOKENS acts as an admin named by
 *   its entry; any other token is looked up by its SHA-256 among people's tokens (data/people.ts),
 *   in one D1 read that also tells whether the client is held back by failed attempts. The token
 *   acts with its person's current role, so a role change or a deactivation applies at once.
 * - Cloudflare Access's `Cf-Access-Jwt-Assertion`, when Access is configured: the person with that
 *   email (compared case-insensitively); an unknown email is no one, and no account is made.
 * - The desk's session cookie (desk/session.ts): a bootstrap token's session holds while its token is
 *   in EDITOR_TOKENS; a person's session while the person is active and, when it was started with one
 *   of their tokens, while that token is unrevoked and unexpired (one D1 read, with the sign-out check).
 *
 * A wrong bearer token counts against the client's failed attempts (newsroom/failed-auth.ts); past
 * the limit every token, right or wrong, is refused until the window has room.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { auditStatement } from "../data/audit";
import { authenticateToken, type PersonRow, personByEmail, sessionPerson, touchPerson, touchToken } from "../data/people";
import type { AppEnv } from "./app-env";
import { accessFromEnv, verifyAccessJwt } from "./desk/access";
import { fingerprint, MIN_SECRET_LENGTH } from "./desk/hmac";
import { openSession, SESSION_COOKIE, type Session } from "./desk/session";
import { hasSignedOut } from "./desk/sign-outs";
import { editorForToken, editorsFromEnv } from "./editors";
import { claimAttempt, clientAddress, FAILURES_PER_MINUTE, failureWait, WINDOW_MS, waitFor } from "./failed-auth";
import type { Actor } from "./permissions";

/** How stale `last used` and `last seen` may be before a request writes them again (after its response). */
const TOUCH_INTERVAL_MS = 60 * 1000;

/**
 * Sets `c.var.actor` (and `c.var.editor`, the name recorded on revisions) from the request's
 * credentials, or `c.var.authProblem` when they were refused. Never answers the request itself.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    if (!c.var.actor) {
      const authorization = c.req.header("Authorization");
      if (authorization !== undefined) await fromBearer(c, authorization);
      else await fromDesk(c);
      const actor = c.get("actor") as Actor | undefined;
      if (actor) c.set("editor", actor.name);
    }
    await next();
  };
}

/** RFC 6750 §2.1: `Bearer` and one b64token. */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

async function fromBearer(c: Context<AppEnv>, header: string): Promise<void> {
  const match = BEARER.exec(header);
  if (!match?.[1]) {
    c.set("authProblem", { kind: "malformed" });
    return;
  }
  const token = match[1];
  const db = c.env.DB;
  const now = c.var.clock.now();
  const address = clientAddress(c.req.raw.headers);
  // Throws a ConfigurationError (503) while a bootstrap token is too short.
  const editor = await editorForToken(editorsFromEnv(c.env), token);
  if (editor) {
    const wait = await failureWait(db, address, now);
    if (wait !== null) c.set("authProblem", { kind: "held", wait });
    else c.set("actor", { id: `token:${editor}`, name: editor, role: "admin", via: "bootstrap" });
    return;
  }
  const found = await authenticateToken(db, {
    hash: await sha256Hex(token),
    address,
    since: now - WINDOW_MS,
    offset: FAILURES_PER_MINUTE - 1,
  });
  if (found.heldAt !== null) {
    c.set("authProblem", { kind: "held", wait: waitFor(found.heldAt, now) });
    return;
  }
  const { token: stored, person } = found;
  if (!stored || stored.revoked || !person) {
    // Only a token that was never issued is a guess; a revoked one is a known token, refused.
    if (!stored) {
      c.executionCtx.waitUntil(
        auditStatement(db, {
          at: now,
          actorId: "anonymous",
          actorName: "anonymous",
          action: "sign-in-failed",
          target: `address:${address}`,
        })
          .run()
          .catch((error: unknown) => console.error("recording a failed sign-in failed:", error)),
      );
      const attempt = await claimAttempt(db, address, now);
      if ("wait" in attempt) {
        c.set("authProblem", { kind: "held", wait: attempt.wait });
        return;
      }
    }
    c.set("authProblem", { kind: "invalid" });
    return;
  }
  if (stored.expires <= now) {
    c.set("authProblem", { kind: "expired" });
    return;
  }
  if (person.active !== 1) {
    c.set("authProblem", { kind: "deactivated" });
    return;
  }
  c.set("actor", actorOf(person, "token", stored.id));
  if (stored.lastUsed === null || now - stored.lastUsed >= TOUCH_INTERVAL_MS) {
    c.executionCtx.waitUntil(
      db
        .batch([touchToken(db, { id: stored.id, now }), touchPerson(db, { id: person.id, now })])
        .catch((error: unknown) => console.error("recording a token's use failed:", error)),
    );
  }
}

async function fromDesk(c: Context<AppEnv>): Promise<void> {
  const access = accessFromEnv(c.env);
  const assertion = c.req.header("Cf-Access-Jwt-Assertion");
  if (access && assertion) {
    const verified = await verifyAccessJwt(assertion, access, { fetch: c.var.fetch, now: c.var.clock.now() });
    if (verified) {
      const person = await personByEmail(c.env.DB, verified.email);
      if (person?.active === 1) {
        c.set("actor", actorOf(person, "access"));
        touch(c, person);
        return;
      }
    }
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  const secret = c.env.DESK_SECRET ?? "";
  if (!cookie || secret.length < MIN_SECRET_LENGTH) return;
  const session = await openSession(cookie, secret, c.var.clock.now());
  if (!session) return;
  const actor = await sessionActor(c, session, secret);
  if (actor) c.set("actor", actor);
}

/** Who a genuine, unexpired session cookie names, if its session still holds. */
async function sessionActor(c: Context<AppEnv>, session: Session, secret: string): Promise<Actor | null> {
  if (session.person) {
    const { person, signedOut, tokenHolds } = await sessionPerson(c.env.DB, {
      personId: session.person,
      sessionId: session.id,
      tokenId: session.token ?? null,
      now: c.var.clock.now(),
    });
    if (signedOut || !tokenHolds || !person || person.active !== 1) return null;
    touch(c, person);
    return actorOf(person, "session", session.id);
  }
  if (await hasSignedOut(c.env.DB, session.id)) return null;
  // A bootstrap session holds while its token is still the editor's in EDITOR_TOKENS.
  for (const editor of editorsFromEnv(c.env)) {
    if (editor.name === session.editor && (await fingerprint(secret, editor.token)) === session.key)
      return { id: `token:${editor.name}`, name: editor.name, role: "admin", via: "session", credential: session.id };
  }
  return null;
}

function actorOf(person: PersonRow, via: Actor["via"], credential?: string): Actor {
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    role: person.role,
    via,
    ...(credential ? { credential } : {}),
  };
}

/** Records that a person was seen, after the response, at most once a minute. */
function touch(c: Context<AppEnv>, person: PersonRow): void {
  const now = c.var.clock.now();
  if (person.last_seen_at !== null && now - person.last_seen_at < TOUCH_INTERVAL_MS) return;
  c.executionCtx.waitUntil(
    touchPerson(c.env.DB, { id: person.id, now })
      .run()
      .catch((error: unknown) => console.error("recording a sign-in failed:", error)),
  );
}

/** The hex SHA-256 of a token: all that is stored of it. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The person a token (not a bootstrap one) belongs to, and the token's id, if it is issued,
 * unrevoked, unexpired and its person active: for the desk's sign-in form, which has counted the
 * attempt itself. The session it starts names the token, so revoking the token ends the session.
 */
export async function personForToken(
  db: D1Database,
  token: string,
  now: number,
): Promise<{ person: PersonRow; tokenId: string } | null> {
  const found = await authenticateToken(db, { hash: await sha256Hex(token), address: "", since: now, offset: 0 });
  const { token: stored, person } = found;
  if (!stored || stored.revoked || stored.expires <= now || person?.active !== 1) return null;
  return { person, tokenId: stored.id };
}
