/**
 * @module pipeline/live-builder
 * The documents of one live article, built by the name `live:<slug>`: its feeds (one entry per
 * update), the small JSON document its optional script polls, and its pages of older updates. The
 * article's page itself is the article's own work (pipeline/materialise.ts `writePage`).
 *
 * Older pages are cut from the oldest update (core/live.ts), so a new update changes only the
 * newest of them: like the feed archives, each page's signature (its updates, their last change,
 * whether it is the last page) is kept in D1's `archives`, and only pages whose signature changed
 * are written. A live article with 2,000 updates costs one page write per update, not forty.
 */
import { strongEtag } from "../cache/conditional";
import { absoluteUrl, type Site } from "../core/config";
import { sha256Hex } from "../core/digest";
import { isCoverageOpen, LIVE_PAGE_SIZE, olderPageCount } from "../core/live";
import type { StoredArticle } from "../core/schema";
import { type LiveUpdateRow, readLiveListing, readLiveMembers, updatesByIds } from "../data/live";
import { forgetListing, queueListings, recordArchives } from "../data/pipeline";
import { storedArticleOf } from "../editorial/database";
import { labelOf, updateFeedId } from "../editorial/live";
import { atomItem } from "../feeds/atom";
import { buildFeed, type FeedItems } from "../feeds/build";
import { jsonFeedItem } from "../feeds/json-feed";
import { absolutizeLinks, channelFor, FEED_FORMATS, feedPaths } from "../feeds/model";
import { rssItem } from "../feeds/rss";
import type { NavSection } from "../render/layout";
import { type LiveUpdateView, renderOlderUpdates } from "../render/live";
import { parseTarget } from "../targets/build-target";
import { articlePath, LIVE_DOCUMENTS, LIVE_PATHS, type StoredName } from "../targets/document-name";
import type { BuiltDocument, ListingBuilder, Snapshot } from "./builder";

/** Older pages one rebuild writes at most; the rest wait a round (a first build of a long blog). */
const MAX_OLDER_PAGES_PER_ROUND = 20;

/** The JSON document the script polls: small, and the same for every reader. */
export interface LiveStatus {
  open: boolean;
  start: string;
  end?: string;
  total: number;
  /** The newest updates, newest first: their ids, times (ms) and last change (ms). */
  updates: Array<{ id: string; at: number; changed: number }>;
}

interface OlderPagePlan {
  page: number;
  ids: string[];
  signature: string;
}

interface LiveSnapshot extends Snapshot {
  slug: string;
  /** The article, when it is public and live; null when its documents should not exist. */
  article: (StoredArticle & { feedId: string; live: NonNullable<StoredArticle["live"]> }) | null;
  latest: LiveUpdateRow[];
  total: number;
  pages: number;
  write: Array<OlderPagePlan & { updates: LiveUpdateRow[] }>;
  remove: number[];
  more: boolean;
  nav: NavSection[];
}

/** What `archives` calls a live article's older page. */
const pageDoc = (page: number): string => `updates/${page}`;

export const liveBuilder: ListingBuilder<LiveSnapshot> = {
  async read(db, now, name) {
    const target = parseTarget(name);
    const slug = target?.kind === "live" ? target.slug : "";
    const state = await readLiveListing(db, name, slug, now);
    const row = state.article;
    const record = row ? storedArticleOf(row) : undefined;
    const had = state.signatures;
    const base = {
      generation: state.generation,
      slug,
      nav: state.nav,
    };
    if (!row || !record?.live) {
      const remove = [...had.keys()].map((doc) => Number(doc.slice("updates/".length))).filter(Number.isInteger);
      return { ...base, article: null, latest: [], total: 0, pages: 0, write: [], remove, more: false };
    }
    const { latest, members } = await readLiveMembers(db, row.id);
    const pages = olderPageCount(members.length);
    const plans: OlderPagePlan[] = [];
    for (let page = 1; page <= pages; page++) {
      const slice = members.slice((page - 1) * LIVE_PAGE_SIZE, page * LIVE_PAGE_SIZE);
      plans.push({
        page,
        ids: slice.map((m) => m.id),
        // The title is on every page, and the last page links to the article rather than a later page.
        signature: await sha256Hex(
          `${slice.map((m) => `${m.id}@${m.changed_at}`).join(",")}|${page === pages}|${record.title}|${JSON.stringify(base.nav)}`,
        ),
      });
    }
    const changed = plans.filter((plan) => had.get(pageDoc(plan.page)) !== plan.signature);
    const taken = changed.slice(0, MAX_OLDER_PAGES_PER_ROUND);
    const ids = taken.flatMap((plan) => plan.ids);
    const rows = await updatesByIds(db, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return {
      ...base,
      article: { ...record, feedId: row.feed_id, live: record.live },
      latest,
      total: members.length,
      pages,
      // Each page lists its updates newest first, like the article page.
      write: taken.map((plan) => ({
        ...plan,
        updates: plan.ids
          .map((id) => byId.get(id))
          .filter((u): u is LiveUpdateRow => u !== undefined)
          .reverse(),
      })),
      remove: [...had.keys()]
        .map((doc) => Number(doc.slice("updates/".length)))
        .filter((page) => Number.isInteger(page) && page > pages),
      more: changed.length > taken.length,
    };
  },

  async render(site, snapshot, now) {
    const { slug, article } = snapshot;
    const documents: BuiltDocument[] = snapshot.remove.map((page) => removed(LIVE_DOCUMENTS.older(slug, page), now));
    if (!article) {
      return [
        ...documents,
        removed(LIVE_DOCUMENTS.status(slug), now),
        ...FEED_FORMATS.map((format) => removed(LIVE_DOCUMENTS.feed(slug, format), now)),
      ];
    }
    const status: LiveStatus = {
      open: isCoverageOpen(article.live, now),
      start: article.live.start,
      ...(article.live.end ? { end: article.live.end } : {}),
      total: snapshot.total,
      updates: snapshot.latest.map((u) => ({ id: u.id, at: u.created_at, changed: u.changed_at })),
    };
    const statusBody = JSON.stringify(status);
    documents.push({
      name: LIVE_DOCUMENTS.status(slug),
      body: statusBody,
      // (A coverage end still to come is in the document: the script stops polling at it.)
      meta: { builtAt: now, etag: await strongEtag(statusBody) },
    });
    const items = snapshot.latest.map((update) => feedItems(site, article, update));
    const updated = snapshot.latest.length ? Math.max(...snapshot.latest.map((u) => u.changed_at)) : undefined;
    const paths = feedPaths(articlePath(slug));
    for (const format of FEED_FORMATS) {
      const channel = channelFor(site, {
        format,
        homePath: articlePath(slug),
        paths,
        title: `${article.title} · live updates · ${site.title}`,
        ...(updated === undefined ? {} : { updated }),
      });
      const body = buildFeed(format, channel, items, now);
      documents.push({
        name: LIVE_DOCUMENTS.feed(slug, format),
        body,
        feedUrl: absoluteUrl(site, paths[format]),
        meta: { builtAt: now, etag: await strongEtag(body) },
      });
    }
    for (const plan of snapshot.write) {
      const body = await renderOlderUpdates(site, {
        slug,
        title: article.title,
        page: plan.page,
        pages: snapshot.pages,
        updates: plan.updates.map(updateView),
        nav: snapshot.nav,
      });
      documents.push({
        name: LIVE_DOCUMENTS.older(slug, plan.page),
        body,
        // A page before the last no longer changes as updates arrive: cached for long, and purged
        // by its own tag when one of its updates is edited or removed.
        meta: { builtAt: now, etag: await strongEtag(body), ...(plan.page < snapshot.pages ? { final: true } : {}) },
      });
    }
    return documents;
  },

  async afterWrite(db, snapshot, now, name) {
    await recordArchives(
      db,
      name,
      snapshot.write.map((plan) => ({ doc: pageDoc(plan.page), signature: plan.signature })),
      snapshot.remove.map(pageDoc),
    );
    if (snapshot.more) await queueListings(db, [name], now);
    // Not live (any more), or gone: nothing keeps rebuilding it. A save that makes it live queues it again.
    else if (!snapshot.article) await forgetListing(db, name);
  },
};

/** An update as the pages show it. */
export function updateView(update: LiveUpdateRow): LiveUpdateView {
  return {
    id: update.id,
    at: update.created_at,
    changedAt: update.changed_at,
    headline: update.headline,
    label: labelOf(update),
    html: update.html,
    pinned: update.pinned === 1,
  };
}

/** One update as an item of the article's live feeds, in every format. */
function feedItems(site: Site, article: StoredArticle & { feedId: string }, update: LiveUpdateRow): FeedItems {
  const item = {
    id: updateFeedId(article.feedId, update.id),
    url: absoluteUrl(site, LIVE_PATHS.update(article.slug, update.id)),
    title: labelOf(update),
    summary: update.summary,
    contentHtml: absolutizeLinks(site, update.html),
    published: new Date(update.created_at).toISOString(),
    modified: new Date(update.changed_at).toISOString(),
    category: article.category,
    authors: article.authors,
    tags: [],
  };
  return { rss_item: rssItem(item), atom_item: atomItem(item), json_item: jsonFeedItem(item) };
}

function removed(name: StoredName, now: number): BuiltDocument {
  return { name, body: null, meta: { builtAt: now, etag: "" } };
}
