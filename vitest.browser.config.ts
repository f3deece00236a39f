import { defineConfig } from "vitest/config";

/**
 * The desk's browser tests (`npm run test:browser`): Debian's Chromium through playwright-core,
 * against the real Worker under `wrangler dev`. Each file starts its own Worker and browser, so the
 * files run one after another: two wrangler builds and Chromiums at once only slow each other down.
 */
export default defineConfig({
  test: {
    name: "browser",
    include: ["tests/browser/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // A failure shows the steps that led to it; no retries, so a flaky step is seen and fixed.
    retry: 0,
  },
});
