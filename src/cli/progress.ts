/**
 * @module cli/progress
 * A one-line progress bar for long CLI jobs (`npm run reindex`, `npm run rebuild`): done of total,
 * the rate, and the time left, redrawn in place on a terminal and printed as plain lines (at most
 * one every few seconds) when the output is a file or a pipe.
 */

export interface ProgressOptions {
  /** What is counted, plural: "articles". */
  unit: string;
  /** Where to draw; defaults to standard error, so standard output stays for results. */
  stream?: NodeJS.WriteStream;
  /** Milliseconds; injected by tests. */
  now?: () => number;
  /** Columns the bar itself takes. */
  width?: number;
}

export interface Progress {
  /** Records that `done` of `total` are finished, and redraws. */
  update(done: number, total: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

/** Between two plain lines when the output is not a terminal. */
const PLAIN_INTERVAL_MS = 5000;

/**
 * Starts a progress bar.
 * @example
 * const progress = createProgress({ unit: "articles" });
 * progress.update(250, 1000); // [######------------------] 250/1,000 articles  25%  120/s  about 7 s left
 * progress.finish();
 */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => Date.now());
  const started = now();
  let lastPlain = 0;
  let state = { done: 0, total: 0 };
  const draw = (final: boolean) => {
    const line = progressLine({ ...state, elapsedMs: now() - started, unit: options.unit, width: options.width ?? 24 });
    if (stream.isTTY) stream.write(`\r${line}\u001B[K${final ? "\n" : ""}`);
    else if (final || now() - lastPlain >= PLAIN_INTERVAL_MS) {
      stream.write(`${line}\n`);
      lastPlain = now();
    }
  };
  return {
    update(done, total) {
      state = { done, total };
      draw(false);
    },
    finish() {
      draw(true);
    },
  };
}

/**
 * The text of one progress line. Pure, for tests.
 * @example progressLine({ done: 50, total: 200, elapsedMs: 10_000, unit: "articles", width: 8 })
 * // "[##------] 50/200 articles  25%  5.0/s  about 30 s left"
 */
export function progressLine(state: { done: number; total: number; elapsedMs: number; unit: string; width: number }): string {
  const { done, total, elapsedMs, unit, width } = state;
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * width);
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const left = rate > 0 && total > done ? ` about ${duration((total - done) / rate)} left` : "";
  const count = `${done.toLocaleString("en")}/${total.toLocaleString("en")} ${unit}`;
  return `${bar} ${count}  ${Math.floor(fraction * 100)}%  ${rate >= 100 ? Math.round(rate) : rate.toFixed(1)}/s ${left}`.trimEnd();
}

/** Seconds as "42 s", "3 min 5 s" or "2 h 10 min". */
export function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
