/**
 * @module core/digest
 * The one hash: content versions and ETags are both the first 128 bits of a SHA-256, in hex.
 */

/**
 * Hex of the first 16 bytes of the SHA-256 of `data`: a string is hashed as UTF-8, bytes as they are.
 * @example await sha256Hex("abc") // "ba7816bf8f01cfea414140de5dae2223"
 * @example await sha256Hex(new Uint8Array([0x61, 0x62, 0x63])) // "ba7816bf8f01cfea414140de5dae2223"
 */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
