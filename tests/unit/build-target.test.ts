import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FeedFormat } from "../../src/feeds/model";
import { LISTING_SITEMAPS } from "../../src/feeds/sitemap";
import { builderFor } from "../../src/pipeline/listing-builders";
import {
  archiveTarget,
  type BuildTarget,
  CORRECTIONS_TARGET,
  formatTarget,
  HOME_TARGET,
  listingTarget,
  liveTarget,
  NEWS_SITEMAP,
  parseTarget,
  SITEMAP_INDEX,
  sitemapChildTarget,
  sitemapMonth,
  sitemapMonthTarget,
  targetNameOfDocument,
} from "../../src/targets/build-target";
import { archiveDocumentName, documentName, HOME, listingOf } from "../../src/targets/listings";

const slug = fc.stringMatching(/^[a-z0-9]{1,8}(?:-[a-z0-9]{1,8}){0,2}$/);
const listing = fc.oneof(
  fc.constant(HOME),
  fc
    .tuple(fc.constantFrom("section", "tag", "author") as fc.Arbitrary<"section" | "tag" | "author">, slug)
    .map(([kind, s]) => listingOf(kind, s)),
);
const month = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }))
  .map(([y, m]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}`);
const target: fc.Arbitrary<BuildTarget> = fc.oneof(
  listing.map(listingTarget),
  listing.map(archiveTarget),
  fc.constant(SITEMAP_INDEX),
  month.map(sitemapMonthTarget),
  fc.constantFrom(...LISTING_SITEMAPS).map((of): BuildTarget => ({ kind: "sitemap-pages", of })),
  fc.constant(NEWS_SITEMAP),
  fc.constant(CORRECTIONS_TARGET),
  slug.map(liveTarget),
);
// Names near the real ones: the pieces targets are made of, joined at random.
const nearName = fc
  .array(
    fc.constantFrom(
      "home",
      "section",
      "tag",
      "author",
      "archive",
      "sitemap",
      "news",
      "corrections",
      "live",
      ":",
      "2025-03",
      "tags",
      "x",
      "-",
      "",
      "A",
    ),
    {
      maxLength: 6,
    },
  )
  .map((parts) => parts.join(""));
const format = fc.constantFrom<FeedFormat>("rss", "atom", "json");

describe("build targets", () => {
  it("spell every target as it was spelt before it was typed", () => {
    // D1's outbox and listings rows and KV's document names hold these strings: they must not change.
    expect(formatTarget(HOME_TARGET)).toBe("home");
    expect(formatTarget(listingTarget(listingOf("section", "world")))).toBe("section:world");
    expect(formatTarget(archiveTarget(HOME))).toBe("archive:home");
    expect(formatTarget(archiveTarget(listingOf("author", "ana-diaz")))).toBe("archive:author:ana-diaz");
    expect(formatTarget(SITEMAP_INDEX)).toBe("sitemap");
    expect(formatTarget(sitemapMonthTarget("2025-03"))).toBe("sitemap:2025-03");
    expect(formatTarget({ kind: "sitemap-pages", of: "sections" })).toBe("sitemap:sections");
    expect(formatTarget(CORRECTIONS_TARGET)).toBe("corrections");
    expect(formatTarget(liveTarget("election-night"))).toBe("live:election-night");
    expect(targetNameOfDocument("live:election-night:status")).toBe("live:election-night");
    expect(targetNameOfDocument("live:election-night:atom")).toBe("live:election-night");
    expect(formatTarget(NEWS_SITEMAP)).toBe("news");
    expect(sitemapMonth(Date.parse("2025-03-31T23:59:59Z"))).toBe("2025-03");
  });

  it("parse what they format, and format what they parse", () => {
    fc.assert(
      fc.property(target, (t) => {
        expect(parseTarget(formatTarget(t))).toEqual(t);
      }),
    );
  });

  it("parse only the names they format, and never throw", () => {
    fc.assert(
      fc.property(fc.oneof(nearName, fc.string(), fc.string({ unit: "grapheme" })), (name) => {
        const parsed = parseTarget(name);
        if (parsed) expect(formatTarget(parsed)).toBe(name);
      }),
    );
  });

  it("refuse names no target has", () => {
    for (const name of [
      "",
      "sitemap:",
      "sitemap:2025-3",
      "sitemap:pages",
      "archive:",
      "archive:archive:home",
      "home:rss",
      "section:",
      "section:World",
      "tag:a:b",
      "news:x",
      "page:x",
    ]) {
      expect(parseTarget(name), name).toBeUndefined();
    }
    expect(sitemapChildTarget("sections")).toEqual({ kind: "sitemap-pages", of: "sections" });
    expect(sitemapChildTarget("2025-03")).toEqual(sitemapMonthTarget("2025-03"));
    expect(sitemapChildTarget("pages")).toBeUndefined();
  });

  it("have a builder for every target and for nothing else", () => {
    fc.assert(
      fc.property(target, (t) => {
        expect(builderFor(formatTarget(t))).toBeDefined();
      }),
    );
    fc.assert(
      fc.property(nearName, (name) => {
        expect(builderFor(name) !== undefined).toBe(parseTarget(name) !== undefined);
      }),
    );
  });

  it("know which target built each stored document, even a tag named like a feed", () => {
    fc.assert(
      fc.property(listing, format, month, fc.integer({ min: 1, max: 99 }), (l, f, m, part) => {
        expect(targetNameOfDocument(documentName(l))).toBe(formatTarget(listingTarget(l)));
        expect(targetNameOfDocument(documentName(l, f))).toBe(formatTarget(listingTarget(l)));
        expect(targetNameOfDocument(archiveDocumentName(l, { month: m, part }, f))).toBe(formatTarget(archiveTarget(l)));
      }),
    );
    expect(targetNameOfDocument("tag:rss")).toBe("tag:rss");
    expect(targetNameOfDocument("tag:rss:atom")).toBe("tag:rss");
    expect(targetNameOfDocument("sitemap:2025-03")).toBe("sitemap:2025-03");
  });
});
