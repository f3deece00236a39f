/**
 * @module pipeline/cron
 * The cron's once-a-minute work: rebuild listings when a scheduled article goes live, refresh the
 * news sitemap every 15 minutes, empty the trash of what has been there 30 days, rebuild any KV listing that fell behind D1, then apply the
 * outbox (retries, delayed re-purges). Every step is idempotent, so two runs at once are harmless.
 */
import { type ArticleRow, getMeta, purgeTrash, queueListings, setMeta } from "../editorial/database";
import { listingsOfRow } from "../editorial/publishing";
import { ARCHIVE_PREFIX, listDocumentGenerations } from "../readmodel/store";
import { listingOfDocument } from "./listing-builders";
import { type ApplyReport, applyOutbox, type Materialiser } from "./materialise";

/** How long a deleted article stays in the trash, restorable, before it is gone for good. */
export const TRASH_RETENTION_MS = 30 * 86_400_000;
const GO_LIVE_CHECKED = "go_live_checked_at";
const NEWS_REFRESHED = "news_refreshed_at";
/** How often the cron rebuilds the news sitemap, so articles leave it within this of turning 48 hours old. */
const NEWS_REFRESH_MS = 15 * 60_000;
/** On the first run, look back this far for articles that went live. */
const FIRST_LOOK_BACK_MS = 120_000;

export interface CronReport extends ApplyReport {
  wentLive: number;
  emptiedFromTrash: string[];
  staleListings: string[];
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
  // A scheduled article that went live joins every listing it belongs to.
  if (live.length) await queueListings(m.db, [...new Set(live.flatMap(listingsOfRow))], now);
  await setMeta(m.db, GO_LIVE_CHECKED, String(now));

  // The news sitemap lists the last 48 hours: rebuild it now and then, as articles age out of it.
  const newsBuilt = Number((await getMeta(m.db, NEWS_REFRESHED)) ?? 0);
  if (now - newsBuilt >= NEWS_REFRESH_MS) {
    await queueListings(m.db, ["news"], now);
    await setMeta(m.db, NEWS_REFRESHED, String(now));
  }

  const emptiedFromTrash = await purgeTrash(m.db, now - TRASH_RETENTION_MS, now);
  const staleListings = await findStaleListings(m);
  if (staleListings.length) await queueListings(m.db, staleListings, now);
  const applied = await applyOutbox(m);
  return { ...applied, wentLive: live.length, emptiedFromTrash, staleListings };
}

/**
 * Listings whose KV documents were built from an older generation than D1 says was built: an older
 * rebuild that finished last and overwrote a newer one, or a write that never landed.
 */
async function findStaleListings(m: Materialiser): Promise<string[]> {
  const stored = await listDocumentGenerations(m.store);
  const { results } = await m.db
    .prepare("SELECT name, built_generation FROM listings WHERE built_generation > 0")
    .all<{ name: string; built_generation: number }>();
  const built = new Map(results.map((r) => [r.name, r.built_generation]));
  const stale = new Set<string>();
  for (const [name, generation] of built) {
    // Archives are checked part by part against their signatures instead (content/materialise.ts).
    if (name.startsWith(ARCHIVE_PREFIX)) continue;
    const documents = [...stored].filter(([document]) => listingOfDocument(document) === name);
    if (documents.length === 0 || documents.some(([, stored]) => stored < generation)) stale.add(name);
  }
  return [...stale];
}
