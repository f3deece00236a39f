/**
 * @module bench/cold-start
 * A fresh reader as a newcomer meets it: a new workerd process per repetition holding only the
 * reader (its NEWSROOM binding a stub that answers 503), over KV state persisted by an earlier run,
 * timed from `new Miniflare()` until ready and then for the first article request over HTTP; the
 * same for a Worker that does one KV get of the same key. Also, on request, a CPU profile of a
 * fresh reader isolate's module import and first request, taken through workerd's inspector.
 *
 * `npm run bench` calls `freshProcesses`; `tsx tests/bench/cold-start.ts` runs it alone over a
 * small KV seed (an article page, the home page and its RSS feed) with no newsroom at all, for a
 * quick loop while working on the reader's start:
 *
 *   BENCH_COLD_REPS=9 npx tsx tests/bench/cold-start.ts            fresh isolates, fresh processes, warm misses
 *   BENCH_COLD_PROFILE=1 npx tsx tests/bench/cold-start.ts         also a CPU profile of one fresh isolate
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { type Bundle, buildWorker } from "./build";
import { OUT_DIR, READER_CONFIG, readWranglerToml, type WorkerSettings } from "./config";
import { measure } from "./load";
import { KV_GET_WORKER, TIMING_HEADER, timedWrapper, type WrapperTiming } from "./runtime";

/** The reader is asked with this, so its local cache layer takes the render path (X-Cache: BYPASS). */
const BYPASS = { Authorization: "Bearer x" };
const NEWSROOM_STUB = `export default { fetch() { return new Response("the newsroom is not running\\n", { status: 503 }); } };`;

/** One fresh workerd process: its start, and its first request. */
export interface ProcessTiming {
  /** From `new Miniflare()` until it was ready to serve (workerd started, every module evaluated). */
  startMs: number;
  /** Node's time for the first request, from sending it until the whole body was read. */
  firstMs: number;
  /**
   * CPU time workerd spent (all its threads, from /proc/<pid>/task/<tid>/schedstat, in ns): until
   * ready, and on the first request. Unlike wall time, it does not grow when other work shares the cores.
   */
  startCpuMs: number;
  firstCpuMs: number;
}

/** The workerd processes this Node process started, newest last. */
export function workerdPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      if (stat.slice(stat.indexOf("(") + 1, close) === "workerd" && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids.sort((a, b) => a - b);
}

/** CPU time (ms) a process has spent on every one of its threads, from the scheduler's own count (ns). */
export function cpuMs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // The thread ended while we looked.
    }
  }
  return ns / 1e6;
}

export interface FreshProcesses {
  reader: ProcessTiming[];
  kvGet: ProcessTiming[];
  median: { reader: ProcessTiming; kvGet: ProcessTiming };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

type Manifest = {
  mainModule: string;
  modules: Record<string, { type: Bundle["modules"][number]["type"]; contents: Uint8Array<ArrayBuffer> | string }>;
};

const manifestOf = (bundle: Bundle): Manifest => ({
  mainModule: bundle.mainModule,
  modules: Object.fromEntries(bundle.modules.map((m) => [m.name, { type: m.type, contents: m.contents }])),
});

const esm = (name: string, contents: string): Manifest => ({ mainModule: name, modules: { [name]: { type: "esm", contents } } });

const wrapped = (manifest: Manifest): Manifest => ({
  mainModule: "bench-timed-wrapper.js",
  modules: { ...manifest.modules, "bench-timed-wrapper.js": { type: "esm", contents: timedWrapper(manifest.mainModule) } },
});

/** The reader's bindings as wrangler.toml names them, its NEWSROOM a stub. */
function readerEnv(settings: WorkerSettings) {
  const env: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings.vars)) env[key] = { type: "text", value };
  for (const { binding, id } of settings.kvNamespaces) env[binding] = { type: "kv", id };
  for (const { binding, id } of settings.d1Databases) env[binding] = { type: "d1", id };
  for (const { binding, bucket } of settings.r2Buckets) env[binding] = { type: "r2", name: bucket };
  for (const { binding } of settings.services) env[binding] = { type: "worker", worker: "newsroom-stub" };
  for (const { binding, namespace, limit, period } of settings.rateLimits) {
    env[binding] = { type: "rate-limit", namespace, simple: { limit, period } };
  }
  return env;
}

interface Options {
  reader: { bundle: Bundle; settings: WorkerSettings };
  persistPath: string;
  /** The reader's path that reads `key`. */
  path: string;
  key: string;
  inspectorPort?: number;
}

/** One new workerd with the reader (or the KV-get Worker) in it, and the stub. */
function miniflareFor(kind: "reader" | "kv-get", options: Options, manifest?: Manifest): Miniflare {
  const { settings } = options.reader;
  const kvId = settings.kvNamespaces[0]?.id ?? "";
  const worker =
    kind === "reader"
      ? {
          name: "reader",
          compatibilityDate: settings.compatibilityDate,
          ...(settings.workersCaching ? { cache: { enabled: true } } : {}),
          manifest: manifest ?? manifestOf(options.reader.bundle),
          env: readerEnv(settings),
        }
      : {
          name: "reader",
          compatibilityDate: settings.compatibilityDate,
          manifest: manifest ?? esm("kv-get.mjs", KV_GET_WORKER),
          env: { ARTICLES: { type: "kv", id: kvId }, ARTICLE_KEY: { type: "text", value: options.key } },
        };
  return new Miniflare({
    host: "127.0.0.1",
    port: 0,
    enableDevRegistry: false,
    resourcePersistencePath: options.persistPath,
    ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
    workers: [
      { config: worker, dev: { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }], cacheAPI: true } },
      {
        config: {
          name: "newsroom-stub",
          compatibilityDate: settings.compatibilityDate,
          manifest: esm("stub.mjs", NEWSROOM_STUB),
        },
      },
    ],
  } as ConstructorParameters<typeof Miniflare>[0]);
}

async function timedGet(
  url: URL,
  headers: Record<string, string>,
): Promise<{ ms: number; response: Response; body: ArrayBuffer }> {
  const started = performance.now();
  const response = await fetch(url, { headers });
  const body = await response.arrayBuffer();
  return { ms: performance.now() - started, response, body };
}

/** `reps` new workerd processes of each kind, alternating: start, first request, dispose. */
export async function freshProcesses(options: Options, reps: number): Promise<FreshProcesses> {
  const out: FreshProcesses = { reader: [], kvGet: [], median: undefined as unknown as FreshProcesses["median"] };
  for (let i = 0; i < reps; i++) {
    for (const kind of ["reader", "kv-get"] as const) {
      const before = new Set(workerdPids());
      const started = performance.now();
      const mf = miniflareFor(kind, options);
      try {
        await mf.ready;
        const startMs = performance.now() - started;
        const pid = workerdPids().find((p) => !before.has(p));
        const url = new URL(
          kind === "reader" ? options.path : `/?key=${encodeURIComponent(options.key)}`,
          await mf.unsafeGetDirectURL("reader"),
        );
        const startCpuMs = pid === undefined ? Number.NaN : cpuMs(pid);
        const first = await timedGet(url, kind === "reader" ? BYPASS : {});
        const firstCpuMs = pid === undefined ? Number.NaN : cpuMs(pid) - startCpuMs;
        if (first.response.status !== 200) throw new Error(`${kind}: first request answered ${first.response.status}`);
        (kind === "reader" ? out.reader : out.kvGet).push({ startMs, firstMs: first.ms, startCpuMs, firstCpuMs });
      } finally {
        await mf.dispose();
      }
    }
  }
  const mid = (list: ProcessTiming[]): ProcessTiming => ({
    startMs: median(list.map((t) => t.startMs)),
    firstMs: median(list.map((t) => t.firstMs)),
    startCpuMs: median(list.map((t) => t.startCpuMs)),
    firstCpuMs: median(list.map((t) => t.firstCpuMs)),
  });
  out.median = { reader: mid(out.reader), kvGet: mid(out.kvGet) };
  return out;
}

/**
 * workerd's CPU time per request (ms) over `n` requests one after another, after `n / 10` to warm
 * up, in a new workerd with only that Worker (and the stub). Robust to other work on the machine.
 */
export async function cpuPerRequest(
  kind: "reader" | "kv-get",
  options: Options,
  path: string,
  n: number,
  manifest?: Manifest,
): Promise<number> {
  const before = new Set(workerdPids());
  const mf = miniflareFor(kind, options, manifest);
  try {
    await mf.ready;
    const pid = workerdPids().find((p) => !before.has(p));
    if (pid === undefined) return Number.NaN;
    const url = new URL(path, await mf.unsafeGetDirectURL("reader"));
    const headers = kind === "reader" ? BYPASS : {};
    for (let i = 0; i < n / 10; i++) await timedGet(url, headers);
    const start = cpuMs(pid);
    for (let i = 0; i < n; i++) {
      const { response } = await timedGet(url, headers);
      if (response.status !== 200) throw new Error(`${kind} ${path}: ${response.status}`);
    }
    return (cpuMs(pid) - start) / n;
  } finally {
    await mf.dispose();
  }
}

// --- Standalone: seed, time, optionally profile. ---

const SEED_SLUG = "cold-start-article";

/** A page of about the bench article's size, and listing documents with the metadata the reader checks. */
function seed(): Array<{ key: string; value: string; metadata: unknown }> {
  const paragraph =
    '<p>Reader-facing text of a realistic length, with a few <a href="/articles/x">links</a> and <em>emphasis</em>.</p>';
  const page = `<!doctype html><html lang="en"><head><title>Cold start</title></head><body><main>${paragraph.repeat(180)}</main></body></html>`;
  const now = Date.now();
  const documentMeta = { etag: '"0123456789abcdef0123456789abcdef"', generation: 1, builtAt: now, total: 1 };
  return [
    {
      key: `page:${SEED_SLUG}`,
      value: page,
      metadata: { state: "live", etag: '"fedcba9876543210fedcba9876543210"', at: 0, revision: 1 },
    },
    { key: "listing:home", value: page.slice(0, 12_000), metadata: documentMeta },
    { key: "listing:home:rss", value: `<?xml version="1.0"?><rss>${"<item/>".repeat(2000)}</rss>`, metadata: documentMeta },
  ];
}

type IsolateTiming = WrapperTiming & { httpMs: number; cpuMs: number };
interface Isolates {
  reader: IsolateTiming[];
  kvGet: IsolateTiming[];
  /** The same for the compared bundle (BENCH_COLD_COMPARE), when there is one. */
  base: IsolateTiming[];
}

/** `reps` fresh isolates of each kind in one workerd: each its own Worker, first request timed. */
async function freshIsolates(options: Options, reps: number, base?: Bundle): Promise<Isolates> {
  const { settings } = options.reader;
  const kvId = settings.kvNamespaces[0]?.id ?? "";
  const direct = { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }], cacheAPI: true };
  const workers = [];
  for (let i = 0; i < reps; i++) {
    workers.push({
      config: {
        name: `reader-${i}`,
        compatibilityDate: settings.compatibilityDate,
        manifest: wrapped(manifestOf(options.reader.bundle)),
        env: readerEnv(settings),
      },
      dev: direct,
    });
    if (base)
      workers.push({
        config: {
          name: `base-${i}`,
          compatibilityDate: settings.compatibilityDate,
          manifest: wrapped(manifestOf(base)),
          env: readerEnv(settings),
        },
        dev: direct,
      });
    workers.push({
      config: {
        name: `kv-get-${i}`,
        compatibilityDate: settings.compatibilityDate,
        manifest: wrapped(esm("kv-get.mjs", KV_GET_WORKER)),
        env: { ARTICLES: { type: "kv", id: kvId }, ARTICLE_KEY: { type: "text", value: options.key } },
      },
      dev: direct,
    });
  }
  workers.push({
    config: { name: "newsroom-stub", compatibilityDate: settings.compatibilityDate, manifest: esm("stub.mjs", NEWSROOM_STUB) },
  });
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    enableDevRegistry: false,
    resourcePersistencePath: options.persistPath,
    workers,
  } as unknown as ConstructorParameters<typeof Miniflare>[0]);
  try {
    await mf.ready;
    const out: Isolates = { reader: [], kvGet: [], base: [] };
    const pid = workerdPids().at(-1);
    // The local KV store opens on its first use: pay for it outside the timed isolates.
    await fetch(await mf.unsafeGetDirectURL(`kv-get-${reps - 1}`));
    for (let i = 0; i < reps - 1; i++) {
      for (const kind of base ? (["reader", "base", "kv-get"] as const) : (["reader", "kv-get"] as const)) {
        const isReader = kind !== "kv-get";
        const url = new URL(isReader ? options.path : "/", await mf.unsafeGetDirectURL(`${kind}-${i}`));
        const cpuBefore = pid === undefined ? Number.NaN : cpuMs(pid);
        const { ms, response } = await timedGet(url, isReader ? BYPASS : {});
        const cpu = pid === undefined ? Number.NaN : cpuMs(pid) - cpuBefore;
        if (response.status !== 200) throw new Error(`${kind}-${i}: ${response.status}`);
        const timing = JSON.parse(response.headers.get(TIMING_HEADER) ?? "{}") as WrapperTiming;
        ({ reader: out.reader, base: out.base, "kv-get": out.kvGet })[kind].push({ ...timing, httpMs: ms, cpuMs: cpu });
      }
    }
    return out;
  } finally {
    await mf.dispose();
  }
}

/** A CPU profile (.cpuprofile, for Chrome DevTools) of one fresh reader isolate's import and first request. */
async function profileFirstRequest(options: Options, file: string, warmRequests = 0): Promise<void> {
  const inspectorPort = 9229 + Math.floor(Math.random() * 500);
  // The first request through the timing wrapper (it imports the Worker then); warm ones without it.
  const manifest = warmRequests ? manifestOf(options.reader.bundle) : wrapped(manifestOf(options.reader.bundle));
  const mf = miniflareFor("reader", { ...options, inspectorPort }, manifest);
  try {
    await mf.ready;
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{
      title?: string;
      webSocketDebuggerUrl: string;
    }>;
    const target = targets.find((t) => t.title?.includes("reader")) ?? targets[0];
    if (!target) throw new Error("workerd's inspector lists no targets");
    const socket = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.addEventListener("open", resolve, { once: true });
      socket.addEventListener("error", reject, { once: true });
    });
    let id = 0;
    const pending = new Map<number, (result: unknown) => void>();
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
      if (message.id !== undefined) pending.get(message.id)?.(message.result);
    });
    const send = (method: string, params: object = {}) =>
      new Promise<unknown>((resolve) => {
        const n = ++id;
        pending.set(n, resolve);
        socket.send(JSON.stringify({ id: n, method, params }));
      });
    const url = new URL(options.path, await mf.unsafeGetDirectURL("reader"));
    // Warm: the isolate serves a while first, then the profile covers that many requests more.
    for (let i = 0; i < warmRequests; i++) await timedGet(url, BYPASS);
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: 50 });
    await send("Profiler.start");
    let { response } = await timedGet(url, BYPASS);
    for (let i = 1; i < warmRequests; i++) response = (await timedGet(url, BYPASS)).response;
    console.log(`profiled request: ${response.status}, ${response.headers.get(TIMING_HEADER)}`);
    const { profile } = (await send("Profiler.stop")) as { profile: unknown };
    await writeFile(file, JSON.stringify(profile));
    socket.close();
  } finally {
    await mf.dispose();
  }
}

async function main(): Promise<void> {
  const reps = Number(process.env.BENCH_COLD_REPS ?? 7);
  const bundle = await buildWorker(READER_CONFIG, join(OUT_DIR, "reader-cold"));
  // Another checkout's reader (its wrangler.toml), timed beside this one: before and after, in one run.
  const compare = process.env.BENCH_COLD_COMPARE;
  const base = compare ? await buildWorker(join(compare, "wrangler.toml"), join(OUT_DIR, "reader-cold-base")) : undefined;
  if (base) console.log(`compared bundle: ${(base.gzipBytes / 1024).toFixed(1)} KiB gzipped`);
  console.log(
    `reader bundle: ${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzipped (${(bundle.rawBytes / 1024).toFixed(1)} KiB raw)`,
  );
  const settings = readWranglerToml(READER_CONFIG);
  const persistPath = await mkdtemp(join(tmpdir(), "broadsheet-cold-"));
  const options: Options = {
    reader: { bundle, settings },
    persistPath,
    path: `/articles/${SEED_SLUG}`,
    key: `page:${SEED_SLUG}`,
  };
  try {
    // Seed through a throwaway instance, persisted for the ones that follow.
    const seeder = miniflareFor("kv-get", options);
    await seeder.ready;
    const kv = (await seeder.getKVNamespace("ARTICLES", "reader")) as unknown as KVNamespace;
    for (const { key, value, metadata } of seed()) await kv.put(key, value, { metadata });
    await seeder.dispose();

    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const isolates = await freshIsolates(options, reps + 1, base);
    const insideOf = (list: Isolates["reader"]) => median(list.map((t) => t.importMs + t.fetchMs));
    const http = { reader: median(isolates.reader.map((t) => t.httpMs)), kvGet: median(isolates.kvGet.map((t) => t.httpMs)) };
    console.log(
      `fresh isolates (median of ${reps}): reader ${ms(http.reader)} over HTTP (inside: import ${isolates.reader.map((t) => t.importMs.toFixed(0)).join(",")} ms, ` +
        `fetch ${isolates.reader.map((t) => t.fetchMs.toFixed(0)).join(",")} ms, median ${ms(insideOf(isolates.reader))}); ` +
        `one KV get ${ms(http.kvGet)} (inside ${ms(insideOf(isolates.kvGet))}); ratio ${(http.reader / http.kvGet).toFixed(2)}`,
    );
    const cpuOf = (list: IsolateTiming[]) => median(list.map((t) => t.cpuMs));
    console.log(
      `  workerd CPU over each first request: reader ${ms(cpuOf(isolates.reader))}, one KV get ${ms(cpuOf(isolates.kvGet))}` +
        (base ? `, compared bundle ${ms(cpuOf(isolates.base))}` : ""),
    );
    if (base) {
      const baseHttp = median(isolates.base.map((t) => t.httpMs));
      console.log(
        `  compared bundle: ${ms(baseHttp)} over HTTP (inside: import ${isolates.base.map((t) => t.importMs.toFixed(0)).join(",")} ms, ` +
          `fetch ${isolates.base.map((t) => t.fetchMs.toFixed(0)).join(",")} ms, median ${ms(insideOf(isolates.base))}); ratio ${(baseHttp / http.kvGet).toFixed(2)}`,
      );
    }
    const processes = await freshProcesses(options, Math.max(3, Math.min(reps, 5)));
    const m = processes.median;
    console.log(
      `fresh workerd per repetition (median of ${processes.reader.length}): reader start ${ms(m.reader.startMs)}, first request ${ms(m.reader.firstMs)}; ` +
        `one KV get start ${ms(m.kvGet.startMs)}, first request ${ms(m.kvGet.firstMs)}; first-request ratio ${(m.reader.firstMs / m.kvGet.firstMs).toFixed(2)}`,
    );
    console.log(
      `  workerd CPU time: reader start ${ms(m.reader.startCpuMs)}, first request ${ms(m.reader.firstCpuMs)}; ` +
        `one KV get start ${ms(m.kvGet.startCpuMs)}, first request ${ms(m.kvGet.firstCpuMs)}; first-request ratio ${(m.reader.firstCpuMs / m.kvGet.firstCpuMs).toFixed(2)}`,
    );
    if (base) {
      const compared = await freshProcesses({ ...options, reader: { bundle: base, settings } }, Math.max(3, Math.min(reps, 5)));
      const b = compared.median.reader;
      console.log(
        `  compared bundle, new workerd: start ${ms(b.startMs)} (CPU ${ms(b.startCpuMs)}), first request ${ms(b.firstMs)} (CPU ${ms(b.firstCpuMs)})`,
      );
    }
    if (process.env.BENCH_COLD_SECONDS) {
      // Warm misses against one KV get of the same bytes, in one workerd.
      const seconds = Number(process.env.BENCH_COLD_SECONDS);
      const load = { seconds, warmupSeconds: Math.min(1, seconds), connections: 8, largeDataset: 0, saves: 0 };
      for (const [path, key] of [
        [options.path, options.key],
        ["/", "listing:home"],
        ["/rss.xml", "listing:home:rss"],
      ] as const) {
        const reader = miniflareFor("reader", options);
        const floor = miniflareFor("kv-get", options);
        try {
          const r = await measure(new URL(path, await reader.unsafeGetDirectURL("reader")), BYPASS, load);
          const f = await measure(
            new URL(`/?key=${encodeURIComponent(key)}`, await floor.unsafeGetDirectURL("reader")),
            {},
            load,
          );
          console.log(
            `warm miss ${path}: ${r.requestsPerSecond.toFixed(0)} req/s vs one KV get ${f.requestsPerSecond.toFixed(0)}: ${(r.requestsPerSecond / f.requestsPerSecond).toFixed(2)}`,
          );
        } finally {
          await reader.dispose();
          await floor.dispose();
        }
      }
    }
    const cpuRequests = Number(process.env.BENCH_COLD_CPU_REQUESTS ?? 0);
    if (cpuRequests > 0) {
      for (const [path, key] of [
        [options.path, options.key],
        ["/", "listing:home"],
        ["/rss.xml", "listing:home:rss"],
      ] as const) {
        const reader = await cpuPerRequest("reader", options, path, cpuRequests);
        const floor = await cpuPerRequest("kv-get", options, `/?key=${encodeURIComponent(key)}`, cpuRequests);
        const compared = base ? await cpuPerRequest("reader", options, path, cpuRequests, manifestOf(base)) : undefined;
        console.log(
          `workerd CPU per warm miss ${path}: reader ${reader.toFixed(3)} ms, one KV get ${floor.toFixed(3)} ms: floor ÷ reader ${(floor / reader).toFixed(2)}` +
            (compared === undefined ? "" : `; compared bundle ${compared.toFixed(3)} ms: ${(floor / compared).toFixed(2)}`),
        );
      }
    }
    if (process.env.BENCH_COLD_PROFILE) {
      const file = join(OUT_DIR, "reader-first-request.cpuprofile");
      await profileFirstRequest(options, file);
      console.log(`CPU profile: ${file}`);
      const warm = join(OUT_DIR, "reader-warm-requests.cpuprofile");
      await profileFirstRequest(options, warm, 1000);
      console.log(`CPU profile of 1,000 warm requests: ${warm}`);
    }
  } finally {
    await rm(persistPath, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
