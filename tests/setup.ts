// Runs before every test inside workerd: each test starts with the database migrated and empty,
// empty KV and R2, an empty edge cache, and the fakes of tests/integration/helpers.ts as new, so no
// test depends on another having run first. The files share one workerd and one copy of each
// module (vitest.config.ts: isolate false), so this is all that separates one file from the next.
// (cloudflare:test's reset() would also do it, but it tears down the Cache API's storage under
// cache writes still running in waitUntil.)

import { applyD1Migrations, createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import { EVERYTHING, localCache } from "../src/cache/local-cache";
import { TABLES } from "../src/editorial/database";
import { SEARCH_TABLES } from "../src/search/entries";
import { clock, fakeHub, fakeReader, forgetQueuedMessages, hubRequests, readerPurges } from "./integration/helpers";

beforeEach(async () => {
  forgetQueuedMessages();
  fakeReader.purges = "accept";
  readerPurges.length = 0;
  hubRequests.length = 0;
  fakeHub.status = 204;
  fakeHub.refusals = 0;
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  await env.DB.batch(TABLES.map((table) => env.DB.prepare(`DELETE FROM ${table}`)));
  await applyD1Migrations(env.SEARCH, env.TEST_SEARCH_MIGRATIONS);
  await env.SEARCH.batch(SEARCH_TABLES.map((table) => env.SEARCH.prepare(`DELETE FROM ${table}`)));
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await env.ARTICLES.list(cursor ? { cursor } : {});
    await Promise.all(page.keys.map((key) => env.ARTICLES.delete(key.name)));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  // R2 too: images are stored under content-hash names, so one left by an earlier test would turn
  // the next upload of the same bytes into "already stored".
  let media: R2Objects;
  do {
    media = await env.MEDIA.list();
    if (media.objects.length) await env.MEDIA.delete(media.objects.map((object) => object.key));
  } while (media.truncated);
  // Emptied at the test clock's time, which runs ahead of the wall clock; then one tick on, so
  // what the test caches next is newer than the purge.
  await localCache(caches.default, createExecutionContext(), "https://news.example", clock).purge([EVERYTHING]);
  clock.advance(1);
});
