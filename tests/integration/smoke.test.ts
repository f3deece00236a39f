import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("serves the home page", async () => {
    const res = await exports.default.fetch("https://news.example/");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Latest articles");
    expect(env.SITE_URL).toBe("https://news.example");
  });
});
