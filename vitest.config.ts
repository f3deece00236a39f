import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Test settings shared by wrangler.toml's [vars] overrides: a fixed site URL and known tokens. */
export const TEST_TOKENS = "test-token-current,test-token-previous";

export default defineConfig({
  test: {
    projects: [
      {
        // Unit, integration and validation tests run inside workerd, against real KV and Cache API.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: { SITE_URL: "https://news.example", EDITOR_TOKENS: TEST_TOKENS },
            },
          }),
        ],
        test: {
          name: "workers",
          include: ["tests/{unit,integration,content}/**/*.test.{ts,tsx}"],
          setupFiles: ["tests/setup.ts"],
        },
      },
      {
        // The CLI runs on Node: its end-to-end tests start a real local Worker and publish to it.
        test: {
          name: "cli",
          include: ["tests/cli/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
