/**
 * @module bench/config
 * What the benchmark reads from wrangler.toml and from its environment variables, settled once.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const OUT_DIR = resolve(ROOT, "dist/bench");

export interface WorkerSettings {
  compatibilityDate: string;
  /** The KV binding the Worker reads articles from. */
  kvBinding: string;
  /** `[vars]`, as text bindings. */
  vars: Record<string, string>;
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
}

/**
 * Reads the few settings the benchmark needs from wrangler.toml. Not a TOML parser: it understands
 * `key = "string"` and `key = true` lines and `[table]` / `[[array]]` headers, which is all the file uses.
 */
export function readWranglerToml(path = resolve(ROOT, "wrangler.toml")): WorkerSettings {
  const tables = new Map<string, Array<Record<string, string | boolean>>>();
  let current: Record<string, string | boolean> = {};
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
    const pair = /^([\w-]+)\s*=\s*(".*"|true|false)\s*(?:#.*)?$/.exec(line);
    if (pair?.[1] && pair[2]) current[pair[1]] = pair[2].startsWith('"') ? (JSON.parse(pair[2]) as string) : pair[2] === "true";
  }
  const top = tables.get("")?.[0] ?? {};
  const compatibilityDate = top.compatibility_date;
  const kvBinding = tables.get("kv_namespaces")?.[0]?.binding;
  if (typeof compatibilityDate !== "string") throw new Error("wrangler.toml: compatibility_date is missing");
  if (typeof kvBinding !== "string") throw new Error("wrangler.toml: no [[kv_namespaces]] binding");
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(tables.get("vars")?.[0] ?? {})) {
    if (typeof value === "string") vars[key] = value;
  }
  return { compatibilityDate, kvBinding, vars, workersCaching: tables.get("cache")?.[0]?.enabled === true };
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
  };
}
