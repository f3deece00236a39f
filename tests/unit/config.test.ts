import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { siteFromEnv } from "../../src/core/config";
import { buildArticle } from "../../src/editorial/article";

describe("siteFromEnv", () => {
  it("reads the site from [vars], without a trailing slash on the URL", () => {
    const site = siteFromEnv({ ...env, SITE_URL: "https://news.example/" });
    expect(site).toEqual({
      title: "Broadsheet",
      description: "Articles rendered at the edge, with RSS and JSON Feed.",
      url: "https://news.example",
      language: "en",
      blockAiCrawlers: false,
      timeZone: "UTC",
    });
  });

  it("reads the desk's time zone, and names a bad one", () => {
    expect(siteFromEnv({ ...env, SITE_TIME_ZONE: "Europe/London" }).timeZone).toBe("Europe/London");
    expect(() => siteFromEnv({ ...env, SITE_TIME_ZONE: "Mars/Olympus" })).toThrow("SITE_TIME_ZONE");
  });

  it("reads the AI crawler policy and the WebSub hub, and names a bad one", () => {
    const site = siteFromEnv({ ...env, BLOCK_AI_CRAWLERS: "true", WEBSUB_HUB: "https://hub.example/" });
    expect(site).toMatchObject({ blockAiCrawlers: true, hub: "https://hub.example/" });
    expect(() => siteFromEnv({ ...env, BLOCK_AI_CRAWLERS: "yes" })).toThrow("BLOCK_AI_CRAWLERS");
    expect(() => siteFromEnv({ ...env, WEBSUB_HUB: "hub.example" })).toThrow("WEBSUB_HUB");
  });

  it("names the setting when one is missing or malformed", () => {
    expect(() => siteFromEnv({ ...env, SITE_TITLE: " " })).toThrow("SITE_TITLE must be set");
    expect(() => siteFromEnv({ ...env, SITE_URL: "news.example" })).toThrow("SITE_URL must be an absolute http(s) URL");
    expect(() => siteFromEnv({ ...env, SITE_URL: "ftp://news.example" })).toThrow("SITE_URL");
    expect(() => siteFromEnv({ ...env, SITE_LANGUAGE: "en_GB" })).toThrow("SITE_LANGUAGE must be a BCP 47 language tag");
  });

  it("canonicalizes the language tag", () => {
    expect(siteFromEnv({ ...env, SITE_LANGUAGE: "EN-gb" }).language).toBe("en-GB");
  });
});

describe("buildArticle summary fallback", () => {
  it("uses the title when the body has no paragraph of text", async () => {
    const built = await buildArticle(
      "pictures",
      {
        title: "Pictures only",
        published: "2025-01-01T00:00:00Z",
        category: "Photos",
        authors: [],
        tags: [],
        draft: false,
        body: "## A heading\n\n![A picture](https://img.example/a.jpg)\n",
      },
      { site: siteFromEnv(env), now: Date.parse("2025-06-01T00:00:00Z"), feedId: "https://news.example/articles/pictures" },
    );
    expect(built.ok && built.value.article.summary).toBe("Pictures only");
  });
});
