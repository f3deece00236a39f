/**
 * @module bench/runtime
 * One Miniflare (workerd) instance holding both built Workers as `wrangler dev -c wrangler.toml -c
 * wrangler.newsroom.toml` runs them: the reader, the newsroom behind its service binding, the
 * pipeline's queues with the newsroom consuming them, and the bindings both configs name (one KV
 * namespace, one search database). Beside them: a purge recorder between the newsroom and the
 * reader's `purge` RPC, three baseline Workers, and optionally timed fresh copies of the reader and
 * of two baselines. Every Worker Node talks to has its own direct socket on 127.0.0.1.
 *
 * Not emulated here: the newsroom's Images binding and the desk's static assets (the benchmark
 * requests neither), the cron (the benchmark shows what happens without one), and Workers Caching's
 * `ctx.cache` (Miniflare has none, so the reader runs its local cache layer, which says X-Cache).
 */
import { createRequire } from "node:module";
import { Miniflare, type MiniflareBinding } from "miniflare";
import type { Bundle, ModuleType } from "./build";
import type { WorkerSettings } from "./config";

export const WORKERS = {
  app: "broadsheet",
  constant: "baseline-constant",
  kvGet: "baseline-kv-get",
  kvList: "baseline-kv-list",
} as const;
export type WorkerName = (typeof WORKERS)[keyof typeof WORKERS];

/** What a timed isolate runs: the reader, or a baseline. */
export type TimedKind = "reader" | "kv-get" | "constant";
export const TIMED_KINDS: readonly TimedKind[] = ["reader", "kv-get", "constant"];
/** The name of the `n`th (1-based) timed copy of `kind`: see timedWrapper. */
export const timedWorker = (kind: TimedKind, n: number): string => `bench-timed-${kind}-${n}`;
const TIMED_WRAPPER_MODULE = "bench-timed-wrapper.js";
/** The header the timed wrapper reports its workerd-side times in (JSON: WrapperTiming). */
export const TIMING_HEADER = "X-Bench-Timing";
/** Where the purge recorder sits: the newsroom's READER binding names it, and it calls the reader. */
const PURGE_RECORDER = "bench-purge-recorder";

/** What the timed wrapper measured inside workerd, in milliseconds of workerd's performance.now(). */
export interface WrapperTiming {
  /** Whether this request was the isolate's first: the one that imported the Worker. */
  first: boolean;
  /** `await import()` of the Worker's modules: parsing and evaluating them (0 after the first). */
  importMs: number;
  /** From calling the Worker's `fetch` until its whole response body has been read. */
  fetchMs: number;
}

/**
 * A Worker whose isolate runs another Worker's modules and times them from inside workerd. It
 * imports them on its first request (not at startup, so that evaluation can be timed too), then
 * times the Worker's own `fetch` until the whole body is read, with workerd's performance.now(),
 * and reports both in a header. A default export that is a class (the reader's WorkerEntrypoint) is
 * constructed as workerd would, with the context and the bindings. The response is otherwise the Worker's.
 */
export const timedWrapper = (mainModule: string) => `let worker;
export default {
  async fetch(request, env, ctx) {
    const first = worker === undefined;
    const started = performance.now();
    if (first) {
      const exported = (await import("./${mainModule}")).default;
      worker = typeof exported === "function"
        ? { fetch: (request, env, ctx) => new exported(ctx, env).fetch(request) }
        : exported;
    }
    const imported = performance.now();
    const response = await worker.fetch(request, env, ctx);
    const body = await response.arrayBuffer();
    const done = performance.now();
    const headers = new Headers(response.headers);
    headers.set("${TIMING_HEADER}", JSON.stringify({ first, importMs: imported - started, fetchMs: done - imported }));
    return new Response(body, { status: response.status, headers });
  },
};`;

/**
 * Passes the newsroom's purges on to the reader's RPC entrypoint, as the READER binding would, and
 * keeps a log of them: when, which mode, how many tags, and whether the reader accepted. `GET /`
 * on its socket returns the log. Each call stands for one purge request to Cloudflare's API.
 */
const PURGE_RECORDER_WORKER = `import { WorkerEntrypoint } from "cloudflare:workers";
const log = [];
export default class PurgeRecorder extends WorkerEntrypoint {
  fetch() {
    return Response.json(log);
  }
  async purge(tags) {
    return this.record("purge", tags, () => this.env.READER.purge(tags));
  }
  async invalidate(tags) {
    return this.record("invalidate", tags, () => this.env.READER.invalidate(tags));
  }
  async record(mode, tags, call) {
    const at = Date.now();
    const ok = await call();
    log.push({ at, mode, tags: tags.length, ok });
    return ok;
  }
}`;

/** One recorded purge (or invalidate) request. */
export interface PurgeRecord {
  /** Epoch ms, workerd's clock. */
  at: number;
  mode: "purge" | "invalidate";
  tags: number;
  ok: boolean;
}

/** The editors' token the benchmark seeds with (EDITOR_TOKENS). */
export const EDITOR_TOKEN = "bench-token-0123456789abcdef0123456789";
const DESK_SECRET = "bench-desk-secret-0123456789abcdef0123456789";
// The reader reads with this KV cacheTtl on public routes (READ_CACHE_TTL in src/reader/public.ts); the floor does too.
const READ_CACHE_TTL = 60;

/** The runtime's floor: a constant response, no bindings touched. */
const CONSTANT_WORKER = `export default {
  fetch() {
    return new Response("ok", { headers: { "Content-Type": "text/plain; charset=utf-8" } });
  },
};`;

/**
 * The floor for any KV-backed renderer: one KV get of the key named by `?key=` (the read-model key
 * the compared route reads, so the floor returns the same bytes), returned as it is.
 */
export const KV_GET_WORKER = `export default {
  async fetch(request, env) {
    const key = new URL(request.url).searchParams.get("key") ?? env.ARTICLE_KEY;
    const record = await env.ARTICLES.get(key, { type: "text", cacheTtl: ${READ_CACHE_TTL} });
    if (record === null) return new Response("missing", { status: 404 });
    return new Response(record, { headers: { "Content-Type": "text/html; charset=utf-8" } });
  },
};`;

/**
 * The floor for any list page: one KV list of the index, as the home page's first page asks for it
 * (20 entries, one more to know there is an older page, and 10 of headroom for scheduled ones).
 */
const KV_LIST_WORKER = `export default {
  async fetch(request, env) {
    const page = await env.ARTICLES.list({ prefix: "index:", limit: 31 });
    return new Response(JSON.stringify(page.keys), { headers: { "Content-Type": "application/json; charset=utf-8" } });
  },
};`;

export interface Runtime {
  mf: Miniflare;
  /** The reader (the public hostname: it hands /api to the newsroom) and the baselines. */
  urls: Record<WorkerName, URL>;
  /** The newsroom's own socket, for what the reader does not pass on (a WebSocket with a bearer token). */
  newsroomUrl: URL;
  /** The timed copies of each kind, in order (RuntimeOptions.timedIsolates); empty when none. */
  timedUrls: Record<TimedKind, URL[]>;
  kv: KVNamespace;
  /** The editorial database (the newsroom's DB). */
  db: D1Database;
  /** The search index (both Workers' SEARCH). */
  search: D1Database;
  /** Every purge and invalidate request the newsroom has made of the reader so far. */
  purges(): Promise<PurgeRecord[]>;
  dispose(): Promise<void>;
}

export interface RuntimeOptions {
  /** The key the KV baseline reads when the request names none. */
  articleKey: string;
  /** Keep KV, D1 and the cache here across instances; unset: a temporary directory per instance. */
  persistPath?: string;
  /**
   * Extra copies of the reader, of the KV-get baseline and of the constant baseline, this many of
   * each, each its own Worker and so its own isolate, wrapped in timedWrapper: every one is a fresh
   * isolate until it is first called.
   */
  timedIsolates?: number;
  /**
   * Wrap the newsroom so that a request carrying COUNT_D1_HEADER is answered with the number of
   * D1 statements it prepared before its response (D1_STATEMENTS_HEADER). Other requests pass
   * straight through, to the same env.
   */
  countD1?: boolean;
}

/** Ask the counting wrapper (RuntimeOptions.countD1) to count this request's D1 statements. */
export const COUNT_D1_HEADER = "X-Bench-Count-D1";
/** The number of D1 statements the request prepared (`prepare` and `exec`) before its response. */
export const D1_STATEMENTS_HEADER = "X-Bench-D1-Statements";
const D1_COUNTER_MODULE = "bench-d1-counter.js";

/**
 * A newsroom whose env.DB counts the statements a request prepares, when the request asks. The
 * Durable Object classes are re-exported as they are; queues and the cron pass straight through.
 */
const d1Counter = (mainModule: string) => `import worker from "./${mainModule}";
export * from "./${mainModule}";
function counted(db, counter) {
  return new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (property === "prepare" || property === "exec")
        return (text) => { counter.statements++; return target[property](text); };
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
export default {
  async fetch(request, env, ctx) {
    if (!request.headers.has("${COUNT_D1_HEADER}")) return worker.fetch(request, env, ctx);
    const counter = { statements: 0 };
    const response = await worker.fetch(request, { ...env, DB: counted(env.DB, counter) }, ctx);
    const headers = new Headers(response.headers);
    headers.set("${D1_STATEMENTS_HEADER}", String(counter.statements));
    return new Response(response.body, { status: response.status, headers, webSocket: response.webSocket });
  },
  queue: (batch, env, ctx) => worker.queue(batch, env, ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, env, ctx),
};`;

type Modules = Record<string, { type: ModuleType; contents: Uint8Array<ArrayBuffer> | string }>;
type Binding = MiniflareBinding;

const text = (value: string): Binding => ({ type: "text", value });

/** A Worker's bindings from its configuration: the same ids name the same storage in both Workers. */
function bindingsOf(settings: WorkerSettings, services: Record<string, string> = {}): Record<string, Binding> {
  const env: Record<string, Binding> = {};
  for (const [key, value] of Object.entries(settings.vars)) env[key] = text(value);
  for (const { binding, id } of settings.kvNamespaces) env[binding] = { type: "kv", id };
  for (const { binding, id } of settings.d1Databases) env[binding] = { type: "d1", id };
  for (const { binding, bucket } of settings.r2Buckets) env[binding] = { type: "r2", name: bucket };
  for (const { binding, service } of settings.services) env[binding] = { type: "worker", worker: services[service] ?? service };
  for (const { binding, namespace, limit, period } of settings.rateLimits) {
    env[binding] = { type: "rate-limit", namespace, simple: { limit, period } };
  }
  for (const { binding, queue } of settings.queueProducers) env[binding] = { type: "queue", name: queue };
  return env;
}

/**
 * Starts workerd with the reader and the newsroom, the purge recorder, the baselines, and
 * `timedIsolates` timed copies of the reader and of two baselines.
 */
export async function startRuntime(
  reader: { bundle: Bundle; settings: WorkerSettings },
  newsroom: { bundle: Bundle; settings: WorkerSettings },
  options: RuntimeOptions,
): Promise<Runtime> {
  const { articleKey, persistPath, timedIsolates = 0, countD1 = false } = options;
  const direct = { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] };
  const base = { compatibilityDate: reader.settings.compatibilityDate };
  const articles = reader.settings.kvNamespaces[0];
  if (!articles) throw new Error("wrangler.toml: no [[kv_namespaces]] binding");
  const kv: Binding = { type: "kv", id: articles.id };
  const modulesOf = (bundle: Bundle): Modules =>
    Object.fromEntries(bundle.modules.map((m) => [m.name, { type: m.type, contents: m.contents }]));
  const esm = (name: string, contents: string) => ({ mainModule: name, modules: { [name]: { type: "esm" as const, contents } } });
  const timed = (manifest: { mainModule: string; modules: Modules }) => ({
    mainModule: TIMED_WRAPPER_MODULE,
    modules: {
      ...manifest.modules,
      [TIMED_WRAPPER_MODULE]: { type: "esm" as const, contents: timedWrapper(manifest.mainModule) },
    },
  });

  const readerManifest = { mainModule: reader.bundle.mainModule, modules: modulesOf(reader.bundle) };
  const readerWorker = (name: string, manifest: { mainModule: string; modules: Modules }) => ({
    config: {
      ...base,
      name,
      // As in wrangler.toml. Miniflare accepts [cache] but does not emulate ctx.cache, so the reader
      // runs its local layer; the X-Cache checks on every case would notice if that changed.
      ...(reader.settings.workersCaching ? { cache: { enabled: true } } : {}),
      manifest,
      env: bindingsOf(reader.settings),
    },
    // The Cache API backs the local cache layer; Miniflare enables it by default, but say so.
    dev: { ...direct, cacheAPI: true },
  });
  const kvGetManifest = esm("kv-get.mjs", KV_GET_WORKER);
  const constantManifest = esm("constant.mjs", CONSTANT_WORKER);
  const baseline = (name: string, manifest: { mainModule: string; modules: Modules }) => ({
    config: { ...base, name, manifest, env: { ARTICLES: kv, ARTICLE_KEY: text(articleKey) } },
    dev: direct,
  });
  const copies = (kind: TimedKind) => Array.from({ length: timedIsolates }, (_, i) => timedWorker(kind, i + 1));

  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    enableDevRegistry: false,
    // Without persistPath storage lives in a temporary directory removed on dispose(), so every
    // instance starts with empty KV, D1 and cache; with it, a new instance sees the same state.
    ...(persistPath ? { resourcePersistencePath: persistPath } : {}),
    workers: [
      readerWorker(reader.settings.name, readerManifest),
      {
        config: {
          compatibilityDate: newsroom.settings.compatibilityDate,
          name: newsroom.settings.name,
          manifest: countD1
            ? {
                mainModule: D1_COUNTER_MODULE,
                modules: {
                  ...modulesOf(newsroom.bundle),
                  [D1_COUNTER_MODULE]: { type: "esm" as const, contents: d1Counter(newsroom.bundle.mainModule) },
                },
              }
            : { mainModule: newsroom.bundle.mainModule, modules: modulesOf(newsroom.bundle) },
          // Presence (src/newsroom/presence.ts): its Durable Object class, as wrangler.newsroom.toml declares it.
          exports: Object.fromEntries(
            newsroom.settings.durableObjects.map(({ className, sqlite }) => [
              className,
              { type: "durable-object" as const, storage: sqlite ? ("sqlite" as const) : ("legacy-kv" as const) },
            ]),
          ),
          env: {
            ...bindingsOf(newsroom.settings, { [reader.settings.name]: PURGE_RECORDER }),
            ...Object.fromEntries(
              newsroom.settings.durableObjects.map(({ binding, className }): [string, Binding] => [
                binding,
                { type: "durable-object", worker: newsroom.settings.name, exportName: className },
              ]),
            ),
            EDITOR_TOKENS: text(`bench:${EDITOR_TOKEN}`),
            DESK_SECRET: text(DESK_SECRET),
            // wrangler.newsroom.toml's [[send_email]]: Miniflare's local simulation, as `wrangler dev` has.
            EMAIL: { type: "send-email" },
          },
          // The consumers as wrangler.newsroom.toml configures them; locally one consumer drains each queue.
          triggers: newsroom.settings.queueConsumers.map(({ queue, ...settings }) => ({
            type: "queue" as const,
            name: queue,
            ...settings,
          })),
        },
        dev: direct,
      },
      {
        config: {
          ...base,
          name: PURGE_RECORDER,
          manifest: esm("purge-recorder.mjs", PURGE_RECORDER_WORKER),
          env: { READER: { type: "worker", worker: reader.settings.name } },
        },
        dev: direct,
      },
      baseline(WORKERS.constant, constantManifest),
      baseline(WORKERS.kvGet, kvGetManifest),
      baseline(WORKERS.kvList, esm("kv-list.mjs", KV_LIST_WORKER)),
      ...copies("reader").map((name) => readerWorker(name, timed(readerManifest))),
      ...copies("kv-get").map((name) => baseline(name, timed(kvGetManifest))),
      ...copies("constant").map((name) => baseline(name, timed(constantManifest))),
    ],
  });
  await mf.ready;
  const urls = {} as Record<WorkerName, URL>;
  urls[WORKERS.app] = await mf.unsafeGetDirectURL(reader.settings.name);
  for (const name of [WORKERS.constant, WORKERS.kvGet, WORKERS.kvList]) urls[name] = await mf.unsafeGetDirectURL(name);
  const timedUrls = {} as Record<TimedKind, URL[]>;
  for (const kind of TIMED_KINDS) {
    timedUrls[kind] = [];
    for (const name of copies(kind)) timedUrls[kind].push(await mf.unsafeGetDirectURL(name));
  }
  const recorder = await mf.unsafeGetDirectURL(PURGE_RECORDER);
  const newsroomUrl = await mf.unsafeGetDirectURL(newsroom.settings.name);
  // Miniflare's binding types are its own copies of workers-types'; the shapes are the same.
  const namespace = (await mf.getKVNamespace(articles.binding, reader.settings.name)) as unknown as KVNamespace;
  const db = (await mf.getD1Database("DB", newsroom.settings.name)) as unknown as D1Database;
  const search = (await mf.getD1Database("SEARCH", newsroom.settings.name)) as unknown as D1Database;
  return {
    mf,
    urls,
    newsroomUrl,
    timedUrls,
    kv: namespace,
    db,
    search,
    purges: async () => (await (await fetch(recorder)).json()) as PurgeRecord[],
    dispose: () => mf.dispose(),
  };
}

/** The Miniflare and workerd versions, from their package metadata. */
export function runtimeVersions(): { miniflare: string; workerd: string } {
  const fromHere = createRequire(import.meta.url);
  const miniflare = fromHere("miniflare/package.json") as { version: string };
  // workerd is Miniflare's dependency: resolve it from there, as Miniflare does.
  const workerd = createRequire(fromHere.resolve("miniflare"))("workerd/package.json") as { version: string };
  return { miniflare: miniflare.version, workerd: workerd.version };
}
