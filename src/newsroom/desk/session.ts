/**
 * @module newsroom/desk/session
 * The desk's session cookie: who signed in, which of their tokens they used, and until when,
 * signed with DESK_SECRET. A session is kept only in its cookie; it ends when it expires, when the
 * editor signs out (its id is then recorded, desk/sign-outs.ts), when the token it names leaves
 * EDITOR_TOKENS (a bootstrap session), when its person is deactivated (a person's session), when the
 * person's token it was started with is revoked or expires, or when DESK_SECRET changes.
 */
import { base64url, fromBase64url, sign, verify } from "./hmac";

/** `__Host-` would pin the cookie to https and path /, but browsers refuse it on http://localhost. */
export const SESSION_COOKIE = "broadsheet_desk";
/** A working day and a bit: editors sign in once a shift. */
export const SESSION_SECONDS = 12 * 60 * 60;
const PURPOSE = "desk-session";
/** Longer values are refused before any parsing. */
const MAX_COOKIE_LENGTH = 1024;

export interface Session {
  /** Random, so that signing out can end this session and no other (desk/sign-outs.ts). */
  id: string;
  editor: string;
  /** The keyed fingerprint (desk/hmac.ts) of the token the editor signed in with. */
  key: string;
  /** When it ends, in ms since the epoch. */
  expires: number;
  /** A person's id (data/people.ts), for a person's session; absent for a bootstrap token's. */
  person?: string;
  /**
   * The id of the person's own token the session was started with (data/people.ts): the session
   * holds only while that token does. Absent for a session started from an invitation or Access.
   */
  token?: string;
}

/** A new session's id: 128 random bits. */
export const newSessionId = (): string => base64url(crypto.getRandomValues(new Uint8Array(16)));

/**
 * The cookie value for a session: its fields, then their signature.
 * @example await sealSession({ id: newSessionId(), editor: "ana", key: "x1…", expires: 1767225600000 }, secret) // "WyJ….Qm9…"
 */
export async function sealSession(session: Session, secret: string): Promise<string> {
  const payload = base64url(
    new TextEncoder().encode(
      JSON.stringify([
        session.id,
        session.editor,
        session.key,
        session.expires,
        ...(session.person ? [session.person, ...(session.token ? [session.token] : [])] : []),
      ]),
    ),
  );
  return `${payload}.${await sign(secret, PURPOSE, payload)}`;
}

/** The session a cookie value holds, or null when it is missing, forged, malformed or expired at `now`. */
export async function openSession(value: string | undefined, secret: string, now: number): Promise<Session | null> {
  if (!value || value.length > MAX_COOKIE_LENGTH) return null;
  const [payload, signature, ...rest] = value.split(".");
  if (!payload || !signature || rest.length > 0) return null;
  if (!(await verify(secret, PURPOSE, payload, signature))) return null;
  const bytes = fromBase64url(payload);
  if (!bytes) return null;
  try {
    const [id, editor, key, expires, person, token] = JSON.parse(new TextDecoder().decode(bytes)) as unknown[];
    if (typeof id !== "string" || typeof editor !== "string" || typeof key !== "string" || typeof expires !== "number") {
      return null;
    }
    if (person !== undefined && typeof person !== "string") return null;
    if (token !== undefined && (person === undefined || typeof token !== "string")) return null;
    if (expires <= now) return null;
    if (person === undefined) return { id, editor, key, expires };
    return token === undefined ? { id, editor, key, expires, person } : { id, editor, key, expires, person, token };
  } catch {
    return null;
  }
}
