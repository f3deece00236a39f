/**
 * @module digest
 * The one hash: content versions and ETags are both the first 128 bits of a SHA-256, in hex.
 */

/**
 * Hex of the first 16 bytes of the SHA-256 of `text` (UTF-8).
 * @example await sha256Hex("abc") // "ba7816bf8f01cfea414140de5dae2223"
 */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
