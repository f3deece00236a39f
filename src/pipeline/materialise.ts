/**
 * @module pipeline/materialise
 * Brings one document of the KV read model up to D1's state: an article's page and index keys, or
 * a listing's documents. The queue consumer (pipeline/consumer.ts) calls it for each message.
 *
 * Every step reads D1's current state rather than replaying the change, so applying an entry twice,
 * late or out of order does no harm. Two guards keep an older state from overwriting a newer one:
 * - an article is re-read after its KV write, and written again if its revision moved meanwhile;
 * - a listing is rebuilt by one holder of its lease at a time, at most once a second (KV's limit
 *   for one key), until its built generation catches up with D1's. The cron queues any listing
 *   whose built generation in D1 fell behind.
 */

import * as v from "valibot";
import { strongEtag } from "../cache/conditional";
import type { Clock } from "../core/clock";
import type { Site } from "../core/config";
import { isCoverageOpen, newestOlderPage } from "../core/live";
import { listEntrySchema } from "../core/schema";
import {
  type ArticleRow,
  articleRevisionsById,
  getArticleRow,
  getArticleRowById,
  getArticleRows,
  indexKeysOf,
  pageWrittenStatement,
  recordIndexKeys,
  recordPageGone,
  redirectFor,
  setIndexKeys,
} from "../data/articles";
import {
  claimListingLease,
  documentEtags,
  finishListingBuild,
  listingGeneration,
  type PurgeMode,
  queueWebSub,
  rebuildBuiltListingsStatements,
  recordDocumentEtags,
  releaseListingLease,
  runStatements,
  schedulePurgeStatements,
} from "../data/pipeline";
import { editionOfLanguage, filingOfRow, storedArticleOf } from "../editorial/database";
import { siteForEdition, versionsOf, withInterfaceText } from "../editorial/editions";
import { type LivePage, readLivePage } from "../editorial/live";
import { listingsOfRow } from "../editorial/publishing";
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
import { parseTarget, targetEdition } from "../targets/build-target";
import { documentTags, type Edition, formatStoredName, pageName, TAGS } from "../targets/document-name";
import { listingsFor } from "../targets/listings";
import { builderFor } from "./listing-builders";
import { updateView } from "./live-builder";
import type { PipelineQueues } from "./messages";
import type { PurgePacing, Purger } from "./purges";
import { applySearchRow } from "./search-entry";

export interface Materialiser {
  db: D1Database;
  store: Store;
  /** The reader's cache: its RPC entrypoint in production, the local layer elsewhere. */
  cache: Purger;
  pacing: PurgePacing;
  queues: PipelineQueues;
  /** The search index's database, when the Worker has one. */
  search?: D1Database;
  site: Site;
  clock: Clock;
  /** How requests leave the Worker: `fetch`, or a fake WebSub hub in tests. */
  fetch: (request: Request) => Promise<Response>;
  /**
   * Statements the work of one queue batch leaves for its end (the purges it schedules), which the
   * consumer runs in one D1 batch with the batch's outbox rows; absent, each runs at once.
   */
  deferred?: D1PreparedStatement[];
  /** Targets one fan-out message sends (pipeline/fanout.ts's FANOUT_PAGE unless set). */
  fanoutPage?: number;
}

/** KV's write limit for one key is one a second. */
const KEY_WRITE_INTERVAL_MS = 1000;
/** A lease outlives any rebuild; a builder that died lets the next one in after it. */
export const LEASE_MS = 30_000;
/** Rebuilds one lease holder does before leaving the rest to the next message. */
const MAX_REBUILDS_PER_LEASE = 5;

/** Tells the WebSub hub which feeds changed: one request for all of them. Resolves whether it accepted. */
export async function pingHub(m: Materialiser, urls: string[]): Promise<boolean> {
  if (!m.site.hub) return true; // The hub was removed since: nothing to tell.
  try {
    const response = await m.fetch(new Request(m.site.hub, websubPing([...new Set(urls)])));
    if (!response.ok) console.error(`WebSub hub answered ${response.status}`);
    return response.ok;
  } catch (error) {
    console.error("WebSub ping failed:", error);
    return false;
  }
}

/** Writes one article's page (with the site's `navigation`) and index keys from D1's current state. */
export async function applyArticle(
  m: Materialiser,
  slug: string,
  navigation: (edition?: Edition) => Promise<NavSection[]>,
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await getArticleRow(m.db, slug);
    const meta = await writePage(m, slug, row, navigation);
    if (row) await writeIndexKeys(m, row);
    // The search entry from the same row, checked by the same look below. Search results read D1,
    // not KV: one purge is enough, with no repeat after KV's window.
    const searched = m.search ? await applySearchRow(m.search, slug, row, m.clock.now()) : false;
    // A save that landed while we wrote would have queued its own work; but if ours ran later than
    // its, our older state would win. So check, and write again if the row moved on.
    const after = row ? await getArticleRowById(m.db, row.id) : await getArticleRow(m.db, slug);
    // With no article at the slug, what was written is its redirect: check that it still holds.
    const redirectHeld = row || after ? true : (await redirectFor(m.db, slug)) === redirectWritten(meta);
    if ((after?.revision ?? null) === (row?.revision ?? null) && after?.slug === row?.slug && redirectHeld) {
      await settle(m, slug, row, meta, searched);
      return;
    }
  }
  throw new Error(`article ${slug} kept changing while it was written to KV`);
}

/** What follows a page written from a row that held: where the page is, and the purges it needs. */
async function settle(m: Materialiser, slug: string, row: ArticleRow | null, meta: PageMeta | null, searched: boolean) {
  if (row) await recordPage(m, row, meta);
  await refresh(m, documentTags(pageName(slug)), meta?.state === "live" ? "invalidate" : "purge");
  if (searched) await refresh(m, [TAGS.search], "purge", false);
}

/**
 * Writes many articles' pages as applyArticle writes one, from one read of D1 for all of them and
 * one look afterwards: two round trips, not two an article. A slug with no article (a redirect, a
 * deleted one), or whose row moved on while it was written, goes through applyArticle. Resolves the
 * failure of each slug that failed; the others are done. `pageOnly` writes the pages alone, not
 * their index keys or search entries: a translation group's other versions, whose hreflang links
 * changed but not their own revision.
 */
export async function applyArticles(
  m: Materialiser,
  slugs: string[],
  navigation: (edition?: Edition) => Promise<NavSection[]>,
  options: { pageOnly?: boolean } = {},
): Promise<Map<string, unknown>> {
  if (slugs.length === 0) return new Map();
  const failures = new Map<string, unknown>();
  const one = async (slug: string) => {
    try {
      await applyArticle(m, slug, navigation);
    } catch (error) {
      failures.set(slug, error);
    }
  };
  const rows = await getArticleRows(m.db, slugs);
  const written: Array<{ row: ArticleRow; meta: PageMeta | null; searched: boolean }> = [];
  for (const slug of slugs) {
    const row = rows.get(slug);
    if (!row) {
      await one(slug);
      continue;
    }
    try {
      const meta = await writePage(m, slug, row, navigation);
      if (!options.pageOnly) await writeIndexKeys(m, row);
      const searched = m.search && !options.pageOnly ? await applySearchRow(m.search, slug, row, m.clock.now()) : false;
      written.push({ row, meta, searched });
    } catch (error) {
      failures.set(slug, error);
    }
  }
  // A save that landed while we wrote queued its own work; but if ours ran later than its, our
  // older state would win. So look once for all, and write again any whose row moved on.
  const after = await articleRevisionsById(
    m.db,
    written.map(({ row }) => row.id),
  );
  for (const { row, meta, searched } of written) {
    const now = after.get(row.id);
    if (now?.revision !== row.revision || now.slug !== row.slug) {
      await one(row.slug);
      continue;
    }
    try {
      await settle(m, row.slug, row, meta, searched);
    } catch (error) {
      failures.set(row.slug, error);
    }
  }
  return failures;
}

/**
 * Records where the article's page now is (data/articles.ts `page_slug`): listings link only
 * articles whose page is written, so a page newly there queues again each of its listings that was
 * built (or is being built) without it. Costs nothing when the page was already there.
 */
async function recordPage(m: Materialiser, row: ArticleRow, meta: PageMeta | null): Promise<void> {
  const written = meta?.state === "live";
  if (written && row.page_slug !== row.slug) {
    await runStatements(m.db, [
      pageWrittenStatement(m.db, row.id, row.slug),
      ...rebuildBuiltListingsStatements(m.db, listingsOfRow(row), m.clock.now()),
    ]);
  } else if (!written && row.page_slug !== null) await recordPageGone(m.db, row.id);
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
  navigation: (edition?: Edition) => Promise<NavSection[]>,
): Promise<PageMeta | null> {
  if (row && row.deleted_at == null && row.draft === 0) {
    const article = storedArticleOf(row);
    // A live article's page carries its newest updates: one KV read for readers, however many there are.
    const live = article.live ? liveView(article.live, await readLivePage(m.db, row.id), m.clock.now()) : undefined;
    const edition = editionOfLanguage(row.language);
    // An edition removed under its article (the API refuses it; a hand edit could not) renders as the default.
    const site = (await siteForEdition(m.db, m.site, edition)) ?? withInterfaceText(m.site);
    // Its translations' versions, for its hreflang links and language switcher: prebuilt, so the reader reads one document.
    const versions = row.translation_group ? await versionsOf(m.db, m.site, slug, m.clock.now()) : [];
    const html = await renderArticle(site, article, await navigation(edition), live, versions);
    const meta: PageMeta = {
      state: "live",
      etag: await strongEtag(html),
      at: row.published_at,
      revision: row.revision,
      ...(edition ? { edition } : {}),
    };
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
  const wanted = listed ? listingsFor(filingOfRow(row)).map((listing) => indexKey(listing, row.published_at, row.slug)) : [];
  const had = indexKeysOf(row);
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

export type ListingState = "built" | "current" | "busy";

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
  let released = false;
  try {
    for (let round = 0; round < MAX_REBUILDS_PER_LEASE && target > built; round++) {
      const wait = builtAt + KEY_WRITE_INTERVAL_MS - m.clock.now();
      if (wait > 0) await m.clock.sleep(wait);
      const now = m.clock.now();
      const snapshot = await builder.read(m.db, now, name);
      const documents = await builder.render(await listingSite(m, name), snapshot, now, name);
      // A document's tags are refreshed when its bytes changed, judged against the ETag D1 recorded
      // when it was last written (KV itself may still show an older value in this location). They
      // are refreshed even if a later write fails, since the retry will find those documents
      // already recorded.
      const before = await documentEtags(
        m.db,
        documents.map((doc) => formatStoredName(doc.name)),
      );
      const tags = new Set<string>();
      const feeds: string[] = [];
      const written: Array<[string, string | null]> = [];
      try {
        for (const doc of documents) {
          const stored = formatStoredName(doc.name);
          const changed = doc.body === null ? before.has(stored) : before.get(stored) !== doc.meta.etag;
          if (doc.onlyWhenChanged && !changed) continue;
          if (doc.body === null) {
            // The listing no longer exists (its section, tag or author is gone): its URLs are 404s.
            await deleteDocument(m.store, doc.name);
          } else {
            await putDocument(m.store, doc.name, { body: doc.body, meta: { ...doc.meta, generation: snapshot.generation } });
          }
          written.push([stored, doc.body === null ? null : doc.meta.etag]);
          if (changed) {
            for (const tag of documentTags(doc.name)) tags.add(tag);
            if (doc.feedUrl) feeds.push(doc.feedUrl);
          }
        }
        // Listings and feeds carry other articles' text: one that was taken down must not linger
        // as a stale copy, so they are purged, not invalidated.
        if (tags.size) await refresh(m, [...tags], "purge");
        if (m.site.hub) await queueWebSub(m.db, feeds, now);
        await builder.afterWrite?.(m.db, snapshot, now, name);
      } catch (error) {
        // What was written is recorded, so the retry refreshes only what it changes.
        await recordDocumentEtags(m.db, written);
        if (tags.size) await refresh(m, [...tags], "purge");
        throw error;
      }
      builtAt = m.clock.now();
      built = snapshot.generation;
      // One round trip: the ETags, the generation built, the lease given back unless D1 moved on.
      const finished = await finishListingBuild(m.db, name, leaseId, written, built, builtAt);
      target = finished.generation ?? built;
      released = finished.released;
    }
  } finally {
    if (!released) await releaseListingLease(m.db, name, leaseId);
  }
  return built >= claimed.generation && built > claimed.built_generation ? "built" : "current";
}

/** The site a target's documents are rendered for: its edition's (editorial/editions.ts). */
async function listingSite(m: Materialiser, name: string): Promise<Site> {
  const target = parseTarget(name);
  const edition = target ? targetEdition(target) : "";
  return edition ? ((await siteForEdition(m.db, m.site, edition)) ?? withInterfaceText(m.site)) : withInterfaceText(m.site);
}

/**
 * Schedules a purge (or soft purge) of `tags` now and again once KV's propagation window has
 * passed, since a location may still read the old value and re-cache it just after the first. The
 * consumer sends them at the end of its batch, coalesced and paced (pipeline/purges.ts).
 */
async function refresh(m: Materialiser, tags: string[], mode: PurgeMode, repurge = true): Promise<void> {
  const statements = schedulePurgeStatements(m.db, tags, mode, m.clock.now(), repurge);
  // In a batch, the consumer writes them with the batch's outbox rows: one round trip for all.
  if (m.deferred) m.deferred.push(...statements);
  else await runStatements(m.db, statements);
}
