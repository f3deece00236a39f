/**
 * @module pipeline/cron
 * The cron's once-a-minute work, none of which grows with the size of the archive: queue the
 * listings of articles that went live since the last run, refresh the news sitemap every 15 minutes,
 * empty the trash of what has been there 30 days, queue any listing whose built generation fell
 * behind D1's, send outbox rows that were never sent or never acknowledged, and send the purges
 * that are due (a listing whose build died after its lease ran out is
 * found in D1 alone, never by listing KV). Every step is idempotent and bounded by a LIMIT, so two runs at once are harmless.
 */
import { articlesWentLive, purgeTrash } from "../data/articles";
import { forgetFailures, getMeta, queueListings, queueStaleListings, setMeta } from "../data/pipeline";
import { listingsOfRow } from "../editorial/publishing";
import type { Materialiser } from "./materialise";
import { sendOutbox } from "./outbox";
import { type FlushReport, flushPurges } from "./purges";

/** How long a deleted article stays in the trash, restorable, before it is gone for good. */
export const TRASH_RETENTION_MS = 30 * 86_400_000;
const GO_LIVE_CHECKED = "go_live_checked_at";
const NEWS_REFRESHED = "news_refreshed_at";
/** How often the cron rebuilds the news sitemap, so articles leave it within this of turning 48 hours old. */
const NEWS_REFRESH_MS = 15 * 60_000;
/** On the first run, look back this far for articles that went live. */
const FIRST_LOOK_BACK_MS = 120_000;
/** Listings one run looks at for falling behind; the next run takes the rest. */
const STALE_LISTINGS_LIMIT = 200;
/** Recent failures are kept this long for the pipeline page. */
const FAILURES_KEPT_MS = 7 * 86_400_000;

export interface CronReport {
  wentLive: number;
  emptiedFromTrash: string[];
  staleListings: string[];
  sent: number;
  purges: FlushReport;
}

export async function runCron(m: Materialiser): Promise<CronReport> {
  const now = m.clock.now();
  const checked = Number((await getMeta(m.db, GO_LIVE_CHECKED)) ?? now - FIRST_LOOK_BACK_MS);
  const live = await articlesWentLive(m.db, checked, now);
  // A scheduled article that went live joins every listing it belongs to. (Its page, stored with
  // its time, appears by itself.)
  if (live.length) await queueListings(m.db, [...new Set(live.flatMap(listingsOfRow))], now);
  await setMeta(m.db, GO_LIVE_CHECKED, String(now));

  // The news sitemap lists the last 48 hours: rebuild it now and then, as articles age out of it.
  const newsBuilt = Number((await getMeta(m.db, NEWS_REFRESHED)) ?? 0);
  if (now - newsBuilt >= NEWS_REFRESH_MS) {
    await queueListings(m.db, ["news"], now);
    await setMeta(m.db, NEWS_REFRESHED, String(now));
  }

  const emptiedFromTrash = await purgeTrash(m.db, now - TRASH_RETENTION_MS, now);
  const staleListings = await queueStaleListings(m.db, now, STALE_LISTINGS_LIMIT);
  await forgetFailures(m.db, now - FAILURES_KEPT_MS);
  const sent = await sendOutbox(m.db, m.queues, now, { resend: true });
  const purges = await flushPurges(m.db, m.cache, m.pacing, now);
  return { wentLive: live.length, emptiedFromTrash, staleListings, sent, purges };
}
