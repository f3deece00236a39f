/**
 * @module newsroom/api-search
 * The editors' API for the search index: `POST /api/search/reindex?after=<cursor>&limit=<n>`
 * rebuilds the entries of one page of articles and answers `{done, total, next}`; calling it again
 * with `after=next` until `next` is null rebuilds the whole index (`npm run reindex` does). Mounted
 * inside the API, behind its bearer auth.
 */
import { Hono } from "hono";
import { runStatements, schedulePurgeStatements } from "../data/pipeline";
import { reindexPage } from "../pipeline/search-entry";
import { TAGS } from "../targets/document-name";
import type { AppEnv } from "./app-env";

/** Articles one request reindexes by default, and at most: a page is one D1 batch per database. */
export const REINDEX_DEFAULT_LIMIT = 50;
export const REINDEX_MAX_LIMIT = 200;

export const searchApi = new Hono<AppEnv>().post("/search/reindex", async (c) => {
  const after = c.req.query("after") ?? "";
  const limitParam = c.req.query("limit");
  const limit = limitParam === undefined ? REINDEX_DEFAULT_LIMIT : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > REINDEX_MAX_LIMIT) {
    return c.json(
      {
        error: "The page size is not valid",
        details: [{ field: "limit", problem: `must be a whole number from 1 to ${REINDEX_MAX_LIMIT}` }],
      },
      400,
    );
  }
  const progress = await reindexPage(c.env.DB, c.env.SEARCH, after, limit, c.var.clock.now());
  if (progress.indexed || progress.removed) {
    // Result pages may show what was just rewritten: their tag goes the way of every purge.
    const now = c.var.clock.now();
    await runStatements(c.env.DB, schedulePurgeStatements(c.env.DB, [TAGS.search], "purge", now, false));
  }
  return c.json(progress);
});
