/**
 * @module newsroom/mail/tokens
 * The signed links in newsletters: confirm a subscription (single use, 7 days), unsubscribe (one
 * list, or everything), and manage one's subscriptions. Each is its fields, base64url, a dot, and
 * an HMAC with DESK_SECRET bound to its purpose (newsroom/desk/hmac.ts), so a link made for one use
 * is never accepted for another, and no field can be changed without the signature failing.
 * Also the keyed hash that remembers an erased address without keeping it.
 */
import { base64url, fromBase64url, sign, verify } from "../desk/hmac";

export type TokenPurpose = "mail-confirm" | "mail-unsubscribe" | "mail-manage";

/** How long a confirmation link works. */
export const CONFIRM_VALID_MS = 7 * 86_400_000;
/** The longest token accepted: far above any real one, far below a URL limit. */
const MAX_TOKEN_LENGTH = 600;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * A signed token carrying `fields` (none may contain a line break).
 * @example await signToken(secret, "mail-manage", ["3f2…"]) // "M2Yy….Qm9…"
 */
export async function signToken(secret: string, purpose: TokenPurpose, fields: string[]): Promise<string> {
  const message = fields.join("\n");
  return `${base64url(encoder.encode(message))}.${await sign(secret, purpose, message)}`;
}

/** The fields of a token signed for `purpose`, or null when it is malformed or its signature is wrong. */
export async function verifyToken(secret: string, purpose: TokenPurpose, token: string, count: number): Promise<string[] | null> {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const dot = token.indexOf(".");
  if (dot < 0) return null;
  const bytes = fromBase64url(token.slice(0, dot));
  if (!bytes || base64url(bytes) !== token.slice(0, dot)) return null;
  let message: string;
  try {
    message = decoder.decode(bytes);
  } catch {
    return null;
  }
  if (!(await verify(secret, purpose, message, token.slice(dot + 1)))) return null;
  const fields = message.split("\n");
  return fields.length === count ? fields : null;
}

/** A fresh random value for a confirmation link: 16 bytes, base64url. */
export const randomNonce = (): string => base64url(crypto.getRandomValues(new Uint8Array(16)));

/** The keyed hash that suppresses an erased address: its HMAC, so the table cannot be reversed by guessing. */
export const suppressionHash = (secret: string, email: string): Promise<string> => sign(secret, "mail-suppress", email);
