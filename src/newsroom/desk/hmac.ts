/**
 * @module newsroom/desk/hmac
 * HMAC-SHA-256 signatures for the desk's session cookies and draft preview links, with one secret
 * (DESK_SECRET) and a purpose in every signed message, so a signature made for one use is never
 * accepted for another.
 */

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/** The secret must be long enough that guessing it is hopeless. */
export const MIN_SECRET_LENGTH = 32;

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, key);
  }
  return key;
}

/** base64url without padding (RFC 4648 §5), safe in cookies and query strings. */
export function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** The bytes of base64url text; null when it is not base64url. */
export function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * Signs `message` for `purpose`.
 * @example await sign(secret, "preview", "id\n1767225600") // "Qm9…" (43 characters)
 */
export async function sign(secret: string, purpose: string, message: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await keyFor(secret), encoder.encode(`${purpose}\n${message}`));
  return base64url(new Uint8Array(signature));
}

/**
 * Whether `signature` is `purpose`'s signature of `message`; compared in constant time by WebCrypto.
 * Only the canonical spelling is accepted: the last of 43 characters carries two unused bits, so
 * four spellings decode to the same bytes, and a link or cookie altered there must still be refused.
 */
export async function verify(secret: string, purpose: string, message: string, signature: string): Promise<boolean> {
  const bytes = fromBase64url(signature);
  if (bytes?.length !== 32 || base64url(bytes) !== signature) return false;
  return crypto.subtle.verify("HMAC", await keyFor(secret), bytes, encoder.encode(`${purpose}\n${message}`));
}

/**
 * A short fingerprint of an editor's token, keyed with the secret: a session names it, so revoking
 * the token ends the session, and a stolen cookie gives nothing to guess the token against offline.
 */
export async function fingerprint(secret: string, token: string): Promise<string> {
  return (await sign(secret, "token-fingerprint", token)).slice(0, 16);
}
