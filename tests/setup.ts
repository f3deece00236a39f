// Runs before every test inside workerd: each test starts with empty KV and an empty edge cache,
// so no test depends on another having run first. (cloudflare:test's reset() would also do it, but
// it tears down the Cache API's storage under cache writes still running in waitUntil.)

import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import { EVERYTHING, localCache } from "../src/cache/local-cache";

beforeEach(async () => {
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await env.ARTICLES.list(cursor ? { cursor } : {});
    await Promise.all(page.keys.map((key) => env.ARTICLES.delete(key.name)));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  await localCache(caches.default, createExecutionContext(), "https://news.example").purge([EVERYTHING]);
});
