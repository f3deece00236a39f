import { describe, expect, it } from "vitest";
import { parseMessage, retryDelaySeconds, workKey } from "../../src/pipeline/messages";

describe("pipeline messages", () => {
  it("waits 5 s before a first retry, doubling with each attempt, at most 5 minutes", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(retryDelaySeconds)).toEqual([5, 10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it("reads back only the messages the pipeline sends", () => {
    expect(parseMessage({ kind: "article", target: "a", id: 3, generation: 2, rebuild: 1, after: "x" })).toEqual({
      kind: "article",
      target: "a",
      id: 3,
      generation: 2,
      rebuild: 1,
      after: "x",
    });
    expect(parseMessage({ kind: "listing", target: "home", generation: "2" })).toEqual({ kind: "listing", target: "home" });
    for (const body of [null, "article", { kind: "page", target: "a" }, { kind: "article" }, { kind: "article", target: 1 }])
      expect(parseMessage(body)).toBeNull();
  });

  it("treats two messages for the same target as one piece of work, whatever their generation", () => {
    expect(workKey({ kind: "article", target: "a" })).toBe(workKey({ kind: "article", target: "a" }));
    expect(workKey({ kind: "article", target: "a" })).not.toBe(workKey({ kind: "listing", target: "a" }));
    expect(workKey({ kind: "fanout", target: "articles" })).not.toBe(workKey({ kind: "fanout", target: "articles", after: "m" }));
  });
});
