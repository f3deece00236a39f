/**
 * @module bench/report
 * Turns measurements into the printed table, the ratio checks against targets, and the Markdown
 * table for docs/benchmark.md. Pure functions from results to text.
 */
import type { Bundle } from "./build";
import type { Measurement } from "./load";

export interface CaseResult {
  id: string;
  label: string;
  /** Articles in KV while the case ran; null for the baselines, which do not depend on it. */
  articles: number | null;
  xCache: string;
  /** KV reads and lists per request, from Server-Timing (or known, for the baselines and hits). */
  kvOps: { reads: number; lists: number };
  measurement: Measurement;
}

export interface RatioCheck {
  label: string;
  numerator: string;
  denominator: string;
  value: number;
  target: number;
  /** Whether the target is a floor (requests/s: more is better) or a ceiling (time: less is better). */
  direction: "at-least" | "at-most";
  pass: boolean;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  miniflare: string;
  workerd: string;
  date: string;
}

const KIB = 1024;

const COLUMNS = ["Case", "Articles in KV", "X-Cache", "Requests/s", "p50 ms", "p99 ms", "KV ops/req"] as const;

function cells(result: CaseResult): string[] {
  const m = result.measurement;
  const { reads, lists } = result.kvOps;
  const failed = m.non2xx + m.errors > 0 ? ` (!${m.non2xx} non-2xx, ${m.errors} errors)` : "";
  return [
    result.label,
    result.articles === null ? "–" : result.articles.toLocaleString("en-US"),
    result.xCache,
    `${m.requestsPerSecond.toFixed(0)}${failed}`,
    m.p50.toFixed(2),
    m.p99.toFixed(2),
    `${reads + lists} (${reads} reads, ${lists} lists)`,
  ];
}

/** A fixed-width table for the terminal. */
export function textTable(results: CaseResult[]): string {
  const rows = [COLUMNS as readonly string[], ...results.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  const numeric = new Set([1, 3, 4, 5]);
  const line = (row: readonly string[]) =>
    row.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join("  ");
  return [line(rows[0] ?? []), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** The same table in Markdown, to paste into docs/benchmark.md. */
export function markdownTable(results: CaseResult[]): string {
  const align = COLUMNS.map((_, i) => ([1, 3, 4, 5].includes(i) ? "---:" : "---"));
  const row = (values: readonly string[]) => `| ${values.join(" | ")} |`;
  return [row(COLUMNS), row(align), ...results.map((r) => row(cells(r)))].join("\n");
}

export function ratio(
  label: string,
  numerator: CaseResult | undefined,
  denominator: CaseResult | undefined,
  target: number,
): RatioCheck | null {
  if (!numerator || !denominator) return null;
  const value = numerator.measurement.requestsPerSecond / denominator.measurement.requestsPerSecond;
  return {
    label,
    numerator: numerator.id,
    denominator: denominator.id,
    value,
    target,
    direction: "at-least",
    pass: value >= target,
  };
}

/** A time against a baseline's time, where less is better: the target is a ceiling. */
export function timeRatio(
  label: string,
  numerator: string,
  ms: number,
  denominator: string,
  baselineMs: number,
  target: number,
): RatioCheck {
  const value = ms / baselineMs;
  return { label, numerator, denominator, value, target, direction: "at-most", pass: value <= target };
}

export function ratioLines(checks: RatioCheck[]): string {
  const width = Math.max(...checks.map((c) => c.label.length));
  return checks
    .map(
      (c) =>
        `${c.label.padEnd(width)}  ${c.value.toFixed(2).padStart(6)}` +
        (c.target > 0 ? `  target ${c.direction === "at-least" ? "≥" : "≤"} ${c.target.toFixed(2)}  ${verdict(c.pass)}` : ""),
    )
    .join("\n");
}

const kib = (bytes: number) => `${(bytes / KIB).toFixed(1)} KiB`;

/**
 * A bundle's size (against `targetKiB` gzipped, if given) and its three largest inputs, with the
 * three largest packages or source folders. Input sizes are the minified bytes each left in the
 * bundle, before gzip (esbuild's metafile `bytesInOutput`).
 */
export function bundleLines(label: string, bundle: Bundle, targetKiB?: number): string {
  const target =
    targetKiB === undefined ? "" : `  target ≤ ${targetKiB} KiB gzipped  ${verdict(bundle.gzipBytes <= targetKiB * KIB)}`;
  const groups = new Map<string, number>();
  for (const input of bundle.inputs) groups.set(input.group, (groups.get(input.group) ?? 0) + input.bytes);
  const largestGroups = [...groups].sort((a, b) => b[1] - a[1]).slice(0, 3);
  return [
    `${label} (${bundle.config}): ${kib(bundle.rawBytes)} raw, ${kib(bundle.gzipBytes)} gzipped${target}`,
    `  largest inputs (minified, before gzip): ${bundle.inputs
      .slice(0, 3)
      .map((input) => `${input.path} ${kib(input.bytes)}`)
      .join(", ")}`,
    `  by package or folder: ${largestGroups.map(([group, bytes]) => `${group} ${kib(bytes)}`).join(", ")}`,
  ].join("\n");
}

export function machineLines(machine: Machine): string {
  return [
    `Date:      ${machine.date}`,
    `CPU:       ${machine.cpu} × ${machine.cores} cores`,
    `Memory:    ${machine.memoryGiB.toFixed(1)} GiB`,
    `OS:        ${machine.os}`,
    `Node:      ${machine.node}`,
    `Runtime:   workerd ${machine.workerd} via miniflare ${machine.miniflare}`,
  ].join("\n");
}

/** How a figure stands against its target: a label for the reader of the report, never an assertion. */
export const verdict = (pass: boolean): string => (pass ? "met" : "NOT MET");
