/**
 * @module bench/config
 * What the benchmark reads from the two Workers' configurations (wrangler.toml for the reader,
 * wrangler.newsroom.toml for the newsroom) and from its environment variables, settled once.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const OUT_DIR = resolve(ROOT, "dist/bench");
/** The two Workers' configurations, as `npm start` and `npm run deploy` name them. */
export const READER_CONFIG = resolve(ROOT, "wrangler.toml");
export const NEWSROOM_CONFIG = resolve(ROOT, "wrangler.newsroom.toml");

/** One `[[queues.consumers]]` entry. */
export interface QueueConsumer {
  queue: string;
  maxBatchSize?: number;
  maxBatchTimeout?: number;
  maxRetries?: number;
  maxConcurrency?: number;
  deadLetterQueue?: string;
}

/** What the benchmark needs of one Worker's configuration: its name, date, vars and bindings. */
export interface WorkerSettings {
  name: string;
  compatibilityDate: string;
  /** `[vars]`, as text bindings. */
  vars: Record<string, string>;
  /** `[[kv_namespaces]]`: binding and namespace id (the same id in both configs is one namespace). */
  kvNamespaces: Array<{ binding: string; id: string }>;
  /** `[[d1_databases]]`: binding and database id. */
  d1Databases: Array<{ binding: string; id: string }>;
  /** `[[r2_buckets]]`: binding and bucket name. */
  r2Buckets: Array<{ binding: string; bucket: string }>;
  /** `[[services]]`: binding and the Worker it names. */
  services: Array<{ binding: string; service: string }>;
  /** `[[ratelimits]]`: binding, namespace and the simple limit. */
  rateLimits: Array<{ binding: string; namespace: string; limit: number; period: 10 | 60 }>;
  /** `[[queues.producers]]`: binding and queue. */
  queueProducers: Array<{ binding: string; queue: string }>;
  queueConsumers: QueueConsumer[];
  /** `[[durable_objects.bindings]]`: binding, class, and whether a `[[migrations]]` made the class SQLite-backed. */
  durableObjects: Array<{ binding: string; className: string; sqlite: boolean }>;
  /** Whether `[cache] enabled = true` (Workers Caching). */
  workersCaching: boolean;
}

export interface LoadSettings {
  /** Seconds each case is measured for (BENCH_SECONDS). */
  seconds: number;
  /** Seconds of warm-up before each case (BENCH_WARMUP_SECONDS). */
  warmupSeconds: number;
  /** Concurrent connections, the same for every case (BENCH_CONNECTIONS). */
  connections: number;
  /** Articles in the large dataset, seeded with SQL (BENCH_ARTICLES, default 10,000). */
  largeDataset: number;
  /** Saves in the publishing burst (BENCH_SAVES, default 1,000). */
  saves: number;
}

type Value = string | number | boolean;
type Table = Record<string, Value>;

/**
 * Reads the settings the benchmark needs from a wrangler TOML file. Not a TOML parser: it understands
 * `key = "string"`, `key = 12` and `key = true` lines, the one inline table `simple = { limit = N,
 * period = N }`, `new_sqlite_classes = ["A", …]`, and `[table]` / `[[array]]` headers, which is
 * all the two files use.
 */
export function readWranglerToml(path: string): WorkerSettings {
  const tables = new Map<string, Table[]>();
  const sqliteClasses = new Set<string>();
  let current: Table = {};
  tables.set("", [current]);
  for (const rawLine of readFileSync(path, "utf8").split("\n")) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^(\[\[?)([\w.-]+)\]\]?$/.exec(line);
    if (header?.[2]) {
      current = {};
      const list = tables.get(header[2]) ?? [];
      if (header[1] === "[") list.length = 0;
      list.push(current);
      tables.set(header[2], list);
      continue;
    }
    const inline = /^simple\s*=\s*\{\s*limit\s*=\s*(\d+)\s*,\s*period\s*=\s*(\d+)\s*\}/.exec(line);
    if (inline) {
      current.limit = Number(inline[1]);
      current.period = Number(inline[2]);
      continue;
    }
    const classes = /^new_sqlite_classes\s*=\s*\[(.*)\]/.exec(line);
    if (classes) {
      for (const name of classes[1]?.match(/"[^"]*"/g) ?? []) sqliteClasses.add(JSON.parse(name) as string);
      continue;
    }
    const pair = /^([\w-]+)\s*=\s*(".*"|true|false|-?\d+(?:\.\d+)?)\s*(?:#.*)?$/.exec(line);
    if (!pair?.[1] || !pair[2]) continue;
    const raw = pair[2];
    current[pair[1]] = raw.startsWith('"')
      ? (JSON.parse(raw) as string)
      : raw === "true" || raw === "false"
        ? raw === "true"
        : Number(raw);
  }
  const top = tables.get("")?.[0] ?? {};
  const text = (table: Table, key: string): string => {
    const value = table[key];
    if (typeof value !== "string") throw new Error(`${path}: ${key} is missing or not a string`);
    return value;
  };
  const num = (table: Table, key: string): number | undefined => (typeof table[key] === "number" ? table[key] : undefined);
  const all = (name: string) => tables.get(name) ?? [];
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(tables.get("vars")?.[0] ?? {})) {
    if (typeof value === "string") vars[key] = value;
  }
  return {
    name: text(top, "name"),
    compatibilityDate: text(top, "compatibility_date"),
    vars,
    kvNamespaces: all("kv_namespaces").map((t) => ({ binding: text(t, "binding"), id: text(t, "id") })),
    d1Databases: all("d1_databases").map((t) => ({ binding: text(t, "binding"), id: text(t, "database_id") })),
    r2Buckets: all("r2_buckets").map((t) => ({ binding: text(t, "binding"), bucket: text(t, "bucket_name") })),
    services: all("services").map((t) => ({ binding: text(t, "binding"), service: text(t, "service") })),
    rateLimits: all("ratelimits").map((t) => ({
      binding: text(t, "name"),
      namespace: text(t, "namespace_id"),
      limit: num(t, "limit") ?? 60,
      period: num(t, "period") === 10 ? 10 : 60,
    })),
    queueProducers: all("queues.producers").map((t) => ({ binding: text(t, "binding"), queue: text(t, "queue") })),
    queueConsumers: all("queues.consumers").map((t) => {
      const consumer: QueueConsumer = { queue: text(t, "queue") };
      const set = (key: keyof Omit<QueueConsumer, "queue" | "deadLetterQueue">, toml: string) => {
        const value = num(t, toml);
        if (value !== undefined) consumer[key] = value;
      };
      set("maxBatchSize", "max_batch_size");
      set("maxBatchTimeout", "max_batch_timeout");
      set("maxRetries", "max_retries");
      set("maxConcurrency", "max_concurrency");
      if (typeof t.dead_letter_queue === "string") consumer.deadLetterQueue = t.dead_letter_queue;
      return consumer;
    }),
    durableObjects: all("durable_objects.bindings").map((t) => ({
      binding: text(t, "name"),
      className: text(t, "class_name"),
      sqlite: sqliteClasses.has(text(t, "class_name")),
    })),
    workersCaching: tables.get("cache")?.[0]?.enabled === true,
  };
}

export function loadSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): LoadSettings {
  const positive = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${JSON.stringify(raw)}`);
    return value;
  };
  const seconds = positive("BENCH_SECONDS", 3);
  return {
    seconds,
    warmupSeconds: positive("BENCH_WARMUP_SECONDS", Math.min(1, seconds)),
    connections: Math.round(positive("BENCH_CONNECTIONS", 8)),
    largeDataset: Math.round(positive("BENCH_ARTICLES", 10_000)),
    saves: Math.round(positive("BENCH_SAVES", 1_000)),
  };
}
