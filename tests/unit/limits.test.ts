import { describe, expect, it } from "vitest";
import { LIMITS, utf8Bytes } from "../../src/core/limits";
import { LIMITS as FROM_SCHEMA, MAX_SLUG_LENGTH } from "../../src/core/schema";

describe("LIMITS", () => {
  it("is the one object the schema uses and re-exports", () => {
    expect(FROM_SCHEMA).toBe(LIMITS);
    expect(MAX_SLUG_LENGTH).toBe(LIMITS.slugLength);
  });

  it("holds only positive whole numbers", () => {
    for (const [name, value] of Object.entries(LIMITS)) {
      expect(Number.isInteger(value) && value > 0, name).toBe(true);
    }
  });

  it("leaves room for a real article: the HTML limit is over twice the body limit", () => {
    expect(LIMITS.htmlBytes).toBeGreaterThan(2 * LIMITS.bodyBytes);
    expect(LIMITS.bodyBytes).toBeGreaterThanOrEqual(100_000);
  });
});

describe("utf8Bytes", () => {
  it.each([
    ["", 0],
    ["ascii", 5],
    ["café", 5],
    ["€", 3],
    ["👋🏽", 8],
    ["مرحبا", 10],
    ["\u{10FFFF}", 4],
    ["\uD800", 3],
    ["\uDC00x", 4],
    ["a\uD83Db", 5],
  ])("counts %j as %i bytes, as TextEncoder does", (text, bytes) => {
    expect(utf8Bytes(text)).toBe(bytes);
    expect(new TextEncoder().encode(text).byteLength).toBe(bytes);
  });
});
