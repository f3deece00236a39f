import { describe, expect, it } from "vitest";
import { base64url, fingerprint, sign, verify } from "../../src/newsroom/desk/hmac";

const SECRET = "a-test-secret-that-is-long-enough-for-the-desk";
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

describe("desk signatures", () => {
  it("verify the signature sign made, for that purpose and message only", async () => {
    const signature = await sign(SECRET, "draft-preview", "id\n1767225600");
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await verify(SECRET, "draft-preview", "id\n1767225600", signature)).toBe(true);
    expect(await verify(SECRET, "desk-session", "id\n1767225600", signature)).toBe(false);
    expect(await verify(SECRET, "draft-preview", "id\n1767225601", signature)).toBe(false);
    expect(await verify(`${SECRET}!`, "draft-preview", "id\n1767225600", signature)).toBe(false);
  });

  it("refuse every other last character, including those that differ only in the unused bits", async () => {
    // Found by CI: a link whose last character was changed from "A" to "B" still opened the draft,
    // because both decode to the same 32 bytes.
    for (let n = 0; n < 24; n++) {
      const message = `article-${n}\n${1767225600 + n}`;
      const signature = await sign(SECRET, "draft-preview", message);
      for (const ch of ALPHABET) {
        if (ch === signature.at(-1)) continue;
        const altered = `${signature.slice(0, -1)}${ch}`;
        expect(await verify(SECRET, "draft-preview", message, altered), altered).toBe(false);
      }
    }
  });

  it("refuse padding, other alphabets, and the wrong length", async () => {
    const signature = await sign(SECRET, "p", "m");
    const bytes = Uint8Array.from(atob(signature.replaceAll("-", "+").replaceAll("_", "/")), (ch) => ch.charCodeAt(0));
    expect(base64url(bytes)).toBe(signature);
    for (const variant of [
      `${signature}=`,
      signature.replaceAll("-", "+").replaceAll("_", "/"),
      signature.slice(0, -1),
      `${signature}A`,
      "",
    ]) {
      if (variant === signature) continue;
      expect(await verify(SECRET, "p", "m", variant), variant).toBe(false);
    }
  });

  it("fingerprint a token the same way each time, differently for another token or secret", async () => {
    const a = await fingerprint(SECRET, "token-a");
    expect(a).toHaveLength(16);
    expect(await fingerprint(SECRET, "token-a")).toBe(a);
    expect(await fingerprint(SECRET, "token-b")).not.toBe(a);
    expect(await fingerprint(`${SECRET}!`, "token-a")).not.toBe(a);
  });
});
