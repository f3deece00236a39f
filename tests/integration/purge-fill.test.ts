/**
 * Purge requests carry as many tags as are due, up to 100: while tokens are scarce, a request of
 * fewer waits (at most HOLD_MS) for more, instead of spending a token on a few tags.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { schedulePurgeStatements } from "../../src/data/pipeline";
import { flushPurges, HOLD_MS, type Purger, takeToken } from "../../src/pipeline/purges";
import { clock } from "./helpers";

/** The reader's purge entrypoint as the consumer sees it: what it was asked, answering yes. */
function recordingPurger(): Purger & { requests: string[][] } {
  const requests: string[][] = [];
  return {
    requests,
    purge: async (tags) => {
      requests.push(tags);
      return true;
    },
    invalidate: async (tags) => {
      requests.push(tags);
      return true;
    },
  };
}

const FREE = { ratePerMinute: 5, burst: 25 };
const tags = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe("purge requests", () => {
  it("go out at once while tokens are plentiful, and fill up to 100 tags while they are scarce", async () => {
    const purger = recordingPurger();
    // A quiet site: the bucket is full, and one save's tags go at once.
    await env.DB.batch(schedulePurgeStatements(env.DB, tags("quiet", 3), "purge", clock.now(), false));
    await flushPurges(env.DB, purger, FREE, clock.now());
    expect(purger.requests.map((r) => r.length)).toEqual([3]);

    // A burst has spent the bucket down to its last few tokens.
    for (let i = 0; i < 20; i++) await takeToken(env.DB, FREE, clock.now());
    purger.requests.length = 0;
    await env.DB.batch(schedulePurgeStatements(env.DB, tags("a", 30), "purge", clock.now(), false));
    const held = await flushPurges(env.DB, purger, FREE, clock.now());
    expect(held.held).toBe(true);
    expect(purger.requests).toEqual([]);

    // More tags arrive: a full request goes out at once, and the rest wait again.
    clock.advance(1000);
    await env.DB.batch(schedulePurgeStatements(env.DB, tags("b", 90), "purge", clock.now(), false));
    await flushPurges(env.DB, purger, FREE, clock.now());
    expect(purger.requests.map((r) => r.length)).toEqual([100]);

    // The oldest of the rest has waited HOLD_MS: they go, all in one request.
    clock.advance(HOLD_MS);
    await flushPurges(env.DB, purger, FREE, clock.now());
    expect(purger.requests.map((r) => r.length)).toEqual([100, 20]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM pending_purges").first("n")).toBe(0);
  });
});
