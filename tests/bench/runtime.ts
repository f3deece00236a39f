/**
 * @module bench/runtime
 * One Miniflare (workerd) instance holding the built Broadsheet Worker and three baseline Workers,
 * each on its own direct socket on 127.0.0.1, so all three are reached the same way: straight to
 * the Worker, without Miniflare's entry Worker in between.
 */
import { createRequire } from "node:module";
import { Miniflare } from "miniflare";
import type { Bundle } from "./build";
import type { WorkerSettings } from "./config";

export const WORKERS = {
  app: "broadsheet",
  constant: "baseline-constant",
  kvGet: "baseline-kv-get",
  kvList: "baseline-kv-list",
} as const;
export type WorkerName = (typeof WORKERS)[keyof typeof WORKERS];

// Shared by every Worker that binds ARTICLES, so the KV baseline reads the records the app reads.
const KV_NAMESPACE_ID = "bench-articles";
const D1_DATABASE_ID = "bench-editorial";
/** The editors' token the benchmark seeds with (EDITOR_TOKENS). */
export const EDITOR_TOKEN = "bench-token";
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
  kv: KVNamespace;
  db: D1Database;
  dispose(): Promise<void>;
}

export interface RuntimeOptions {
  /** The key the KV baseline reads when the request names none. */
  articleKey: string;
  /** Keep KV, D1 and the cache here across instances; unset: a temporary directory per instance. */
  persistPath?: string;
}

/** Starts workerd with the four Workers. */
export async function startRuntime(bundle: Bundle, settings: WorkerSettings, options: RuntimeOptions): Promise<Runtime> {
  const { articleKey, persistPath } = options;
  const text = (value: string) => ({ type: "text" as const, value });
  const kv = { type: "kv" as const, id: KV_NAMESPACE_ID };
  const direct = { dev: { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } };
  const base = { compatibilityDate: settings.compatibilityDate };

  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    enableDevRegistry: false,
    // Without persistPath storage lives in a temporary directory removed on dispose(), so every
    // instance starts with empty KV, D1 and cache; with it, a new instance sees the same state.
    ...(persistPath ? { resourcePersistencePath: persistPath } : {}),
    workers: [
      {
        config: {
          ...base,
          name: WORKERS.app,
          // As in wrangler.toml. Miniflare accepts [cache] but does not emulate ctx.cache, so the app
          // runs its local layer; the X-Cache checks on every case would notice if that changed.
          ...(settings.workersCaching ? { cache: { enabled: true } } : {}),
          manifest: {
            mainModule: bundle.mainModule,
            modules: Object.fromEntries(bundle.modules.map((m) => [m.name, { type: m.type, contents: m.contents }])),
          },
          env: {
            [settings.kvBinding]: kv,
            DB: { type: "d1" as const, id: D1_DATABASE_ID },
            EDITOR_TOKENS: text(`bench:${EDITOR_TOKEN}`),
            ...Object.fromEntries(Object.entries(settings.vars).map(([key, value]) => [key, text(value)])),
          },
        },
        // The Cache API backs the local cache layer; Miniflare enables it by default, but say so.
        dev: { ...direct.dev, cacheAPI: true },
      },
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
  // Miniflare's KV type is its own copy of workers-types' KVNamespace; the shapes are the same.
  const namespace = (await mf.getKVNamespace(settings.kvBinding, WORKERS.app)) as unknown as KVNamespace;
  const db = (await mf.getD1Database("DB", WORKERS.app)) as unknown as D1Database;
  return { mf, urls, kv: namespace, db, dispose: () => mf.dispose() };
}

/** The Miniflare and workerd versions, from their package metadata. */
export function runtimeVersions(): { miniflare: string; workerd: string } {
  const fromHere = createRequire(import.meta.url);
  const miniflare = fromHere("miniflare/package.json") as { version: string };
  // workerd is Miniflare's dependency: resolve it from there, as Miniflare does.
  const workerd = createRequire(fromHere.resolve("miniflare"))("workerd/package.json") as { version: string };
  return { miniflare: miniflare.version, workerd: workerd.version };
}
