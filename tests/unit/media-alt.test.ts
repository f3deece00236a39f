import { describe, expect, it } from "vitest";
import { checkAlt, MAX_ALT_LENGTH } from "../../src/media/upload";

describe("checkAlt", () => {
  it("collapses whitespace and trims", () => {
    expect(checkAlt("  A heron,\n\t fishing  ")).toEqual({ ok: true, alt: "A heron, fishing" });
  });

  it.each([
    ["missing", null, "is required: describe the image"],
    ["a file instead of text", new File(["x"], "alt.txt"), "is required: describe the image"],
    ["blank", " \n ", "is required: describe the image"],
    ["carrying control characters", "A heron\u0000", "contains control characters"],
    ["too long", "a".repeat(MAX_ALT_LENGTH + 1), `is longer than ${MAX_ALT_LENGTH} characters`],
  ])("refuses alt text that is %s", (_name, value, problem) => {
    expect(checkAlt(value)).toEqual({ ok: false, problem: { field: "alt", problem } });
  });

  it("counts characters, not UTF-16 units", () => {
    expect(checkAlt("🐦".repeat(MAX_ALT_LENGTH))).toMatchObject({ ok: true });
    expect(checkAlt("🐦".repeat(MAX_ALT_LENGTH + 1))).toMatchObject({ ok: false });
  });
});
