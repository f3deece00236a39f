// Bindings only the tests have (see vitest.config.ts); the Worker's own come from
// src/worker-configuration.d.ts, which `npm run types` generates.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_SEARCH_MIGRATIONS: import("cloudflare:test").D1Migration[];
    UNMIGRATED_DB: D1Database;
  }
}
