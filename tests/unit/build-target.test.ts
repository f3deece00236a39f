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
} from "../../src/targets/build-target";
import { homeOf } from "../../src/targets/document-name";
import { HOME, listingOf } from "../../src/targets/listings";

const slug = fc.stringMatching(/^[a-z0-9]{1,8}(?:-[a-z0-9]{1,8}){0,2}$/);
/** The default edition, or another one's lower-case tag. */
const edition = fc.constantFrom("", "es", "pt-br", "zh-hans", "ar");
const listing = fc.oneof(
  fc.constant(HOME),
  edition.map(homeOf),
  fc
    .tuple(fc.constantFrom("section", "tag", "author") as fc.Arbitrary<"section" | "tag" | "author">, slug, edition)
    .map(([kind, s, e]) => listingOf(kind, s, e)),
);
const inEdition = (t: BuildTarget, e: string): BuildTarget => (e ? ({ ...t, edition: e } as BuildTarget) : t);
const month = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }))
  .map(([y, m]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}`);
const target: fc.Arbitrary<BuildTarget> = fc.oneof(
  listing.map(listingTarget),
  listing.map(archiveTarget),
  edition.map((e) => inEdition(SITEMAP_INDEX, e)),
  fc.tuple(month, edition).map(([m, e]) => inEdition(sitemapMonthTarget(m), e)),
  fc.tuple(fc.constantFrom(...LISTING_SITEMAPS), edition).map(([of, e]) => inEdition({ kind: "sitemap-pages", of }, e)),
  edition.map((e) => inEdition(NEWS_SITEMAP, e)),
  edition.map((e) => inEdition(CORRECTIONS_TARGET, e)),
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
      "es/",
      "/",
      "-",
      "",
      "A",
    ),
    {
      maxLength: 6,
    },
  )
  .map((parts) => parts.join(""));
const _format = fc.constantFrom<FeedFormat>("rss", "atom", "json");

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
    expect(formatTarget(NEWS_SITEMAP)).toBe("news");
    expect(sitemapMonth(Date.parse("2025-03-31T23:59:59Z"))).toBe("2025-03");
  });

  it("put another edition's tag first in every target's name but a live article's", () => {
    expect(formatTarget(listingTarget(homeOf("es")))).toBe("es/home");
    expect(formatTarget(listingTarget(listingOf("section", "world", "pt-br")))).toBe("pt-br/section:world");
    expect(formatTarget(archiveTarget(listingOf("tag", "x", "ar")))).toBe("ar/archive:tag:x");
    expect(formatTarget({ kind: "sitemap-month", month: "2025-03", edition: "es" })).toBe("es/sitemap:2025-03");
    expect(parseTarget("es/archive:home")).toEqual(archiveTarget(homeOf("es")));
    for (const name of ["es/live:x", "ES/home", "/home", "es/", "es/es/home", "e/home"])
      expect(parseTarget(name), name).toBeUndefined();
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
});
