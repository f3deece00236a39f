/**
 * @module bench/search
 * `npx tsx tests/bench/search.ts [--articles N] [--keep DIR]` (default 100,000), or `benchSearch()` from
 * tests/bench/run.ts: fills a search database with N generated articles of realistic length inside
 * workerd (Miniflare, local D1 on SQLite, the FTS5 that D1 runs), then measures what readers and
 * editors wait for:
 * - a two-word query, p50 and p99 (target: 20 ms and 100 ms), a phrase query and a filtered one,
 *   each timed inside workerd around the D1 call, over many different queries;
 * - a search that finds nothing and asks for a spelling suggestion;
 * - the reindex rate (articles a second through the index's batch write path);
 * - the database's size per 1,000 articles, and how many articles fit in D1's 10 GB.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { Miniflare, type RequestInit as MiniflareRequestInit } from "miniflare";
import { ROOT } from "./config";
import { VOCABULARY } from "./search-worker";

/** D1's largest database (Workers Paid), in bytes. */
const D1_MAX_BYTES = 10 * 1000 ** 3;
/** Articles sent to the seeding Worker per request. */
const SEED_REQUEST = 2000;
const QUERIES = 300;

export interface SearchBenchResult {
  articles: number;
  reindexPerSecond: number;
  bytesPerThousand: number;
  fitInD1: number;
  twoWord: Percentiles;
  phrase: Percentiles;
  filtered: Percentiles;
  suggestion: Percentiles;
}

interface Percentiles {
  p50: number;
  p99: number;
  meanResults: number;
}

/**
 * Runs the search benchmark with `articles` generated articles; `log` gets progress lines. With
 * `keep`, the database lives in that directory and is kept: a later run with the same directory and
 * count skips seeding (and reports the reindex rate as 0).
 */
export async function benchSearch(
  articles: number,
  log: (line: string) => void = console.log,
  keep?: string,
): Promise<SearchBenchResult> {
  const built = await build({
    entryPoints: [resolve(ROOT, "tests/bench/search-worker.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    write: false,
    logLevel: "silent",
  });
  const script = built.outputFiles[0]?.text ?? "";
  const persist = keep ?? (await mkdtemp(join(tmpdir(), "broadsheet-search-bench-")));
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    enableDevRegistry: false,
    resourcePersistencePath: persist,
    workers: [
      {
        config: {
          name: "search-bench",
          compatibilityDate: "2026-11-01",
          manifest: { mainModule: "search-bench.mjs", modules: { "search-bench.mjs": { type: "esm", contents: script } } },
          env: { SEARCH: { type: "d1", id: "bench-search" } },
        },
      },
    ],
  });
  const now = Date.UTC(2026, 0, 1);
  const call = async <T>(path: string, init?: MiniflareRequestInit): Promise<T> => {
    const response = await mf.dispatchFetch(`http://bench${path}${path.includes("?") ? "&" : "?"}now=${now}`, init);
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  try {
    const seeded = keep ? await call<{ entries: number }>("/size").catch(() => ({ entries: 0 })) : { entries: 0 };
    let writeMs = 0;
    if (seeded.entries !== articles) {
      const sql = await readFile(resolve(ROOT, "src/search/migrations/0001_search.sql"), "utf8");
      const statements = sql
        .replace(/--[^\n]*/g, "")
        .split(/;\s*\n/)
        .map((s) => s.trim())
        .filter(Boolean);
      await call("/migrate", { method: "POST", body: JSON.stringify(statements) });
      const seedStarted = performance.now();
      for (let from = 0; from < articles; from += SEED_REQUEST) {
        const count = Math.min(SEED_REQUEST, articles - from);
        writeMs += (await call<{ writeMs: number }>(`/seed?from=${from}&count=${count}`)).writeMs;
        const done = from + count;
        const elapsed = (performance.now() - seedStarted) / 1000;
        log(
          `  seeded ${done.toLocaleString("en")}/${articles.toLocaleString("en")} (${Math.round(done / elapsed)}/s with generation)`,
        );
      }
    }
    const reindexPerSecond = writeMs ? articles / (writeMs / 1000) : 0;
    const size = await call<{ entries: number; bytes: number }>("/size");

    // Query words as readers type them: content words, not the commonest. Ranks 50 to 5,000 of the
    // Zipf vocabulary, spread evenly on a log scale: from a word in about half the articles to one
    // in about 1%. Phrases are two neighbouring words of a generated article, so each is found.
    const pick = (i: number) => VOCABULARY[Math.floor(50 * 100 ** (((i * 37) % QUERIES) / QUERIES))] ?? "word";
    const words = await call<string[]>("/words?n=1");
    const run = async (query: (i: number) => string): Promise<Percentiles> => {
      const times: number[] = [];
      let results = 0;
      for (let i = 0; i < QUERIES; i++) {
        const answer = await call<{ ms: number; total: number }>(`/search?${query(i)}`);
        times.push(answer.ms);
        results += answer.total;
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
      return { p50: at(0.5), p99: at(0.99), meanResults: Math.round(results / QUERIES) };
    };
    const twoWord = await run((i) => `q=${encodeURIComponent(`${pick(i)} ${pick(i + 13)}`)}`);
    const neighbours = (i: number) =>
      `"${words[i % (words.length - 1)]} ${words[(i % (words.length - 1)) + 1]}"`.replace(/[.,]/g, "");
    const phrase = await run((i) => `q=${encodeURIComponent(neighbours(i))}`);
    const filtered = await run(
      (i) =>
        `q=${encodeURIComponent(`${pick(i)} ${pick(i + 13)}`)}&section=${["world", "sport", "science"][i % 3]}&from=2020-01-01`,
    );
    const suggestion = await run((i) => `q=${encodeURIComponent(`${pick(i)}qx`)}`);
    const bytesPerThousand = (size.bytes / size.entries) * 1000;
    return {
      articles,
      reindexPerSecond,
      bytesPerThousand,
      fitInD1: Math.floor((D1_MAX_BYTES / bytesPerThousand) * 1000),
      twoWord,
      phrase,
      filtered,
      suggestion,
    };
  } finally {
    await mf.dispose();
    if (!keep) await rm(persist, { recursive: true, force: true });
  }
}

/** The figures, with what they assume. */
export function searchReport(r: SearchBenchResult): string {
  const line = (name: string, p: Percentiles) =>
    `  ${name.padEnd(34)} p50 ${p.p50.toFixed(1).padStart(6)} ms   p99 ${p.p99.toFixed(1).padStart(6)} ms   (mean ${p.meanResults.toLocaleString("en")} results)`;
  return [
    `Search, ${r.articles.toLocaleString("en")} generated articles (400–1,000 words each, Zipf-distributed vocabulary of 30,000 words;`,
    "query words of Zipf rank 50 to 5,000, 300 different queries each):",
    line("two-word query (target 20/100 ms)", r.twoWord),
    line('phrase query ("a b")', r.phrase),
    line("two words + section + from date", r.filtered),
    line("no results + spelling suggestion", r.suggestion),
    `  reindex: ${Math.round(r.reindexPerSecond).toLocaleString("en")} articles/s through the index's batch writes (100 a batch; excludes reading and parsing the editorial rows)`,
    `  size: ${(r.bytesPerThousand / 1e6).toFixed(1)} MB per 1,000 articles; D1's 10 GB holds about ${r.fitInD1.toLocaleString("en")} articles at that rate`,
    "  Timed inside workerd around each D1 call, against local SQLite on this machine: production D1 adds a network round trip",
    "  (a few ms within a region), and its own storage may be faster or slower.",
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { articles: { type: "string", default: "100000" }, keep: { type: "string" } } });
  const articles = Number(values.articles);
  if (!Number.isInteger(articles) || articles < 100) throw new Error("--articles must be a whole number, at least 100");
  const result = await benchSearch(articles, console.log, values.keep ? resolve(values.keep) : undefined);
  console.log(`\n${searchReport(result)}`);
}
