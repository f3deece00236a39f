/**
 * Live coverage's pure parts: coverage state, how updates are cut into pages, the `live` field and
 * an update's input, update times in the site's time zone, and the script's weight.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isCoverageOpen,
  LIVE_PAGE_SIZE,
  newestOlderPage,
  newUpdateId,
  olderPageCount,
  olderPageOf,
  UPDATE_ID_PATTERN,
} from "../../src/core/live";
import { renderBody } from "../../src/core/markdown";
import { articleInputSchema, liveUpdateInputSchema, validate } from "../../src/core/schema";
import { liveTime } from "../../src/render/live";
import { LIVE_SCRIPT } from "../../src/render/live-script";
import { parseTarget } from "../../src/targets/build-target";

const at = (iso: string) => Date.parse(iso);

describe("coverage", () => {
  const start = "2026-12-01T08:00:00Z";
  it("is open from its start until its end", () => {
    expect(isCoverageOpen({ start }, at("2026-12-01T07:59:59Z"))).toBe(false);
    expect(isCoverageOpen({ start }, at(start))).toBe(true);
    expect(isCoverageOpen({ start }, at("2030-01-01T00:00:00Z"))).toBe(true);
    const end = "2026-12-01T20:00:00Z";
    expect(isCoverageOpen({ start, end }, at("2026-12-01T19:59:59Z"))).toBe(true);
    expect(isCoverageOpen({ start, end }, at(end))).toBe(false);
  });
});

describe("pages of updates", () => {
  it("are cut from the oldest, so a new update never moves an older one", () => {
    expect(olderPageOf(0)).toBe(1);
    expect(olderPageOf(LIVE_PAGE_SIZE - 1)).toBe(1);
    expect(olderPageOf(LIVE_PAGE_SIZE)).toBe(2);
    expect(olderPageCount(0)).toBe(0);
    expect(olderPageCount(LIVE_PAGE_SIZE + 1)).toBe(2);
  });

  it("link from the article page to the page holding the newest update it does not show", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (total) => {
        const page = newestOlderPage(total);
        if (total <= LIVE_PAGE_SIZE) return page === undefined;
        // The update just below the article page's oldest is on that page, and the page exists.
        const hidden = total - LIVE_PAGE_SIZE - 1;
        return page === olderPageOf(hidden) && page !== undefined && page <= olderPageCount(total);
      }),
    );
  });

  it("name their build target after the article, and nothing else", () => {
    expect(parseTarget("live:election-night")).toEqual({ kind: "live", slug: "election-night" });
    for (const name of ["live:", "live:Bad", "live:a:b", "live:-x"]) expect(parseTarget(name), name).toBeUndefined();
  });

  it("give updates short random ids", () => {
    const ids = new Set(Array.from({ length: 1000 }, newUpdateId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(UPDATE_ID_PATTERN);
  });
});

describe("the live field", () => {
  const article = { title: "T", published: "2026-12-01T08:00:00Z", category: "News", body: "Text." };
  it("takes true, false, or the coverage times", () => {
    const live = (value: unknown) => {
      const result = validate(articleInputSchema, { ...article, live: value });
      return result.ok ? result.value.live : result.problems;
    };
    expect(live(true)).toEqual({});
    expect(live(false)).toBeUndefined();
    expect(live({ start: "2026-12-01T09:00:00Z" })).toEqual({ start: "2026-12-01T09:00:00Z" });
    expect(live({ start: "2026-12-01T09:00:00Z", end: "2026-12-01T23:00:00Z" })).toMatchObject({ end: "2026-12-01T23:00:00Z" });
  });

  it("names the field and the problem", () => {
    const problems = (value: unknown) => {
      const result = validate(articleInputSchema, { ...article, live: value });
      return result.ok ? [] : result.problems;
    };
    expect(problems("yes")).toEqual([
      { field: "live", problem: "must be true, or the coverage times, like { start: …, end: … }" },
    ]);
    expect(problems({ start: "9am" })[0]?.field).toBe("live.start");
    expect(problems({ end: "2026-11-30T00:00:00Z" })).toEqual([
      {
        field: "live.end",
        problem: "must not be earlier than published (coverage starts then unless live.start says otherwise)",
      },
    ]);
    expect(problems({ start: "2026-12-01T09:00:00Z", end: "2026-12-01T08:59:00Z" })).toEqual([
      { field: "live.end", problem: "must not be earlier than start" },
    ]);
    expect(problems({ stop: "2026-12-01T09:00:00Z" })).toEqual([{ field: "live.stop", problem: "is not a known field" }]);
  });
});

describe("an update's input", () => {
  it("has the article body's rules and limits", () => {
    expect(validate(liveUpdateInputSchema, { body: "News.\n\n\n" })).toEqual({
      ok: true,
      value: { body: "News.\n", pinned: false },
    });
    const tooBig = validate(liveUpdateInputSchema, { body: "x".repeat(200_001) });
    expect(tooBig.ok ? [] : tooBig.problems.map((p) => p.field)).toEqual(["body"]);
    const missing = validate(liveUpdateInputSchema, {});
    expect(missing.ok ? [] : missing.problems).toEqual([{ field: "body", problem: "is required" }]);
  });

  it("never throws, whatever is sent, and what it accepts renders within the limits", () => {
    fc.assert(
      fc.property(
        fc.record(
          { headline: fc.option(fc.string(), { nil: undefined }), body: fc.string(), pinned: fc.anything() },
          { requiredKeys: [] },
        ),
        (data) => {
          const result = validate(liveUpdateInputSchema, data);
          if (result.ok) {
            const rendered = renderBody(result.value.body);
            expect(rendered.ok || rendered.problems.every((p) => p.field === "body")).toBe(true);
          } else expect(result.problems.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("update times", () => {
  it("are shown in the site's time zone, with its name", () => {
    const when = at("2026-07-01T12:05:00Z");
    expect(liveTime({ language: "en-GB", timeZone: "Europe/London" }, when)).toBe("1 Jul, 13:05 BST");
    expect(liveTime({ language: "en-GB", timeZone: "UTC" }, when)).toBe("1 Jul, 12:05 UTC");
    expect(liveTime({ language: "en-GB" }, when)).toBe("1 Jul, 12:05 UTC");
  });
});

describe("the live script", () => {
  it("weighs at most 3 KB gzipped", async () => {
    const gzipped = await new Response(new Blob([LIVE_SCRIPT]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
    expect(gzipped.byteLength).toBeLessThanOrEqual(3 * 1024);
  });

  it("polls every 30 seconds, only while the tab is visible, and reloads only when asked", () => {
    expect(LIVE_SCRIPT).toContain("setInterval(poll, 30000)");
    expect(LIVE_SCRIPT).toContain('document.visibilityState === "hidden"');
    // The reload is behind the button: nothing moves the text by itself.
    expect(LIVE_SCRIPT.match(/location\.reload\(\)/g)).toHaveLength(1);
    expect(LIVE_SCRIPT).toMatch(/addEventListener\("click", function \(\) \{ location\.reload\(\); \}\)/);
  });
});
