/**
 * Failed authentications (the desk's sign-ins, the API's bearer tokens) against the real D1 database (emptied before each test by tests/setup.ts),
 * on an injected clock.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { claimAttempt, clientAddress, FAILURES_PER_MINUTE, forgiveAttempt } from "../../src/newsroom/failed-auth";

const T0 = Date.parse("2026-11-28T12:00:00Z");
const ADDRESS = "203.0.113.7";

/** Failures for `address` at each of `times`, written as they were (more than ten, for a burst). */
async function fail(address: string, times: number[]): Promise<void> {
  for (const at of times)
    await env.DB.prepare("INSERT INTO sign_in_failures (address, at) VALUES (?, ?)").bind(address, at).run();
}

/** A failed sign-in at `at`: claimed and never forgiven. */
async function recordSignInFailure(db: D1Database, address: string, at: number): Promise<void> {
  expect(await claimAttempt(db, address, at)).toHaveProperty("id");
}

/** How long `address` must wait at `now`: a claim, taken back at once when it was allowed. */
async function signInWait(db: D1Database, address: string, now: number): Promise<number | null> {
  const attempt = await claimAttempt(db, address, now);
  if ("wait" in attempt) return attempt.wait;
  await forgiveAttempt(db, attempt.id);
  return null;
}

/** `count` failures one second apart, starting at `start`. */
const everySecond = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i * 1000);

async function rows(): Promise<{ address: string; at: number }[]> {
  const result = await env.DB.prepare("SELECT address, at FROM sign_in_failures ORDER BY at, address").all<{
    address: string;
    at: number;
  }>();
  return result.results;
}

describe("the wait after ten failures", () => {
  it("lets an address with no failures try", async () => {
    expect(await signInWait(env.DB, ADDRESS, T0)).toBeNull();
  });

  it("lets the 10th try through after 9 failures, and makes the 11th wait after 10", async () => {
    expect(FAILURES_PER_MINUTE).toBe(10);
    await fail(ADDRESS, everySecond(T0, 9));
    expect(await signInWait(env.DB, ADDRESS, T0 + 9_000)).toBeNull();
    await recordSignInFailure(env.DB, ADDRESS, T0 + 9_000);
    // The oldest of the ten, at T0, leaves the window at T0 + 60 s: 50 s from now.
    expect(await signInWait(env.DB, ADDRESS, T0 + 10_000)).toBe(50);
  });

  it("rounds the wait up to whole seconds, and never says less than 1", async () => {
    await fail(ADDRESS, everySecond(T0, 10));
    expect(await signInWait(env.DB, ADDRESS, T0 + 10_001)).toBe(50);
    expect(await signInWait(env.DB, ADDRESS, T0 + 59_999)).toBe(1);
  });

  it("slides: each failure leaving the window lets exactly one more try in", async () => {
    await fail(ADDRESS, everySecond(T0, 10));
    expect(await signInWait(env.DB, ADDRESS, T0 + 59_000)).toBe(1);
    // At T0 + 60 s the first failure is a minute old and no longer counts.
    expect(await signInWait(env.DB, ADDRESS, T0 + 60_000)).toBeNull();
    await recordSignInFailure(env.DB, ADDRESS, T0 + 60_000);
    // Ten again (T0 + 1 s … T0 + 60 s): wait for the one at T0 + 1 s.
    expect(await signInWait(env.DB, ADDRESS, T0 + 60_000)).toBe(1);
    expect(await signInWait(env.DB, ADDRESS, T0 + 61_000)).toBeNull();
  });

  it("counts failures past the limit (concurrent sign-ins), waiting until fewer than ten remain", async () => {
    await fail(ADDRESS, everySecond(T0, 12));
    // Of T0 … T0 + 11 s, the 10th newest is T0 + 2 s: the address waits until it is a minute old.
    expect(await signInWait(env.DB, ADDRESS, T0 + 12_000)).toBe(50);
  });

  it("does not hold one address's failures against another", async () => {
    await fail(ADDRESS, everySecond(T0, 10));
    expect(await signInWait(env.DB, ADDRESS, T0 + 10_000)).not.toBeNull();
    expect(await signInWait(env.DB, "198.51.100.23", T0 + 10_000)).toBeNull();
    expect(await signInWait(env.DB, "2001:db8::1", T0 + 10_000)).toBeNull();
  });

  it("allows the address again 61 s after its last failure", async () => {
    await fail(ADDRESS, everySecond(T0, 10));
    expect(await signInWait(env.DB, ADDRESS, T0 + 9_000)).toBe(51);
    expect(await signInWait(env.DB, ADDRESS, T0 + 9_000 + 61_000)).toBeNull();
  });
});

describe("recorded failures", () => {
  it("records one row per failure", async () => {
    await fail(ADDRESS, [T0, T0 + 1]);
    expect(await rows()).toEqual([
      { address: ADDRESS, at: T0 },
      { address: ADDRESS, at: T0 + 1 },
    ]);
  });

  it("deletes every address's rows that have left the window", async () => {
    await fail(ADDRESS, [T0, T0 + 30_000]);
    await fail("198.51.100.23", [T0 + 10_000]);
    await recordSignInFailure(env.DB, "2001:db8::1", T0 + 60_000);
    // T0 is exactly a minute old: it no longer counts, so it is gone; the rest are still in the window.
    expect(await rows()).toEqual([
      { address: "198.51.100.23", at: T0 + 10_000 },
      { address: ADDRESS, at: T0 + 30_000 },
      { address: "2001:db8::1", at: T0 + 60_000 },
    ]);
    await recordSignInFailure(env.DB, "2001:db8::1", T0 + 120_000);
    expect(await rows()).toEqual([{ address: "2001:db8::1", at: T0 + 120_000 }]);
  });
});

describe("claimAttempt", () => {
  it("counts an attempt as a failure until it is forgiven, and refuses the 11th without recording it", async () => {
    for (let i = 0; i < 9; i++) expect(await claimAttempt(env.DB, ADDRESS, T0 + i * 1000)).toHaveProperty("id");
    const right = await claimAttempt(env.DB, ADDRESS, T0 + 9_000);
    if (!("id" in right)) throw new Error("the 10th attempt was refused");
    await forgiveAttempt(env.DB, right.id);
    expect(await rows()).toHaveLength(9);
    expect(await claimAttempt(env.DB, ADDRESS, T0 + 10_000)).toHaveProperty("id");
    expect(await claimAttempt(env.DB, ADDRESS, T0 + 11_000)).toEqual({ wait: 49 });
    expect(await rows()).toHaveLength(10);
  });

  it("lets no more than ten of a burst of simultaneous attempts through", async () => {
    const claims = await Promise.all(Array.from({ length: 40 }, () => claimAttempt(env.DB, ADDRESS, T0)));
    expect(claims.filter((claim) => "id" in claim)).toHaveLength(FAILURES_PER_MINUTE);
    expect(claims.filter((claim) => "wait" in claim)).toHaveLength(30);
  });
});

describe("clientAddress", () => {
  it("counts an IPv6 address by its /64 network, and an IPv4-mapped one as IPv4", () => {
    const of = (ip: string) => clientAddress(new Headers({ "CF-Connecting-IP": ip }));
    expect(of("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(of("2001:DB8:1:2::ffff")).toBe("2001:db8:1:2::/64");
    expect(of("2001:0db8:0001:0002::1")).toBe("2001:db8:1:2::/64");
    expect(of("::1")).toBe("0:0:0:0::/64");
    expect(of("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("is the CF-Connecting-IP header", () => {
    expect(clientAddress(new Headers({ "CF-Connecting-IP": "203.0.113.7" }))).toBe("203.0.113.7");
    expect(clientAddress(new Headers({ "cf-connecting-ip": "2001:db8::1" }))).toBe("2001:db8:0:0::/64");
  });

  it("ignores the headers a client can set itself", () => {
    const headers = new Headers({
      "X-Forwarded-For": "203.0.113.7",
      "X-Real-IP": "203.0.113.8",
      "True-Client-IP": "203.0.113.9",
    });
    expect(clientAddress(headers)).toBe("unknown");
  });

  it("is unknown without the header, or with an empty one", () => {
    expect(clientAddress(new Headers())).toBe("unknown");
    expect(clientAddress(new Headers({ "CF-Connecting-IP": " " }))).toBe("unknown");
  });
});
