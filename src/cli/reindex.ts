/**
 * @module cli/reindex
 * `npm run reindex -- [--site URL] [--limit N]`
 *
 * Rebuilds the site's search index from its editorial database, a page of articles per request to
 * `POST /api/search/reindex`, with a progress bar. Safe to stop and run again: each page rewrites
 * its articles' entries as D1 holds them now. The token comes from BROADSHEET_TOKEN, as for
 * `npm run publish`.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createProgress, duration } from "./progress";
import { assertSafeSite, DEFAULT_SITE } from "./publish";

const USAGE = `Usage: npm run reindex -- [--site URL] [--limit N]

  --site URL   the site whose search index to rebuild (default: ${DEFAULT_SITE})
  --limit N    articles per request (default: 50, at most 200)
  The editor token is read from the BROADSHEET_TOKEN environment variable.`;

interface ReindexPage {
  done: number;
  total: number;
  next: string | null;
  indexed: number;
  removed: number;
}

export interface ReindexOptions {
  site: string;
  token: string;
  limit: number;
  /** Called after every page; the CLI draws its progress bar here. */
  onPage?: (page: ReindexPage) => void;
}

/** Calls the reindex endpoint page after page until it says it is finished. Resolves the totals. */
export async function reindex(options: ReindexOptions): Promise<{ total: number; indexed: number; removed: number }> {
  const site = new URL(options.site);
  assertSafeSite(site);
  let after = "";
  let indexed = 0;
  let removed = 0;
  for (;;) {
    const url = new URL("/api/search/reindex", site);
    url.searchParams.set("after", after);
    url.searchParams.set("limit", String(options.limit));
    const response = await fetch(url, { method: "POST", headers: { Authorization: `Bearer ${options.token}` } });
    if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    const page = (await response.json()) as ReindexPage;
    indexed += page.indexed;
    removed += page.removed;
    options.onPage?.(page);
    if (page.next === null) return { total: page.total, indexed, removed };
    after = page.next;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      site: { type: "string", default: DEFAULT_SITE },
      limit: { type: "string", default: "50" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const token = process.env.BROADSHEET_TOKEN;
  if (!token) {
    console.error('BROADSHEET_TOKEN is not set: export the editor token first (see the README, "Publishing").');
    return 2;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    console.error(`--limit must be a whole number from 1 to 200\n\n${USAGE}`);
    return 2;
  }
  const started = Date.now();
  const progress = createProgress({ unit: "articles" });
  const result = await reindex({ site: values.site, token, limit, onPage: (page) => progress.update(page.done, page.total) });
  progress.finish();
  console.log(
    `Reindexed ${result.total} articles in ${duration((Date.now() - started) / 1000)}: ${result.indexed} entries written, ${result.removed} removed.`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`reindex failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
