import { availableParallelism } from "node:os";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Test settings shared by wrangler.toml's [vars] overrides: a fixed site URL and known tokens. */
export const TEST_TOKENS = "ana:test-token-current-0123456789abcdef,test-token-previous-0123456789abcdef";
export const TEST_DESK_SECRET = "test-desk-secret-0123456789abcdef0123456789";

// Applied to the test database by tests/setup.ts, exactly as `wrangler d1 migrations apply` would.
const migrations = await readD1Migrations("./src/db/migrations");
const searchMigrations = await readD1Migrations("./src/search/migrations");

export default defineConfig({
  test: {
    // Two files at once even on two cores (vitest's default there is one): the CLI files spend most
    // of their time waiting on the local Worker and the commands they start, and a workers file can
    // use the core meanwhile.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        // Unit, integration and validation tests run inside workerd, against real KV and Cache API.
        plugins: [
          cloudflareTest({
            // The newsroom's bindings are a superset of the reader's: both Workers run against them.
            wrangler: { configPath: "./wrangler.newsroom.toml" },
            miniflare: {
              bindings: {
                SITE_URL: "https://news.example",
                EDITOR_TOKENS: TEST_TOKENS,
                DESK_SECRET: TEST_DESK_SECRET,
                TEST_MIGRATIONS: migrations,
                TEST_SEARCH_MIGRATIONS: searchMigrations,
                // Tests of pacing set their own; the rest must not wait for tokens.
                PURGE_RATE_PER_MINUTE: "60000",
                PURGE_BURST: "10000",
                // Every email is kept in D1 for the tests to read (GET /api/mail); sending is not paced.
                MAIL_CAPTURE: "1",
                MAIL_RATE_PER_MINUTE: "60000",
              },
              // The tests deliver queue messages themselves (tests/integration/helpers.ts, with the
              // plugin's createMessageBatch): the producers send to queues no consumer reads, so
              // nothing is delivered behind a test's back.
              queueProducers: { PIPELINE: "test-pipeline", REBUILD: "test-rebuild", MAIL: "test-mail" },
              // The newsroom's READER binding names the reader Worker, which the tests build in-process
              // (tests/integration/helpers.ts); the binding itself answers nothing.
              serviceBindings: { READER: () => new Response(null, { status: 404 }) },
              // A real D1 database that was never migrated: what the API meets when D1 fails.
              d1Databases: { DB: "broadsheet-test", SEARCH: "broadsheet-search-test", UNMIGRATED_DB: "broadsheet-unmigrated" },
              // The reader's search limiter (wrangler.toml), which the newsroom's config has not.
              ratelimits: { SEARCH_LIMITER: { namespace_id: "1001", simple: { limit: 60, period: 60 } } },
            },
          }),
        ],
        test: {
          name: "workers",
          // The editions benchmark (tests/bench/editions.workers.ts) uses this harness, and runs only
          // when `npm run bench` asks for it.
          include: [
            "tests/{unit,integration,content}/**/*.test.{ts,tsx}",
            ...(process.env.BENCH_ONLY === "editions" ? ["tests/bench/editions.workers.ts"] : []),
          ],
          setupFiles: ["tests/setup.ts"],
        },
      },
      {
        // The CLI runs on Node: its end-to-end tests publish to one real local Worker, which
        // tests/cli/global-setup.ts starts for all of them. The files run one at a time, so none sees
        // another's writes land in the middle of its counts.
        test: {
          name: "cli",
          include: ["tests/cli/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/cli/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
