import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeWork, parseMessage, retryDelaySeconds, toBody, workKey, workTarget } from "../../src/pipeline/messages";
import { HOME_TARGET, listingTarget } from "../../src/targets/build-target";
import { homeOf, listingOf } from "../../src/targets/document-name";

const page = (slug: string) => ({ kind: "page" as const, edition: "", slug });

describe("pipeline messages", () => {
  it("waits 5 s before a first retry, doubling with each attempt, at most 5 minutes", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(retryDelaySeconds)).toEqual([5, 10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it("reads back only the messages the pipeline sends, as typed work", () => {
    expect(parseMessage({ kind: "article", target: "a", id: 3, generation: 2, rebuild: 1, after: "x" })).toEqual({
      kind: "article",
      page: page("a"),
      id: 3,
      generation: 2,
      rebuild: 1,
      after: "x",
    });
    expect(parseMessage({ kind: "listing", target: "home", generation: "2" })).toEqual({ kind: "listing", target: HOME_TARGET });
    expect(parseMessage({ kind: "listing", target: "es/section:world" })).toEqual({
      kind: "listing",
      target: listingTarget(listingOf("section", "world", "es")),
    });
    expect(parseMessage({ kind: "purge", target: "a,,b" })).toEqual({ kind: "purge", tags: ["a", "b"] });
    expect(parseMessage({ kind: "fanout", target: "listings" })).toEqual({ kind: "fanout", scope: "listings" });
    for (const body of [
      null,
      "article",
      { kind: "page", target: "a" },
      { kind: "article" },
      { kind: "article", target: 1 },
      { kind: "article", target: "Not A Slug" },
      { kind: "listing", target: "nowhere:x" },
      { kind: "fanout", target: "everything" },
      { kind: "websub", target: "not a url" },
    ])
      expect(parseMessage(body), JSON.stringify(body)).toBeNull();
  });

  it("send what they read: one codec both ways", () => {
    const bodies = fc.oneof(
      fc.stringMatching(/^[a-z0-9]{1,8}(?:-[a-z0-9]{1,8}){0,2}$/).map((slug) => ({ kind: "article" as const, target: slug })),
      fc
        .constantFrom("home", "section:world", "archive:tag:x", "sitemap:2025-03", "news", "corrections", "live:x", "es/home")
        .map((target) => ({ kind: "listing" as const, target })),
      fc.constantFrom("articles", "listings").map((target) => ({ kind: "fanout" as const, target })),
    );
    fc.assert(
      fc.property(bodies, fc.option(fc.nat(), { nil: undefined }), (body, id) => {
        const sent = id === undefined ? body : { ...body, id };
        const parsed = parseMessage(sent);
        expect(parsed).not.toBeNull();
        if (parsed) expect(toBody(parsed)).toEqual(sent);
      }),
    );
  });

  it("treats two messages for the same target as one piece of work, whatever their generation", () => {
    const article = (slug: string) => decodeWork("article", slug);
    expect(workKey({ kind: "article", page: page("a"), generation: 1 })).toBe(workKey({ kind: "article", page: page("a") }));
    expect(workKey({ kind: "article", page: page("a") })).not.toBe(
      workKey({ kind: "listing", target: listingTarget(homeOf("a")) }),
    );
    expect(workKey({ kind: "fanout", scope: "articles" })).not.toBe(workKey({ kind: "fanout", scope: "articles", after: "m" }));
    expect(workTarget({ kind: "listing", target: HOME_TARGET })).toBe("home");
    expect(article("a")).toEqual({ kind: "article", page: page("a") });
  });
});
