import fc from "fast-check";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { isText, pickFields } from "../../src/core/fields";
import { listEntrySchema, slugSchema } from "../../src/core/schema";
import { isSlug } from "../../src/core/slug";
import { parseDocumentMeta, parseListEntry, parsePageMeta } from "../../src/readmodel/store";

// Values near the real shapes: the right keys with values of any type, and some other keys.
const anyValue = fc.oneof(
  fc.string(),
  fc.double(),
  fc.boolean(),
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(Number.NaN),
);
const near = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys, "extra"), anyValue);

describe("pickFields", () => {
  it("keeps only the named fields, and refuses a missing or mistyped one", () => {
    expect(pickFields({ etag: "x", extra: 1 }, { etag: isText })).toEqual({ etag: "x" });
    expect(pickFields({ etag: 3 }, { etag: isText })).toBeUndefined();
    expect(pickFields(null, { etag: isText })).toBeUndefined();
    expect(pickFields({}, {}, { label: isText })).toEqual({});
  });
});

describe("the reader's metadata checks agree with the writers' schemas", () => {
  it("for list entries, on any object near the shape", () => {
    const keys = ["slug", "title", "published", "updated", "category", "section", "summary"];
    fc.assert(
      fc.property(near(keys), (metadata) => {
        const schema = v.safeParse(listEntrySchema, metadata);
        const parsed = parseListEntry(metadata);
        expect(parsed !== undefined).toBe(schema.success);
        if (schema.success) expect(parsed).toEqual(schema.output);
      }),
      { numRuns: 500 },
    );
  });

  it("for document and page metadata: a broken record is absent, a good one kept", () => {
    expect(parseDocumentMeta({ etag: '"a"', generation: 2, builtAt: 1, final: true, other: 1 })).toEqual({
      etag: '"a"',
      generation: 2,
      builtAt: 1,
      final: true,
    });
    expect(parseDocumentMeta({ etag: '"a"', generation: "2", builtAt: 1 })).toBeUndefined();
    expect(parsePageMeta({ state: "live", etag: '"a"', at: 1, revision: 3 })).toEqual({
      state: "live",
      etag: '"a"',
      at: 1,
      revision: 3,
    });
    expect(parsePageMeta({ state: "moved", to: "new-slug" })).toEqual({ state: "moved", to: "new-slug" });
    expect(parsePageMeta({ state: "moved" })).toBeUndefined();
    expect(parsePageMeta({ state: "other" })).toBeUndefined();
    expect(parsePageMeta("live")).toBeUndefined();
  });

  it("for slugs, on any string", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[a-z0-9-]{0,120}$/)), (text) => {
        expect(isSlug(text)).toBe(v.safeParse(slugSchema, text).success);
      }),
      { numRuns: 1000 },
    );
  });
});
