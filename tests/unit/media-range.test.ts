import { describe, expect, it } from "vitest";
import { contentRange, parseRange } from "../../src/media/range";

describe("parseRange", () => {
  it.each([
    ["bytes=0-99", { offset: 0, length: 100 }],
    ["bytes=10-10", { offset: 10, length: 1 }],
    ["bytes=900-", { offset: 900, length: 100 }],
    ["bytes=900-5000", { offset: 900, length: 100 }],
    ["bytes=-100", { offset: 900, length: 100 }],
    ["bytes=-5000", { offset: 0, length: 1000 }],
    ["Bytes = 0 - 0", { offset: 0, length: 1 }],
  ])("serves %s of 1000 bytes", (header, range) => {
    expect(parseRange(header, 1000)).toEqual(range);
  });

  it.each(["bytes=1000-", "bytes=1000-1200", "bytes=-0"])("cannot satisfy %s of 1000 bytes", (header) => {
    expect(parseRange(header, 1000)).toBe("unsatisfiable");
  });

  it.each([null, "", "bytes=", "bytes=-", "bytes=5-2", "items=0-1", "bytes=0-1,5-6", "bytes=a-b", "bytes=0x10-"])(
    "ignores %j and serves the whole",
    (header) => {
      expect(parseRange(header, 1000)).toBeUndefined();
    },
  );
});

describe("contentRange", () => {
  it("writes a 206's and a 416's Content-Range", () => {
    expect(contentRange(1000, { offset: 900, length: 100 })).toBe("bytes 900-999/1000");
    expect(contentRange(1000)).toBe("bytes */1000");
  });
});
