import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/core/config";
import { purgePacing } from "../../src/pipeline/purges";

describe("purgePacing", () => {
  it("reads the two settings, and falls back to the free plan's pacing when they are unset", () => {
    expect(purgePacing({ PURGE_RATE_PER_MINUTE: "300", PURGE_BURST: "40" })).toEqual({ ratePerMinute: 300, burst: 40 });
    const fallback = purgePacing({});
    expect(fallback.ratePerMinute).toBeGreaterThan(0);
    expect(fallback.burst).toBeGreaterThan(0);
  });

  it("refuses a bad value with a ConfigurationError naming the setting (a 503 until fixed, not a 500)", () => {
    for (const raw of ["0", "-5", "fast", "Infinity"]) {
      expect(() => purgePacing({ PURGE_RATE_PER_MINUTE: raw }), raw).toThrow(ConfigurationError);
      expect(() => purgePacing({ PURGE_BURST: raw }), raw).toThrow(/PURGE_BURST must be a positive number/);
    }
  });
});
