/**
 * @module bench/cases
 * One benchmark case: check a sample response (status, X-Cache, KV cost), warm up and measure, then
 * check again, so a number in the table always describes the path it claims to.
 */
import type { LoadSettings } from "./config";
import { measure, type Probe, probe } from "./load";
import type { CaseResult } from "./report";

const POLL_MS = 50;
const POLL_LIMIT = 100;

export interface CaseSpec {
  id: string;
  label: string;
  url: URL;
  headers?: Record<string, string>;
  articles: number | null;
  /** The X-Cache every response must carry; null for the baselines, which have no cache layer. */
  xCache: "HIT" | "BYPASS" | null;
  /** KV ops for responses that carry no Server-Timing: the baselines, and hits (which read no KV). */
  knownKvOps?: { reads: number; lists: number };
}

/** Runs one case and prints its line as it goes. */
export async function runCase(spec: CaseSpec, settings: LoadSettings): Promise<CaseResult> {
  process.stdout.write(`  ${spec.label.padEnd(44)} `);
  const headers = spec.headers ?? {};
  const sample = await probe(spec.url, headers);
  check(spec, sample, "before");
  const kvOps = sample.kvOps ?? spec.knownKvOps;
  if (!kvOps) throw new Error(`${spec.label}: no Server-Timing kv entry in ${JSON.stringify(sample.serverTiming)}`);
  const measurement = await measure(spec.url, headers, settings);
  check(spec, await probe(spec.url, headers), "after");
  const trouble =
    measurement.non2xx + measurement.errors > 0 ? `  !! ${measurement.non2xx} non-2xx, ${measurement.errors} errors` : "";
  console.log(
    `${measurement.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${measurement.p50.toFixed(2)} ms  ` +
      `p99 ${measurement.p99.toFixed(2)} ms  (${sample.bytes} B/response)${trouble}`,
  );
  return { id: spec.id, label: spec.label, articles: spec.articles, xCache: spec.xCache ?? "–", kvOps, measurement };
}

/** Requests the URL without Authorization until the local cache layer serves it as a HIT. */
export async function warmCache(url: URL): Promise<void> {
  for (let i = 0; i < POLL_LIMIT; i++) {
    if ((await probe(url)).xCache === "HIT") return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`${url.pathname} never became a cache HIT`);
}

function check(spec: CaseSpec, sample: Probe, when: string): void {
  if (sample.status !== 200) throw new Error(`${spec.label}: status ${sample.status} ${when} the run, expected 200`);
  if (spec.xCache !== null && sample.xCache !== spec.xCache) {
    throw new Error(`${spec.label}: X-Cache ${sample.xCache} ${when} the run, expected ${spec.xCache}`);
  }
}
