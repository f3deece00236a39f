/**
 * @module newsroom/invitations
 * One-time invitation links, `/desk/invitation/<id>.<signature>`: signed with DESK_SECRET for the
 * purpose "invitation" (desk/hmac.ts), so no other signed value (a session, a preview link) can be
 * replayed as one. Valid for seven days and used once: the row in `invitations` (data/people.ts)
 * records its use in the same statement that checks it.
 */
import { sign, verify } from "./desk/hmac";

/** How long an invitation may wait to be opened. */
export const INVITATION_DAYS = 7;
export const INVITATION_MS = INVITATION_DAYS * 24 * 60 * 60 * 1000;

const PURPOSE = "invitation";
/** An id, a dot, a signature: UUID and base64url characters only. */
const LINK = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

/**
 * The link's path for invitation `id`.
 * @example await invitationPath("0b6f…", secret) // "/desk/invitation/0b6f….Qm9…"
 */
export async function invitationPath(id: string, secret: string): Promise<string> {
  return `/desk/invitation/${id}.${await sign(secret, PURPOSE, id)}`;
}

/** The invitation id a link's last segment names, if its signature is genuine; null otherwise. */
export async function invitationIdOf(link: string, secret: string): Promise<string | null> {
  const match = LINK.exec(link);
  if (!match?.[1] || !match[2]) return null;
  return (await verify(secret, PURPOSE, match[1], match[2])) ? match[1] : null;
}
