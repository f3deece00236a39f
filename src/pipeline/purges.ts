/**
 * @module pipeline/purges
 * Cache purges, coalesced and paced. Changes schedule their tags here (one row per tag and mode in
 * D1, so a burst of saves to one page costs one purge); `flushPurges` sends what is due, at most
 * 100 tags a request, taking a token from a bucket whose rate and burst are settings (defaults:
 * Cloudflare's documented Free limits, 5 a minute with a burst of 25). A refused purge keeps its
 * tags for a later attempt: none is ever dropped.
 */
import { ConfigurationError } from "../core/config";
import { backOffPurges, duePurges, type PurgeMode, purgeTokens, settlePurges, takePurgeToken } from "../data/pipeline";

export type { PurgeMode };

/** What purges and invalidates the reader's cache: its RPC entrypoint, or the local layer. */
export interface Purger {
  purge(tags: string[]): Promise<boolean>;
  invalidate(tags: string[]): Promise<boolean>;
}

export interface PurgePacing {
  /** Purge requests a minute, sustained. */
  ratePerMinute: number;
  /** Requests that may go at once after a quiet spell. */
  burst: number;
}

/** Cloudflare's documented purge limits on the Free plan. */
export const FREE_PLAN_PACING: PurgePacing = { ratePerMinute: 5, burst: 25 };
/** A purge request takes at most 100 tags. */
export const MAX_TAGS_PER_PURGE = 100;
/** KV is eventually consistent for about 60 s: every purge is repeated after this. */
export const REPURGE_DELAY_MS = 65_000;
/** Requests one flush sends at most; the rest waits for the next batch or the cron. */
const MAX_REQUESTS_PER_FLUSH = 10;

/**
 * Reads the pacing settings (`PURGE_RATE_PER_MINUTE`, `PURGE_BURST`); a bad value throws with its name.
 * @example purgePacing({ PURGE_RATE_PER_MINUTE: "300" }) // { ratePerMinute: 300, burst: 25 }
 */
export function purgePacing(vars: { PURGE_RATE_PER_MINUTE?: string; PURGE_BURST?: string }): PurgePacing {
  const read = (name: "PURGE_RATE_PER_MINUTE" | "PURGE_BURST", fallback: number): number => {
    const raw = vars[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new ConfigurationError(`[vars] ${name} must be a positive number, not ${JSON.stringify(raw)}`);
    return value;
  };
  return {
    ratePerMinute: read("PURGE_RATE_PER_MINUTE", FREE_PLAN_PACING.ratePerMinute),
    burst: read("PURGE_BURST", FREE_PLAN_PACING.burst),
  };
}

/** Takes one token from the bucket, atomically across consumers. Resolves whether there was one. */
export function takeToken(db: D1Database, pacing: PurgePacing, now: number): Promise<boolean> {
  return takePurgeToken(db, pacing.burst, pacing.ratePerMinute / 60_000, now);
}

export interface FlushReport {
  /** Purge (and invalidate) requests sent, and how many tags each carried. */
  requests: number[];
  refused: number;
  /** Tags left waiting for a token. */
  waiting: boolean;
  /** Tags held back to fill a later request (see HOLD_MS); the caller comes back for them. */
  held?: boolean;
}

/**
 * How long a request of fewer than 100 tags may be held back while tokens are scarce, so that the
 * tags a burst of saves leaves go out 100 a request, not a few a request each taking a token: well
 * inside the 60 s a tag may wait after its page is written.
 */
export const HOLD_MS = 20_000;

/** Sends the purges that are due, within the bucket, at most 100 tags a request. */
export async function flushPurges(db: D1Database, purger: Purger, pacing: PurgePacing, now: number): Promise<FlushReport> {
  const report: FlushReport = { requests: [], refused: 0, waiting: false };
  for (let i = 0; i < MAX_REQUESTS_PER_FLUSH; i++) {
    const rows = await duePurges(db, now, MAX_TAGS_PER_PURGE);
    if (rows.length === 0) return report;
    // A request carries as many tags as are due, up to 100: while tokens are scarce (half the
    // burst or less), one of fewer waits for more tags, unless its oldest has waited HOLD_MS.
    const oldest = Math.min(...rows.map((row) => row.due_at));
    if (
      rows.length < MAX_TAGS_PER_PURGE &&
      now - oldest < HOLD_MS &&
      (await purgeTokens(db, pacing.burst, pacing.ratePerMinute / 60_000, now)) <= pacing.burst / 2
    ) {
      report.held = true;
      return report;
    }
    if (!(await takeToken(db, pacing, now))) {
      report.waiting = true;
      return report;
    }
    const mode = rows[0]?.mode ?? "purge";
    const tags = rows.map((row) => row.tag);
    const ok = await purger[mode](tags).catch((error: unknown) => {
      console.error(`cache ${mode} threw:`, error);
      return false;
    });
    report.requests.push(tags.length);
    if (!ok) {
      report.refused++;
      // Tried again after 5 s, doubling with each refusal, at most 5 minutes.
      await backOffPurges(db, tags, mode, now);
      return report;
    }
    // Done, unless a re-purge is owed: then it waits out KV's propagation window.
    await settlePurges(db, tags, mode, now, now + REPURGE_DELAY_MS);
  }
  return report;
}
