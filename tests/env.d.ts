// Bindings only the tests have (see vitest.config.ts); the Worker's own come from
// src/worker-configuration.d.ts, which `npm run types` generates.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_SEARCH_MIGRATIONS: import("cloudflare:test").D1Migration[];
    UNMIGRATED_DB: D1Database;
    /** The reader's search limiter: in wrangler.toml, given to the tests by vitest.config.ts. */
    SEARCH_LIMITER: RateLimit;
  }
}
