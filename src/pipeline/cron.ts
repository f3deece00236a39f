/**
 * @module pipeline/cron
 * The cron's once-a-minute work, none of which grows with the size of the archive: queue the
 * listings of articles that went live since the last run, refresh the news sitemap every 15 minutes,
 * empty the trash of what has been there 30 days, queue any listing whose built generation fell
 * behind D1's, send outbox rows that were never sent or never acknowledged, and send the purges
 * that are due. Every step is idempotent and bounded by a LIMIT, so two runs at once are harmless.
 */
import { type ArticleRow, getMeta, purgeTrash, queueListings, setMeta } from "../editorial/database";
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
  const { results: live } = await m.db
    .prepare(
      "SELECT slug, draft, published_at, section_slug, record FROM articles WHERE draft = 0 AND deleted_at IS NULL AND published_at > ? AND published_at <= ?",
    )
    .bind(checked, now)
    .all<Pick<ArticleRow, "slug" | "draft" | "published_at" | "section_slug" | "record">>();
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
  const staleListings = await queueStaleListings(m.db, now);
  await m.db
    .prepare("DELETE FROM pipeline_failures WHERE at < ?")
    .bind(now - FAILURES_KEPT_MS)
    .run();
  const sent = await sendOutbox(m.db, m.queues, now, { resend: true });
  const purges = await flushPurges(m.db, m.cache, m.pacing, now);
  return { wentLive: live.length, emptiedFromTrash, staleListings, sent, purges };
}

/**
 * Listings whose KV documents are behind D1 with no outbox row left to bring them up: a build that
 * died after its lease ran out. Compared in D1 alone, never by listing KV.
 */
async function queueStaleListings(db: D1Database, now: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `INSERT INTO outbox (kind, target, due_at, created_at)
       SELECT 'listing', name, ?1, ?1 FROM listings l
       WHERE built_generation < generation AND lease_until <= ?1
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'listing' AND o.target = l.name AND o.dead_at IS NULL)
       LIMIT ?2
       RETURNING target`,
    )
    .bind(now, STALE_LISTINGS_LIMIT)
    .all<{ target: string }>();
  return results.map((row) => row.target);
}
