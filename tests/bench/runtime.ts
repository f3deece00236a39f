/**
 * @module bench/runtime
 * One Miniflare (workerd) instance holding the built Broadsheet Worker and three baseline Workers,
 * each on its own direct socket on 127.0.0.1, so all three are reached the same way: straight to
 * the Worker, without Miniflare's entry Worker in between.
 */
import { createRequire } from "node:module";
import { Miniflare } from "miniflare";
import type { Bundle, ModuleType } from "./build";
import type { WorkerSettings } from "./config";

export const WORKERS = {
  app: "broadsheet",
  constant: "baseline-constant",
  kvGet: "baseline-kv-get",
  kvList: "baseline-kv-list",
} as const;
export type WorkerName = (typeof WORKERS)[keyof typeof WORKERS];

/** The name of the `n`th (1-based) timed copy of the app: see timedWrapper. */
export const timedWorker = (n: number): string => `broadsheet-timed-${n}`;
const TIMED_WRAPPER_MODULE = "bench-timed-wrapper.js";
/** The header the timed wrapper reports its workerd-side times in (JSON: WrapperTiming). */
export const TIMING_HEADER = "X-Bench-Timing";

/** What the timed wrapper measured inside workerd, in milliseconds of workerd's performance.now(). */
export interface WrapperTiming {
  /** Whether this request was the isolate's first: the one that imported the app. */
  first: boolean;
  /** `await import()` of the app's bundle: parsing and evaluating its modules (0 after the first). */
  importMs: number;
  /** From calling the app's `fetch` until its whole response body has been read. */
  fetchMs: number;
}

/**
 * A Worker whose isolate runs the built app and times it from inside workerd. It imports the
 * bundle on its first request (not at startup, so that evaluation can be timed too), then times
 * the app's own `fetch` until the whole body is read, with workerd's performance.now(), and
 * reports both in a header. The response is otherwise the app's.
 */
const timedWrapper = (mainModule: string) => `let app;
export default {
  async fetch(request, env, ctx) {
    const first = app === undefined;
    const started = performance.now();
    if (first) app = (await import("./${mainModule}")).default;
    const imported = performance.now();
    const response = await app.fetch(request, env, ctx);
    const body = await response.arrayBuffer();
    const done = performance.now();
    const headers = new Headers(response.headers);
    headers.set("${TIMING_HEADER}", JSON.stringify({ first, importMs: imported - started, fetchMs: done - imported }));
    return new Response(body, { status: response.status, headers });
  },
};`;

// Shared by every Worker that binds ARTICLES, so the KV baseline reads the records the app reads.
const KV_NAMESPACE_ID = "bench-articles";
const D1_DATABASE_ID = "bench-editorial";
/** The editors' token the benchmark seeds with (EDITOR_TOKENS). */
export const EDITOR_TOKEN = "bench-token-0123456789abcdef0123456789";
// The app reads with this KV cacheTtl on public routes (READ_CACHE_TTL in src/index.ts); the floor does too.
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
const KV_GET_WORKER = `export default {
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
  urls: Record<WorkerName, URL>;
  /** The timed copies of the app, in order (RuntimeOptions.timedIsolates); empty when none. */
  timedUrls: URL[];
  kv: KVNamespace;
  db: D1Database;
  dispose(): Promise<void>;
}

export interface RuntimeOptions {
  /** The key the KV baseline reads when the request names none. */
  articleKey: string;
  /** Keep KV, D1 and the cache here across instances; unset: a temporary directory per instance. */
  persistPath?: string;
  /**
   * Extra copies of the app, each its own Worker and so its own isolate, wrapped in timedWrapper:
   * every one is a fresh isolate until it is first called.
   */
  timedIsolates?: number;
}

/** Starts workerd with the four Workers, and `timedIsolates` timed copies of the app. */
export async function startRuntime(bundle: Bundle, settings: WorkerSettings, options: RuntimeOptions): Promise<Runtime> {
  const { articleKey, persistPath, timedIsolates = 0 } = options;
  const text = (value: string) => ({ type: "text" as const, value });
  const kv = { type: "kv" as const, id: KV_NAMESPACE_ID };
  const direct = { dev: { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } };
  const base = { compatibilityDate: settings.compatibilityDate };

  type Modules = Record<string, { type: ModuleType; contents: Uint8Array<ArrayBuffer> | string }>;
  const modules: Modules = Object.fromEntries(bundle.modules.map((m) => [m.name, { type: m.type, contents: m.contents }]));
  const appWorker = (name: string, manifest: { mainModule: string; modules: Modules }) => ({
    config: {
      ...base,
      name,
      // As in wrangler.toml. Miniflare accepts [cache] but does not emulate ctx.cache, so the app
      // runs its local layer; the X-Cache checks on every case would notice if that changed.
      ...(settings.workersCaching ? { cache: { enabled: true } } : {}),
      manifest,
      env: {
        [settings.kvBinding]: kv,
        DB: { type: "d1" as const, id: D1_DATABASE_ID },
        EDITOR_TOKENS: text(`bench:${EDITOR_TOKEN}`),
        ...Object.fromEntries(Object.entries(settings.vars).map(([key, value]) => [key, text(value)])),
      },
    },
    // The Cache API backs the local cache layer; Miniflare enables it by default, but say so.
    dev: { ...direct.dev, cacheAPI: true },
  });
  const timedNames = Array.from({ length: timedIsolates }, (_, i) => timedWorker(i + 1));
  const timedManifest: { mainModule: string; modules: Modules } = {
    mainModule: TIMED_WRAPPER_MODULE,
    modules: {
      ...modules,
      [TIMED_WRAPPER_MODULE]: { type: "esm", contents: timedWrapper(bundle.mainModule) },
    },
  };

  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    enableDevRegistry: false,
    // Without persistPath storage lives in a temporary directory removed on dispose(), so every
    // instance starts with empty KV, D1 and cache; with it, a new instance sees the same state.
    ...(persistPath ? { resourcePersistencePath: persistPath } : {}),
    workers: [
      appWorker(WORKERS.app, { mainModule: bundle.mainModule, modules }),
      ...timedNames.map((name) => appWorker(name, timedManifest)),
      {
        config: {
          ...base,
          name: WORKERS.constant,
          manifest: { mainModule: "constant.mjs", modules: { "constant.mjs": { type: "esm", contents: CONSTANT_WORKER } } },
        },
        ...direct,
      },
      {
        config: {
          ...base,
          name: WORKERS.kvGet,
          manifest: { mainModule: "kv-get.mjs", modules: { "kv-get.mjs": { type: "esm", contents: KV_GET_WORKER } } },
          env: { ARTICLES: kv, ARTICLE_KEY: text(articleKey) },
        },
        ...direct,
      },
      {
        config: {
          ...base,
          name: WORKERS.kvList,
          manifest: { mainModule: "kv-list.mjs", modules: { "kv-list.mjs": { type: "esm", contents: KV_LIST_WORKER } } },
          env: { ARTICLES: kv },
        },
        ...direct,
      },
    ],
  });
  await mf.ready;
  const urls = {} as Record<WorkerName, URL>;
  for (const name of Object.values(WORKERS)) urls[name] = await mf.unsafeGetDirectURL(name);
  const timedUrls: URL[] = [];
  for (const name of timedNames) timedUrls.push(await mf.unsafeGetDirectURL(name));
  // Miniflare's KV type is its own copy of workers-types' KVNamespace; the shapes are the same.
  const namespace = (await mf.getKVNamespace(settings.kvBinding, WORKERS.app)) as unknown as KVNamespace;
  const db = (await mf.getD1Database("DB", WORKERS.app)) as unknown as D1Database;
  return { mf, urls, timedUrls, kv: namespace, db, dispose: () => mf.dispose() };
}

/** The Miniflare and workerd versions, from their package metadata. */
export function runtimeVersions(): { miniflare: string; workerd: string } {
  const fromHere = createRequire(import.meta.url);
  const miniflare = fromHere("miniflare/package.json") as { version: string };
  // workerd is Miniflare's dependency: resolve it from there, as Miniflare does.
  const workerd = createRequire(fromHere.resolve("miniflare"))("workerd/package.json") as { version: string };
  return { miniflare: miniflare.version, workerd: workerd.version };
}
