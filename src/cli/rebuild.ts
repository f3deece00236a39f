/**
 * @module cli/rebuild
 * `npm run rebuild -- [--site URL] [--no-search]`
 *
 * Rebuilds every document of the read model (article pages, listings, feeds, sitemaps) from the
 * editorial database, as the desk's "Rebuild everything" button does: it starts a rebuild with
 * `POST /api/pipeline/rebuild`, then reads `GET /api/pipeline` once a second and draws the
 * rebuild's progress until it has finished. Then it rebuilds the search index (`npm run reindex`),
 * unless `--no-search`. The token comes from BROADSHEET_TOKEN, as for `npm run publish`.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createProgress, duration } from "./progress";
import { assertSafeSite, DEFAULT_SITE } from "./publish";
import { reindex } from "./reindex";

const USAGE = `Usage: npm run rebuild -- [--site URL] [--no-search]

  --site URL    the site whose read model to rebuild (default: ${DEFAULT_SITE})
  --no-search   rebuild the pages and feeds only, not the search index
  The editor token is read from the BROADSHEET_TOKEN environment variable.
  Stopping this command does not stop the rebuild: the desk's Pipeline page follows it too.`;

/** How often the rebuild's progress is read. */
export const POLL_INTERVAL_MS = 1000;
/** A rebuild whose count has not moved for this long is reported, and the command gives up on it. */
export const STALL_MS = 10 * 60 * 1000;

/** The latest rebuild, as `GET /api/pipeline` reports it. */
export interface RebuildState {
  id: number;
  total: number;
  done: number;
  startedAt: string;
  startedBy: string;
  finishedAt: string | null;
}

/** What the command reads of `GET /api/pipeline`. */
interface PipelineView {
  backlog: { dead: number };
  failures: unknown[];
  rebuild: RebuildState | null;
}

export interface RebuildOptions {
  site: string;
  token: string;
  /** Injected by tests; the runtime's otherwise. */
  fetch?: (url: URL, init?: RequestInit) => Promise<Response>;
  /** Waits `ms`; tests move a fake clock instead of sleeping. */
  wait?: (ms: number) => Promise<void>;
  now?: () => number;
  intervalMs?: number;
  stallMs?: number;
  /** Called after every read of the rebuild being followed; the CLI draws its progress bar here. */
  onProgress?: (rebuild: RebuildState) => void;
  /** Called when a newer rebuild (a navigation change, another editor's) takes over from this one. */
  onSuperseded?: (rebuild: RebuildState) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function failure(response: Response, url: URL): Promise<Error> {
  return new Error(`${url.pathname} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
}

/**
 * Starts a rebuild of the read model and follows it until it has finished. Resolves the finished
 * rebuild and the milliseconds it took. A newer rebuild that starts meanwhile rebuilds every
 * document again from a later state of D1, so when it finishes this one's work is covered: it is
 * followed instead.
 * @example
 * const { rebuild, ms } = await rebuildReadModel({ site: "https://news.example", token, onProgress: (r) => bar.update(r.done, r.total) });
 */
export async function rebuildReadModel(options: RebuildOptions): Promise<{ rebuild: RebuildState; ms: number }> {
  const site = new URL(options.site);
  assertSafeSite(site);
  const fetchOne = options.fetch ?? ((url: URL, init?: RequestInit) => fetch(url, init));
  const send = async (url: URL, init?: RequestInit): Promise<Response> => {
    try {
      return await fetchOne(url, init);
    } catch (error) {
      // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, a DNS error) is its cause.
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new Error(`could not reach ${url.origin} (${cause}); is the site running?`);
    }
  };
  const wait = options.wait ?? sleep;
  const now = options.now ?? Date.now;
  const stallMs = options.stallMs ?? STALL_MS;
  const headers = { Authorization: `Bearer ${options.token}` };

  const started = now();
  const startUrl = new URL("/api/pipeline/rebuild", site);
  const start = await send(startUrl, { method: "POST", headers });
  if (!start.ok) throw await failure(start, startUrl);
  const { rebuild: id } = (await start.json()) as { rebuild?: unknown };
  if (typeof id !== "number" || !Number.isSafeInteger(id))
    throw new Error(`${startUrl.pathname} did not name the rebuild it started`);

  const statusUrl = new URL("/api/pipeline", site);
  let following = id;
  let lastDone = -1;
  let lastMove = now();
  for (;;) {
    const response = await send(statusUrl, { headers });
    if (!response.ok) throw await failure(response, statusUrl);
    const status = (await response.json()) as PipelineView;
    const rebuild = status.rebuild;
    // Until D1 shows ours (or a newer one), there is nothing to draw yet.
    if (rebuild && rebuild.id >= following) {
      if (rebuild.id > following) {
        following = rebuild.id;
        options.onSuperseded?.(rebuild);
      }
      options.onProgress?.(rebuild);
      if (rebuild.finishedAt !== null) return { rebuild, ms: now() - started };
      if (rebuild.done !== lastDone) {
        lastDone = rebuild.done;
        lastMove = now();
      }
    }
    if (now() - lastMove >= stallMs) throw new Error(stalled(status, following, stallMs, site));
    await wait(options.intervalMs ?? POLL_INTERVAL_MS);
  }
}

/** Why a rebuild looks stuck, and where an editor sees more. */
function stalled(status: PipelineView, id: number, stallMs: number, site: URL): string {
  const r = status.rebuild?.id === id ? status.rebuild : null;
  const at = r ? ` at ${r.done.toLocaleString("en")}/${r.total.toLocaleString("en")}` : "";
  const dead = status.backlog.dead;
  return (
    `rebuild ${id} made no progress for ${duration(stallMs / 1000)}${at}; ` +
    `${dead} dead letter${dead === 1 ? "" : "s"}, ${status.failures.length} recent failure${status.failures.length === 1 ? "" : "s"}. ` +
    `It goes on in the background: see ${new URL("/desk/pipeline", site)}`
  );
}

/** What `main` reads and writes: the process's own, or a test's. */
export interface CliIo {
  /** The environment: only BROADSHEET_TOKEN is read. */
  env: Readonly<Record<string, string | undefined>>;
  /** Standard output, for results. */
  log: (line: string) => void;
  /** Standard error, for problems. */
  error: (line: string) => void;
  /** Where progress bars are drawn. */
  progress: NodeJS.WriteStream;
  fetch?: RebuildOptions["fetch"];
  wait?: RebuildOptions["wait"];
  now?: () => number;
  reindex: typeof reindex;
}

const processIo: CliIo = {
  env: process.env,
  log: (line) => console.log(line),
  error: (line) => console.error(line),
  progress: process.stderr,
  reindex,
};

/** The command: resolves its exit code (0 when the read model and the search index are rebuilt, 1 otherwise). */
export async function main(args: string[], io: CliIo = processIo): Promise<number> {
  let values: { site: string; "no-search": boolean; help: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        site: { type: "string", default: DEFAULT_SITE },
        "no-search": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    io.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    io.log(USAGE);
    return 0;
  }
  const token = io.env.BROADSHEET_TOKEN;
  if (!token) {
    io.error("BROADSHEET_TOKEN is not set: export the editor token first (see docs/publishing.md).");
    return 1;
  }
  const now = io.now ?? Date.now;
  const pages = createProgress({ unit: "documents", stream: io.progress, now });
  let drawn = false;
  try {
    const { rebuild, ms } = await rebuildReadModel({
      site: values.site,
      token,
      ...(io.fetch ? { fetch: io.fetch } : {}),
      ...(io.wait ? { wait: io.wait } : {}),
      now,
      onProgress: (r) => {
        drawn = true;
        pages.update(r.done, r.total);
      },
      onSuperseded: (r) => io.error(`\nA newer rebuild (${r.id}, started by ${r.startedBy}) took over; following it.`),
    });
    pages.finish();
    io.log(`Rebuilt ${rebuild.total.toLocaleString("en")} documents in ${duration(ms / 1000)}.`);
  } catch (error) {
    if (drawn) pages.finish(); // Ends the bar's line before the message.
    io.error(`rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (values["no-search"]) return 0;

  const started = now();
  const articles = createProgress({ unit: "articles", stream: io.progress, now });
  let indexing = false;
  try {
    const result = await io.reindex({
      site: values.site,
      token,
      limit: 50,
      onPage: (page) => {
        indexing = true;
        articles.update(page.done, page.total);
      },
    });
    articles.finish();
    io.log(
      `Reindexed ${result.total.toLocaleString("en")} articles in ${duration((now() - started) / 1000)}: ${result.indexed} entries written, ${result.removed} removed.`,
    );
    return 0;
  } catch (error) {
    if (indexing) articles.finish();
    io.error(
      `The pages are rebuilt, but the search index is not: ${error instanceof Error ? error.message : String(error)}\n` +
        `Run \`npm run reindex -- --site ${values.site}\` to try it again.`,
    );
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
