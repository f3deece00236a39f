/**
 * @module bench/load
 * HTTP load with autocannon: a checked sample request, a warm-up, then a fixed-length measurement
 * with the same connections for every case. Latency percentiles come from every response's own
 * timing (autocannon's histogram rounds to whole milliseconds, too coarse for cache hits).
 */
import autocannon from "autocannon";
import type { LoadSettings } from "./config";

export interface Probe {
  status: number;
  xCache: string | null;
  serverTiming: string | null;
  /** KV reads + lists, from `Server-Timing: kv;desc="reads=N lists=M"`; null when absent. */
  kvOps: { reads: number; lists: number } | null;
  bytes: number;
}

export interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** Sends one request and reads what the benchmark checks: status, cache status and KV cost. */
export async function probe(url: URL, headers: Record<string, string> = {}): Promise<Probe> {
  const response = await fetch(url, { headers });
  const body = await response.arrayBuffer();
  const serverTiming = response.headers.get("Server-Timing");
  return {
    status: response.status,
    xCache: response.headers.get("X-Cache"),
    serverTiming,
    kvOps: parseKvOps(serverTiming),
    bytes: body.byteLength,
  };
}

export function parseKvOps(serverTiming: string | null): { reads: number; lists: number } | null {
  const match = /kv;desc="reads=(\d+) lists=(\d+)"/.exec(serverTiming ?? "");
  return match ? { reads: Number(match[1]), lists: Number(match[2]) } : null;
}

/** Warms the case up, then measures it. */
export async function measure(url: URL, headers: Record<string, string>, settings: LoadSettings): Promise<Measurement> {
  await cannon(url, headers, settings.connections, settings.warmupSeconds);
  return cannon(url, headers, settings.connections, settings.seconds);
}

/**
 * Two URLs measured in alternating slices (`rounds` of `seconds` each, after one warm-up slice
 * each), so that a change in the machine's load falls on both alike: the ratio of their requests a
 * second is what a shared machine can still tell.
 */
export async function measureInterleaved(
  a: { url: URL; headers: Record<string, string> },
  b: { url: URL; headers: Record<string, string> },
  connections: number,
  rounds: number,
  seconds: number,
): Promise<{ a: number; b: number }> {
  await cannon(a.url, a.headers, connections, seconds);
  await cannon(b.url, b.headers, connections, seconds);
  let okA = 0;
  let okB = 0;
  for (let i = 0; i < rounds; i++) {
    okA += (await cannon(a.url, a.headers, connections, seconds)).requestsPerSecond;
    okB += (await cannon(b.url, b.headers, connections, seconds)).requestsPerSecond;
  }
  return { a: okA / rounds, b: okB / rounds };
}

async function cannon(url: URL, headers: Record<string, string>, connections: number, seconds: number): Promise<Measurement> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: url.href, headers, connections, duration: seconds, timeout: 10 }, (error, done) =>
      error ? reject(error) : resolve(done),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  latencies.sort((a, b) => a - b);
  const completed = result["2xx"] + result.non2xx;
  return {
    requestsPerSecond: result["2xx"] / result.duration,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    requests: completed,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
