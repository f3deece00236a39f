// `npm run rebuild`'s logic on a fake site and a fake clock: it starts a rebuild, follows it until it
// has finished, gives up clearly, and rebuilds the search index after. No test sleeps: waiting moves
// the clock.
import { describe, expect, it } from "vitest";
import { type CliIo, main, type RebuildOptions, type RebuildState, rebuildReadModel } from "../../src/cli/rebuild";

const SITE = "https://news.example";
const TOKEN = "a-test-token-of-32-characters-or-more";

/** A clock that moves only when the code under test waits. */
function fakeClock(start = 1_000_000) {
  const clock = {
    at: start,
    waits: [] as number[],
    now: () => clock.at,
    wait: async (ms: number) => {
      clock.waits.push(ms);
      clock.at += ms;
    },
  };
  return clock;
}

const rebuildState = (id: number, done: number, total: number, finished = false): RebuildState => ({
  id,
  total,
  done,
  startedAt: "2026-11-20T10:00:00.000Z",
  startedBy: id === 7 ? "ana" : "navigation",
  finishedAt: finished ? "2026-11-20T10:00:05.000Z" : null,
});

const pipeline = (rebuild: RebuildState | null, dead = 0) => ({
  backlog: { unsent: 0, waiting: 0, dead, purges: 0 },
  failures: [],
  deadLetters: [],
  rebuild,
  pipelineVersion: { release: 2, rebuilt: 1, needsRebuild: true },
});

/**
 * A fake site: `POST /api/pipeline/rebuild` starts rebuild 7 (or answers `start`), and each
 * `GET /api/pipeline` answers the next of `statuses` (the last one again when they run out).
 */
function fakeSite(statuses: Array<ReturnType<typeof pipeline> | Response>, start?: Response) {
  const requests: Array<{ method: string; path: string; auth: string | null }> = [];
  let poll = 0;
  const fetch = async (url: URL, init: RequestInit = {}): Promise<Response> => {
    const method = init.method ?? "GET";
    requests.push({ method, path: url.pathname, auth: new Headers(init.headers).get("Authorization") });
    if (method === "POST" && url.pathname === "/api/pipeline/rebuild")
      return start ?? Response.json({ rebuild: 7, status: "/api/pipeline" }, { status: 202 });
    if (method === "GET" && url.pathname === "/api/pipeline") {
      const answer = statuses[Math.min(poll++, statuses.length - 1)];
      return answer instanceof Response ? answer : Response.json(answer);
    }
    return new Response("Not Found", { status: 404 });
  };
  return { fetch, requests };
}

function options(site: ReturnType<typeof fakeSite>, clock: ReturnType<typeof fakeClock>, extra: Partial<RebuildOptions> = {}) {
  return { site: SITE, token: TOKEN, fetch: site.fetch, wait: clock.wait, now: clock.now, ...extra };
}

describe("rebuildReadModel", () => {
  it("starts a rebuild with the token, then reads its progress once a second until it has finished", async () => {
    const site = fakeSite([
      pipeline(rebuildState(7, 0, 200)),
      pipeline(rebuildState(7, 80, 200)),
      pipeline(rebuildState(7, 200, 200, true)),
    ]);
    const clock = fakeClock();
    const seen: number[] = [];
    const result = await rebuildReadModel(options(site, clock, { onProgress: (r) => seen.push(r.done) }));
    expect(result).toEqual({ rebuild: rebuildState(7, 200, 200, true), ms: 2000 });
    expect(seen).toEqual([0, 80, 200]);
    expect(clock.waits).toEqual([1000, 1000]);
    expect(site.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/pipeline/rebuild",
      "GET /api/pipeline",
      "GET /api/pipeline",
      "GET /api/pipeline",
    ]);
    expect(site.requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("waits while the status still shows an older rebuild, without drawing it", async () => {
    const site = fakeSite([pipeline(null), pipeline(rebuildState(6, 10, 10, true)), pipeline(rebuildState(7, 3, 3, true))]);
    const clock = fakeClock();
    const seen: number[] = [];
    const result = await rebuildReadModel(options(site, clock, { onProgress: (r) => seen.push(r.id) }));
    expect(result.rebuild.id).toBe(7);
    expect(seen).toEqual([7]);
  });

  it("follows a newer rebuild that took over, until that one has finished", async () => {
    const site = fakeSite([
      pipeline(rebuildState(7, 5, 100)),
      pipeline(rebuildState(8, 0, 101)),
      pipeline(rebuildState(7, 100, 100, true)), // Never shown again once 8 exists: ignored.
      pipeline(rebuildState(8, 101, 101, true)),
    ]);
    const clock = fakeClock();
    const superseded: number[] = [];
    const result = await rebuildReadModel(options(site, clock, { onSuperseded: (r) => superseded.push(r.id) }));
    expect(superseded).toEqual([8]);
    expect(result.rebuild).toMatchObject({ id: 8, done: 101, total: 101 });
  });

  it("says what the site answered when it refuses to start", async () => {
    const site = fakeSite([], Response.json({ error: "Sign in first" }, { status: 401 }));
    await expect(rebuildReadModel(options(site, fakeClock()))).rejects.toThrow(
      '/api/pipeline/rebuild answered 401: {"error":"Sign in first"}',
    );
  });

  it("says what the site answered when the progress cannot be read", async () => {
    const site = fakeSite([pipeline(rebuildState(7, 1, 9)), new Response("D1 is down", { status: 503 })]);
    await expect(rebuildReadModel(options(site, fakeClock()))).rejects.toThrow("/api/pipeline answered 503: D1 is down");
  });

  it("gives up on a rebuild that stopped moving, and says where to look", async () => {
    const site = fakeSite([pipeline(rebuildState(7, 40, 50), 3)]);
    const clock = fakeClock();
    await expect(rebuildReadModel(options(site, clock, { stallMs: 30_000 }))).rejects.toThrow(
      "rebuild 7 made no progress for 30 s at 40/50; 3 dead letters, 0 recent failures. It goes on in the background: see https://news.example/desk/pipeline",
    );
    expect(clock.waits).toHaveLength(30);
  });

  it("keeps waiting while the count moves, however long the rebuild takes", async () => {
    const statuses = Array.from({ length: 40 }, (_, i) => pipeline(rebuildState(7, i, 40, i === 39)));
    const result = await rebuildReadModel(options(fakeSite(statuses), fakeClock(), { stallMs: 5000 }));
    expect(result.ms).toBe(39_000);
  });

  it("names the site it could not reach, and why", async () => {
    const unreachable = async (): Promise<Response> => {
      throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:8787") });
    };
    await expect(rebuildReadModel({ ...options(fakeSite([]), fakeClock()), fetch: unreachable })).rejects.toThrow(
      "could not reach https://news.example (connect ECONNREFUSED 127.0.0.1:8787); is the site running?",
    );
  });

  it("never sends the token over plain http to another host", async () => {
    const site = fakeSite([]);
    await expect(rebuildReadModel({ ...options(site, fakeClock()), site: "http://news.example" })).rejects.toThrow("unencrypted");
    expect(site.requests).toEqual([]);
  });
});

/** The command's world: output captured, the site and the clock fake, the search reindex recorded. */
function cli(site: ReturnType<typeof fakeSite>, env: CliIo["env"] = { BROADSHEET_TOKEN: TOKEN }) {
  const clock = fakeClock();
  const out: string[] = [];
  const err: string[] = [];
  const drawn: string[] = [];
  const reindexed: Array<{ site: string; token: string }> = [];
  let reindexFails = false;
  const io: CliIo = {
    env,
    log: (line) => out.push(line),
    error: (line) => err.push(line),
    progress: { isTTY: false, write: (text: string) => drawn.push(text) } as unknown as NodeJS.WriteStream,
    fetch: site.fetch,
    wait: clock.wait,
    now: clock.now,
    reindex: async (o) => {
      reindexed.push({ site: o.site, token: o.token });
      if (reindexFails) throw new Error("/api/search/reindex answered 500: boom");
      clock.at += 3000;
      o.onPage?.({ done: 12, total: 12, next: null, indexed: 12, removed: 0 });
      return { total: 12, indexed: 12, removed: 0 };
    },
  };
  return {
    io,
    out,
    err,
    drawn,
    reindexed,
    failReindex: () => {
      reindexFails = true;
    },
  };
}

const finishing = () => fakeSite([pipeline(rebuildState(7, 0, 1200)), pipeline(rebuildState(7, 1200, 1200, true))]);

describe("npm run rebuild", () => {
  it("prints the progress, the total and the time taken, then rebuilds the search index", async () => {
    const run = cli(finishing());
    expect(await main(["--site", SITE], run.io)).toBe(0);
    expect(run.drawn.join("")).toContain("1,200/1,200 documents  100%");
    expect(run.out[0]).toBe("Rebuilt 1,200 documents in 1 s.");
    expect(run.reindexed).toEqual([{ site: SITE, token: TOKEN }]);
    expect(run.out[1]).toBe("Reindexed 12 articles in 3 s: 12 entries written, 0 removed.");
    expect(run.err).toEqual([]);
  });

  it("leaves the search index alone with --no-search", async () => {
    const run = cli(finishing());
    expect(await main(["--site", SITE, "--no-search"], run.io)).toBe(0);
    expect(run.reindexed).toEqual([]);
    expect(run.out).toEqual(["Rebuilt 1,200 documents in 1 s."]);
  });

  it("needs the editors' token, and asks the site nothing without it", async () => {
    const site = finishing();
    const run = cli(site, {});
    expect(await main(["--site", SITE], run.io)).toBe(1);
    expect(run.err.join("\n")).toContain("BROADSHEET_TOKEN is not set");
    expect(site.requests).toEqual([]);
  });

  it("exits 1 with the site's answer when the rebuild is refused, and rebuilds no search index", async () => {
    const run = cli(fakeSite([], new Response("Forbidden", { status: 403 })));
    expect(await main(["--site", SITE], run.io)).toBe(1);
    expect(run.err).toEqual(["rebuild failed: /api/pipeline/rebuild answered 403: Forbidden"]);
    expect(run.drawn).toEqual([]);
    expect(run.reindexed).toEqual([]);
  });

  it("exits 1 when the search index fails, saying the pages are rebuilt and how to retry", async () => {
    const run = cli(finishing());
    run.failReindex();
    expect(await main(["--site", SITE], run.io)).toBe(1);
    expect(run.out).toEqual(["Rebuilt 1,200 documents in 1 s."]);
    expect(run.err.join("\n")).toContain("The pages are rebuilt, but the search index is not");
    expect(run.err.join("\n")).toContain(`npm run reindex -- --site ${SITE}`);
  });

  it("exits 1 with the usage on an option it does not know", async () => {
    const run = cli(finishing());
    expect(await main(["--everything"], run.io)).toBe(1);
    expect(run.err.join("\n")).toContain("Usage: npm run rebuild");
  });
});
