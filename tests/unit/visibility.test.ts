import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ArticleStatus,
  isListed,
  isPublic,
  publicSql,
  STATUSES,
  statusOf,
  statusSql,
  type Visibility,
} from "../../src/core/visibility";

const NOW = Date.parse("2025-03-28T12:00:00Z");
const row = (draft: number, deleted_at: number | null, published_at: number): Visibility => ({ draft, deleted_at, published_at });

describe("is this article public?", () => {
  it("puts the trash first, then drafts, then the publication time", () => {
    expect(statusOf(row(1, NOW - 1, NOW - 1), NOW)).toBe("trash");
    expect(statusOf(row(1, null, NOW - 1), NOW)).toBe("draft");
    expect(statusOf(row(0, null, NOW + 1), NOW)).toBe("scheduled");
    expect(statusOf(row(0, null, NOW), NOW)).toBe("published");
    expect(statusOf({ draft: true, deleted_at: null, published_at: NOW - 1 }, NOW)).toBe("draft");
    expect(isPublic(row(0, null, NOW), NOW)).toBe(true);
    expect(isPublic(row(0, null, NOW + 1), NOW)).toBe(false);
    // Scheduled articles are listed (their pages and index keys are prebuilt) but not public yet.
    expect(isListed(row(0, null, NOW + 1))).toBe(true);
    expect(isListed(row(1, null, NOW - 1))).toBe(false);
    expect(isListed(row(0, NOW, NOW - 1))).toBe(false);
  });

  it("says the same in SQL as in TypeScript, for any row", async () => {
    // D1 itself answers the SQL forms, over a table shaped like `articles`.
    await env.DB.exec(
      "CREATE TABLE IF NOT EXISTS visibility_check (id INTEGER PRIMARY KEY, draft INTEGER, deleted_at INTEGER, published_at INTEGER)",
    );
    const rows = fc.array(
      fc.record({
        draft: fc.constantFrom(0, 1),
        deleted_at: fc.option(fc.integer({ min: 0, max: 2 * NOW }), { nil: null }),
        published_at: fc.oneof(fc.constant(NOW), fc.integer({ min: 0, max: 2 * NOW })),
      }),
      { minLength: 1, maxLength: 20 },
    );
    await fc.assert(
      fc.asyncProperty(rows, async (sample) => {
        await env.DB.batch([
          env.DB.prepare("DELETE FROM visibility_check"),
          ...sample.map((r, id) =>
            env.DB.prepare("INSERT INTO visibility_check VALUES (?, ?, ?, ?)").bind(id, r.draft, r.deleted_at, r.published_at),
          ),
        ]);
        const ids = async (condition: string) => {
          const statement = env.DB.prepare(`SELECT id FROM visibility_check AS a WHERE ${condition} ORDER BY id`);
          // The trash and drafts do not depend on the time, so their conditions take no parameter.
          const { results } = await (condition.includes("?1") ? statement.bind(NOW) : statement).all<{ id: number }>();
          return results.map((r) => r.id);
        };
        const expected = (status: ArticleStatus) => sample.flatMap((r, id) => (statusOf(r, NOW) === status ? [id] : []));
        for (const status of STATUSES) expect(await ids(statusSql(status, "?1"))).toEqual(expected(status));
        expect(await ids(publicSql("a", "?1"))).toEqual(sample.flatMap((r, id) => (isPublic(r, NOW) ? [id] : [])));
      }),
      { numRuns: 25 },
    );
  });
});
