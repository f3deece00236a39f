/**
 * @module pipeline/materialise
 * Brings the KV read model and the caches up to D1's state by applying the outbox. Runs right
 * after every change (in `waitUntil`) and from the cron, for whatever is left over or failed.
 *
 * Every step reads D1's current state rather than replaying the change, so applying an entry twice,
 * late or out of order does no harm. Two guards keep an older state from overwriting a newer one:
 * - an article is re-read after its KV write, and written again if its revision moved meanwhile;
 * - a listing is rebuilt by one holder of its lease at a time, at most once a second (KV's limit
 *   for one key), until its built generation catches up with D1's. The cron compares the
 *   generation stored with each KV document against D1's and rebuilds any that fell behind.
 */

import * as v from "valibot";
import { strongEtag } from "../cache/conditional";
import type { EdgeCache } from "../cache/edge-cache";
import { TAGS } from "../cache/policy";
import type { Clock } from "../core/clock";
import type { Site } from "../core/config";
import { isCoverageOpen, newestOlderPage } from "../core/live";
import { listEntrySchema } from "../core/schema";
import {
  type ArticleRow,
  claimListingLease,
  claimOutbox,
  completeOutbox,
  completeOutboxRow,
  documentEtags,
  filingOfRow,
  getArticleRow,
  getArticleRowById,
  listingGeneration,
  type OutboxRow,
  queuePurge,
  queueWebSub,
  recordDocumentEtags,
  recordIndexKeys,
  recordListingBuilt,
  redirectFor,
  releaseListingLease,
  releaseOutbox,
  retryOutbox,
  setIndexKeys,
  storedArticleOf,
} from "../editorial/database";
import { type LivePage, readLivePage } from "../editorial/live";
import { websubPing } from "../feeds/websub";
import {
  deleteDocument,
  deleteIndexEntry,
  deletePage,
  indexKey,
  type PageMeta,
  putDocument,
  putIndexEntry,
  putPage,
  type Store,
} from "../readmodel/store";
import { renderArticle } from "../render/article";
import type { NavSection } from "../render/layout";
import type { LiveView } from "../render/live";
import { listingsFor } from "../targets/listings";
import { builderFor, loadNav } from "./listing-builders";
import { updateView } from "./live-builder";
import { applySearchEntry } from "./search-entry";

export interface Materialiser {
  db: D1Database;
  store: Store;
  cache: EdgeCache;
  site: Site;
  clock: Clock;
  /** How requests leave the Worker: `fetch`, or a fake WebSub hub in tests. */
  fetch: (request: Request) => Promise<Response>;
  /** The search index, kept in step with each article; absent where a Worker does not bind it. */
  search?: D1Database;
}

/** KV's write limit for one key is one a second. */
const KEY_WRITE_INTERVAL_MS = 1000;
/** KV is eventually consistent for about 60 s: every purge is repeated after this. */
export const REPURGE_DELAY_MS = 65_000;
/** A lease outlives any rebuild; a builder that died lets the next one in after it. */
const LEASE_MS = 30_000;
/** Rebuilds one lease holder does before leaving the rest to the next run. */
const MAX_REBUILDS_PER_LEASE = 5;
/** How long claimed rows stay with one run before they fall due again. */
const CLAIM_MS = 60_000;
/**
 * Outbox rows one batch takes. An article row costs about a dozen D1 and KV operations (more for
 * an article in many listings), so a batch stays well inside a Worker's 1,000 subrequests.
 */
const OUTBOX_BATCH = 40;
/** A purge request takes at most 100 tags. */
const MAX_PURGE_TAGS = 100;

export interface ApplyReport {
  articles: string[];
  listings: string[];
  purged: string[];
  /** Feeds the WebSub hub was told about. */
  pinged: string[];
  failed: string[];
}

/** Batches one run takes at most; the cron comes back for the rest a minute later. */
const MAX_BATCHES = 2;

/** Applies the outbox rows that are due, a batch at a time, until none is left or the budget is spent. */
export async function applyOutbox(m: Materialiser): Promise<ApplyReport> {
  const report: ApplyReport = { articles: [], listings: [], purged: [], pinged: [], failed: [] };
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const rows = await claimOutbox(m.db, m.clock.now(), OUTBOX_BATCH, CLAIM_MS);
    if (rows.length === 0) break;
    await applyBatch(m, rows, report);
  }
  return report;
}

async function applyBatch(m: Materialiser, rows: OutboxRow[], report: ApplyReport): Promise<void> {
  // Rows for the same target are applied once: the first row stands for them all, up to the last id.
  const groups = new Map<string, { first: OutboxRow; maxId: number; rows: OutboxRow[] }>();
  for (const row of rows) {
    const key = `${row.kind}\u0000${row.target}`;
    const group = groups.get(key);
    if (group) {
      group.maxId = Math.max(group.maxId, row.id);
      group.rows.push(row);
    } else groups.set(key, { first: row, maxId: row.id, rows: [row] });
  }
  const ordered = [...groups.values()].sort((a, b) => KIND_ORDER[a.first.kind] - KIND_ORDER[b.first.kind]);
  // Every article page in a batch carries the same navigation: it is read once, when first needed
  // (again after a failed read). A change to it while the batch runs queues every page anew.
  let nav: Promise<NavSection[]> | undefined;
  const navigation = (): Promise<NavSection[]> =>
    (nav ??= loadNav(m.db, m.clock.now()).catch((error: unknown) => {
      nav = undefined;
      throw error;
    }));
  const purges: OutboxRow[] = [];
  const pings: OutboxRow[] = [];
  for (const { first, maxId, rows: group } of ordered) {
    if (first.kind === "purge" || first.kind === "websub") {
      (first.kind === "purge" ? purges : pings).push(...group);
      continue;
    }
    try {
      if (first.kind === "article") {
        await applyArticle(m, first.target, navigation);
        report.articles.push(first.target);
      } else {
        const state = await applyListing(m, first.target);
        if (state === "busy") {
          // Another run holds the lease and rebuilds until it is current; these rows wait for the cron.
          await releaseOutbox(
            m.db,
            group.map((row) => row.id),
            m.clock.now() + LEASE_MS,
          );
          continue;
        }
        report.listings.push(first.target);
      }
      await completeOutbox(m.db, first.kind, first.target, maxId);
    } catch (error) {
      console.error(`outbox ${first.kind} ${first.target} failed:`, error);
      report.failed.push(`${first.kind}:${first.target}`);
      await retryOutbox(m.db, first, String(error), m.clock.now());
    }
  }
  if (purges.length) await applyPurges(m, purges, report);
  if (pings.length) await applyPings(m, pings, report);
}

/** Tells the WebSub hub which feeds changed: one request for all of them, retried until it answers 2xx. */
async function applyPings(m: Materialiser, rows: OutboxRow[], report: ApplyReport): Promise<void> {
  const urls = [...new Set(rows.map((row) => row.target))];
  let ok = false;
  if (m.site.hub) {
    try {
      const response = await m.fetch(new Request(m.site.hub, websubPing(urls)));
      ok = response.ok;
      if (!ok) console.error(`WebSub hub answered ${response.status}`);
    } catch (error) {
      console.error("WebSub ping failed:", error);
    }
  } else ok = true; // The hub was removed since: nothing to tell.
  for (const row of rows) {
    if (ok) await completeOutboxRow(m.db, row.id);
    else await retryOutbox(m.db, row, "hub refused the ping", m.clock.now());
  }
  if (ok && m.site.hub) report.pinged.push(...urls);
  else if (!ok) report.failed.push(...urls.map((url) => `websub:${url}`));
}

const KIND_ORDER: Record<OutboxRow["kind"], number> = { article: 0, listing: 1, purge: 2, websub: 3 };

/** Writes one article's page (with the site's `navigation`) and index keys from D1's current state. */
async function applyArticle(m: Materialiser, slug: string, navigation: () => Promise<NavSection[]>): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await getArticleRow(m.db, slug);
    const meta = await writePage(m, slug, row, navigation);
    if (row) await writeIndexKeys(m, row);
    // A save that landed while we wrote would have queued its own work; but if ours ran later than
    // its, our older state would win. So check, and write again if the row moved on.
    const after = row ? await getArticleRowById(m.db, row.id) : await getArticleRow(m.db, slug);
    // With no article at the slug, what was written is its redirect: check that it still holds.
    const redirectHeld = row || after ? true : (await redirectFor(m.db, slug)) === redirectWritten(meta);
    if ((after?.revision ?? null) === (row?.revision ?? null) && after?.slug === row?.slug && redirectHeld) {
      await refresh(m, [TAGS.article(slug)], meta?.state === "live" ? "invalidate" : "purge");
      if (m.search && (await applySearchEntry(m.db, m.search, slug, m.clock.now()))) await purgeSearch(m);
      return;
    }
  }
  throw new Error(`article ${slug} kept changing while it was written to KV`);
}

/** The redirect a page record stands for: a slug, null for gone, undefined for none. */
function redirectWritten(meta: PageMeta | null): string | null | undefined {
  if (!meta) return undefined;
  if (meta.state === "moved") return meta.to;
  return meta.state === "gone" ? null : undefined;
}

async function writePage(
  m: Materialiser,
  slug: string,
  row: ArticleRow | null,
  navigation: () => Promise<NavSection[]>,
): Promise<PageMeta | null> {
  if (row && row.deleted_at == null && row.draft === 0) {
    const article = storedArticleOf(row);
    // A live article's page carries its newest updates: one KV read for readers, however many there are.
    const live = article.live ? liveView(article.live, await readLivePage(m.db, row.id), m.clock.now()) : undefined;
    const html = await renderArticle(m.site, article, await navigation(), live);
    const meta: PageMeta = { state: "live", etag: await strongEtag(html), at: row.published_at, revision: row.revision };
    await putPage(m.store, slug, html, meta);
    return meta;
  }
  if (row && row.deleted_at != null) {
    const meta: PageMeta = { state: "gone", revision: row.revision };
    await putPage(m.store, slug, "", meta);
    return meta;
  }
  if (row) {
    await deletePage(m.store, slug); // A draft: no page at all.
    return null;
  }
  const to = await redirectFor(m.db, slug);
  if (to === undefined) {
    await deletePage(m.store, slug);
    return null;
  }
  const meta: PageMeta = to === null ? { state: "gone" } : { state: "moved", to };
  await putPage(m.store, slug, "", meta);
  return meta;
}

/** What a live article's page shows of its coverage, at `now`. */
function liveView(coverage: LiveView["coverage"], page: LivePage, now: number): LiveView {
  const older = newestOlderPage(page.total);
  return {
    coverage,
    open: isCoverageOpen(coverage, now),
    updates: page.updates.map(updateView),
    keyEvents: page.keyEvents,
    ...(older === undefined ? {} : { olderPage: older }),
  };
}

async function writeIndexKeys(m: Materialiser, row: ArticleRow): Promise<void> {
  const listed = row.deleted_at == null && row.draft === 0;
  const wanted = listed ? listingsFor(filingOfRow(row)).map((listing) => indexKey(listing.name, row.published_at, row.slug)) : [];
  const had = JSON.parse(row.index_keys) as string[];
  const stale = had.filter((key) => !wanted.includes(key));
  const added = wanted.filter((key) => !had.includes(key));
  // Recorded before they are written, whatever revision the row is at now: a key that a later
  // run does not know about could never be removed.
  if (added.length) await recordIndexKeys(m.db, row.id, [...new Set([...had, ...wanted])]);
  if (listed) {
    const entry = v.parse(listEntrySchema, JSON.parse(row.entry));
    for (const key of wanted) await putIndexEntry(m.store, key, entry);
  }
  for (const key of stale) await deleteIndexEntry(m.store, key);
  if (stale.length || added.length) await setIndexKeys(m.db, row.id, wanted, row.revision);
}

type ListingState = "built" | "current" | "busy";

/** Rebuilds a listing's KV documents, coalescing bursts: one holder of the lease at a time. */
export async function applyListing(m: Materialiser, name: string): Promise<ListingState> {
  const builder = builderFor(name);
  if (!builder) {
    console.error(`outbox names an unknown listing ${name}; dropping it`);
    return "current";
  }
  const leaseId = crypto.randomUUID();
  const claimed = await claimListingLease(m.db, name, leaseId, m.clock.now(), LEASE_MS);
  if (!claimed) return (await listingGeneration(m.db, name)) === null ? "current" : "busy";
  let builtAt = claimed.built_at;
  let target = claimed.generation;
  let built = claimed.built_generation;
  try {
    for (let round = 0; round < MAX_REBUILDS_PER_LEASE && target > built; round++) {
      const wait = builtAt + KEY_WRITE_INTERVAL_MS - m.clock.now();
      if (wait > 0) await m.clock.sleep(wait);
      const now = m.clock.now();
      const snapshot = await builder.read(m.db, now, name);
      const documents = await builder.render(m.site, snapshot, now, name);
      // A document's tags are refreshed when its bytes changed, judged against the ETag D1 recorded
      // when it was last written (KV itself may still show an older value in this location). They
      // are refreshed even if a later write fails, since the retry will find those documents
      // already recorded.
      const before = await documentEtags(
        m.db,
        documents.map((doc) => doc.name),
      );
      const tags = new Set<string>();
      const feeds: string[] = [];
      const written: Array<[string, string | null]> = [];
      try {
        for (const doc of documents) {
          const changed = doc.body === null ? before.has(doc.name) : before.get(doc.name) !== doc.meta.etag;
          if (doc.body === null) {
            // The listing no longer exists (its section, tag or author is gone): its URLs are 404s.
            await deleteDocument(m.store, doc.name);
          } else {
            await putDocument(m.store, doc.name, { body: doc.body, meta: { ...doc.meta, generation: snapshot.generation } });
          }
          written.push([doc.name, doc.body === null ? null : doc.meta.etag]);
          if (changed) {
            for (const tag of doc.tags) tags.add(tag);
            if (doc.feedUrl) feeds.push(doc.feedUrl);
          }
        }
      } finally {
        await recordDocumentEtags(m.db, written);
        // Listings and feeds carry other articles' text: one that was taken down must not linger
        // as a stale copy, so they are purged, not invalidated.
        if (tags.size) await refresh(m, [...tags], "purge");
      }
      if (m.site.hub) await queueWebSub(m.db, feeds, now);
      await builder.afterWrite?.(m.db, snapshot, now, name);
      builtAt = m.clock.now();
      built = snapshot.generation;
      await recordListingBuilt(m.db, name, leaseId, built, builtAt);
      target = (await listingGeneration(m.db, name)) ?? built;
    }
  } finally {
    await releaseListingLease(m.db, name, leaseId);
  }
  return built >= claimed.generation && built > claimed.built_generation ? "built" : "current";
}

/**
 * Purges (or soft-purges) tags now, and again once KV's propagation window has passed, since a
 * location may still read the old value and re-cache it just after the first purge. A purge that
 * fails is queued for the cron.
 */
async function refresh(m: Materialiser, tags: string[], mode: "purge" | "invalidate"): Promise<void> {
  const now = m.clock.now();
  await queuePurge(m.db, tags, now + REPURGE_DELAY_MS, now);
  const done = await m.cache[mode](tags).catch((error: unknown) => {
    console.error(`cache ${mode} threw:`, error);
    return false;
  });
  if (!done) await queuePurge(m.db, tags, now, now);
}

/**
 * Search results read D1, never KV, so one purge is enough (no repeat after KV's propagation window);
 * one that fails is queued for the cron.
 */
async function purgeSearch(m: Materialiser): Promise<void> {
  const done = await m.cache.purge([TAGS.search]).catch(() => false);
  if (!done) await queuePurge(m.db, [TAGS.search], m.clock.now(), m.clock.now());
}

async function applyPurges(m: Materialiser, rows: OutboxRow[], report: ApplyReport): Promise<void> {
  const tags = new Set<string>();
  const taken: OutboxRow[] = [];
  for (const row of rows) {
    const rowTags = row.target.split(",").filter(Boolean);
    if (taken.length && new Set([...tags, ...rowTags]).size > MAX_PURGE_TAGS) break;
    for (const tag of rowTags) tags.add(tag);
    taken.push(row);
  }
  const ok = await m.cache.purge([...tags]).catch(() => false);
  for (const row of taken) {
    // By its own id: a re-purge of the same tags that is not due yet must stay queued.
    if (ok) await completeOutboxRow(m.db, row.id);
    else await retryOutbox(m.db, row, "purge refused", m.clock.now());
  }
  if (ok) report.purged.push(...tags);
  else report.failed.push(...[...tags].map((tag) => `purge:${tag}`));
}
