/**
 * @module pipeline/listing-builders
 * The documents the read model prebuilds, each a builder: a read of D1's current state (one batch,
 * one transaction) and the documents it renders. The home page, sections, tags and authors share
 * one builder; their archives, the sitemaps and the news sitemap have their own. The materialiser
 * (content/materialise.ts) decides when they run; this module decides what they write.
 */

import * as v from "valibot";
import { strongEtag } from "../cache/conditional";
import { TAGS } from "../cache/policy";
import { absoluteUrl, authorPath, type Site, sectionPath, tagPath } from "../core/config";
import { sha256Hex } from "../core/digest";
import { parseLiveListing } from "../core/live";
import { type ListEntry, listEntrySchema } from "../core/schema";
import { forgetListing, getMeta, queueListings, rebuildEverythingStatements, setMeta } from "../editorial/database";
import { buildFeed, latestChange } from "../feeds/build";
import { absoluteImageUrl, channelFor, FEED_FORMATS, FEED_SIZE, type FeedFormat } from "../feeds/model";
import {
  buildNewsSitemap,
  buildSitemapIndex,
  buildSitemapMonth,
  buildSitemapPages,
  LISTING_SITEMAPS,
  type ListingSitemap,
  NEWS_SITEMAP_MAX_AGE_MS,
  NEWS_SITEMAP_MAX_URLS,
  type NewsSitemapEntry,
} from "../feeds/sitemap";
import type { StoredDocument } from "../readmodel/store";
import type { NavSection } from "../render/layout";
import { type ListingView, renderListing } from "../render/listing";
import { CORRECTIONS } from "../targets/corrections";
import {
  type ArchivePart,
  archiveDocumentName,
  archiveKey,
  archivePath,
  archiveTag,
  documentName,
  HOME,
  type Listing,
  listingFeedPaths,
  listingPagePath,
  listingTags,
  PAGE_SIZE,
  parseListing,
} from "../targets/listings";
import { type CorrectionsSnapshot, correctionsBuilder } from "./corrections-builder";
import { liveBuilder } from "./live-builder";

export interface Snapshot {
  generation: number;
}

/** The first statement of every builder's read: the generation the rest of the batch is read at. */
function generationStatement(db: D1Database, name: string): D1PreparedStatement {
  return db.prepare("SELECT generation FROM listings WHERE name = ?").bind(name);
}

function generationOf(result: D1Result | undefined): number {
  return (result?.results[0] as { generation: number } | undefined)?.generation ?? 0;
}

export interface BuiltDocument {
  name: string;
  /** Null when the document should not exist. */
  body: string | null;
  /** A subscription feed's own URL: a change to it pings the WebSub hub. */
  feedUrl?: string;
  meta: Omit<StoredDocument["meta"], "generation">;
  tags: string[];
}

/** A builder's one document and its ETag, under one cache tag. */
async function oneDocument(name: string, body: string, now: number, tag: string): Promise<BuiltDocument[]> {
  return [{ name, body, meta: { builtAt: now, etag: await strongEtag(body) }, tags: [tag] }];
}

/** A document that should no longer exist: writing it deletes it from KV (and purges its tag if it was there). */
const removed = (name: string, now: number, tag: string): BuiltDocument => ({
  name,
  body: null,
  meta: { builtAt: now, etag: "" },
  tags: [tag],
});

/** The child sitemap a `sitemap:<child>` name stands for: a month like 2026-03, or a listing sitemap. */
const sitemapChild = (name: string): string => name.slice("sitemap:".length);

export interface ListingBuilder<S extends Snapshot> {
  read(db: D1Database, now: number, name: string): Promise<S>;
  render(site: Site, snapshot: S, now: number, name: string): Promise<BuiltDocument[]>;
  /** Bookkeeping in D1 once the documents are in KV. */
  afterWrite?(db: D1Database, snapshot: S, now: number, name: string): Promise<void>;
}

const PUBLIC = "draft = 0 AND deleted_at IS NULL";
/** The same, for an article aliased `a`. */
const PUBLIC_A = "a.draft = 0 AND a.deleted_at IS NULL";
/** An article's month (UTC), like 2025-03: what the sitemap and the archives group by. */
const monthOf = (publishedAt: string): string => `strftime('%Y-%m', ${publishedAt} / 1000, 'unixepoch')`;
const MONTH_SQL = monthOf("a.published_at");

interface ListingSnapshot extends Snapshot {
  listing: Listing;
  /** The section's, tag's or author's record; null when it does not exist (and neither does the listing). */
  subject: { name: string; bio: string; url: string | null; photo_url: string | null } | null;
  items: Array<{ entry: string; rss_item: string; atom_item: string; json_item: string; modified_at: number }>;
  total: number;
  nextPublishAt: number | null;
  nav: NavSection[];
  /** The newest archive document, which the subscription feed points back to. */
  newestArchive: ArchivePart | null;
}

/** The condition that puts an article (`a`) in a listing, and its parameters. */
function membership(listing: Listing): { sql: string; params: unknown[] } {
  switch (listing.kind) {
    case "home":
      return { sql: "1 = 1", params: [] };
    case "section":
      return { sql: "a.section_slug = ?", params: [listing.slug] };
    case "tag":
      return {
        sql: "EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag_slug = ?)",
        params: [listing.slug],
      };
    case "author":
      return {
        sql: "EXISTS (SELECT 1 FROM article_authors w WHERE w.article_id = a.id AND w.author_slug = ?)",
        params: [listing.slug],
      };
  }
}

const SUBJECT_SQL: Record<Exclude<Listing["kind"], "home">, string> = {
  section: "SELECT name, '' AS bio, NULL AS url, NULL AS photo_url FROM sections WHERE slug = ?",
  tag: "SELECT name, '' AS bio, NULL AS url, NULL AS photo_url FROM tags WHERE slug = ?",
  author: "SELECT name, bio, url, photo_url FROM authors WHERE slug = ?",
};

/** The home page is nobody's: its subject is empty, and always there. */
export const NO_SUBJECT = { name: "", bio: "", url: null, photo_url: null };

/** Reads a listing's subject (its section, tag or author) in a batch; the home page's is NO_SUBJECT. */
const subjectStatement = (db: D1Database, listing: Listing): D1PreparedStatement =>
  listing.kind === "home"
    ? db.prepare("SELECT ? AS name, '' AS bio, NULL AS url, NULL AS photo_url").bind(NO_SUBJECT.name)
    : db.prepare(SUBJECT_SQL[listing.kind]).bind(listing.slug);

/** Sections shown in the navigation: enough for a newsroom's header. */
const MAX_NAV = 12;

/**
 * The header's sections: those with a public article, in their editors' order. A section that
 * only drafts use stays out of it, so no unpublished name shows.
 */
const NAV_SQL = `SELECT s.slug, s.name FROM sections s
  WHERE EXISTS (SELECT 1 FROM articles a WHERE a.section_slug = s.slug AND ${PUBLIC_A} AND a.published_at <= ?)
  ORDER BY s.position, s.name COLLATE NOCASE LIMIT ${MAX_NAV}`;

/** The sections in the header's navigation at `now`. */
export async function loadNav(db: D1Database, now: number): Promise<NavSection[]> {
  return (await db.prepare(NAV_SQL).bind(now).all<NavSection>()).results;
}

/** The navigation every page was last built with, so a change to it rebuilds them all. */
const NAV_BUILT = "nav_built";

/** The home page, a section, a tag or an author: a first page and three feeds, prebuilt. */
const articleListing: ListingBuilder<ListingSnapshot> = {
  afterWrite: afterListingWrite,
  async read(db, now, name) {
    const listing = parseListing(name) ?? HOME;
    const where = membership(listing);
    const limit = Math.max(PAGE_SIZE, FEED_SIZE);
    // One batch is one transaction: the generation and the rows come from the same state.
    const [generation, subject, items, total, next, nav, newest] = await db.batch([
      generationStatement(db, name),
      subjectStatement(db, listing),
      db
        .prepare(
          `SELECT a.entry, a.rss_item, a.atom_item, a.json_item, a.modified_at FROM articles a
           WHERE ${PUBLIC_A} AND a.published_at <= ? AND ${where.sql}
           ORDER BY a.published_at DESC, a.id DESC LIMIT ?`,
        )
        .bind(now, ...where.params, limit),
      db
        .prepare(`SELECT COUNT(*) AS n FROM articles a WHERE ${PUBLIC_A} AND a.published_at <= ? AND ${where.sql}`)
        .bind(now, ...where.params),
      db
        .prepare(`SELECT MIN(a.published_at) AS at FROM articles a WHERE ${PUBLIC_A} AND a.published_at > ? AND ${where.sql}`)
        .bind(now, ...where.params),
      db.prepare(NAV_SQL).bind(now),
      db
        .prepare(
          `SELECT ${MONTH_SQL} AS month, COUNT(*) AS n FROM articles a
           WHERE ${PUBLIC_A} AND a.published_at <= ? AND ${where.sql}
           GROUP BY month ORDER BY month DESC LIMIT 1`,
        )
        .bind(now, ...where.params),
    ]);
    const newestMonth = newest?.results[0] as { month: string; n: number } | undefined;
    return {
      listing,
      newestArchive: newestMonth ? { month: newestMonth.month, part: Math.ceil(newestMonth.n / ARCHIVE_PART_SIZE) } : null,
      generation: generationOf(generation),
      subject: (subject?.results[0] as ListingSnapshot["subject"] | undefined) ?? null,
      items: (items?.results ?? []) as ListingSnapshot["items"],
      total: (total?.results[0] as { n: number } | undefined)?.n ?? 0,
      nextPublishAt: (next?.results[0] as { at: number | null } | undefined)?.at ?? null,
      nav: (nav?.results ?? []) as NavSection[],
    };
  },
  async render(site, snapshot, now) {
    const { listing } = snapshot;
    const tags = listingTags(listing);
    // No such section, tag or author (any more), or a section or tag with nothing public in it (a
    // draft's section must not show): its pages and feeds are 404s.
    if (!snapshot.subject || ((listing.kind === "section" || listing.kind === "tag") && snapshot.total === 0)) {
      return [
        removed(documentName(listing), now, tags.pages),
        ...FEED_FORMATS.map((format) => removed(documentName(listing, format), now, tags.feed(format))),
      ];
    }
    // One broken row is logged and left out; it never takes the listing down with it.
    const valid = snapshot.items.flatMap((item) => {
      const entry = parseEntry(item.entry);
      return entry ? [{ item, entry }] : [];
    });
    const entries = valid.slice(0, PAGE_SIZE).map(({ entry }) => entry);
    const feedItems = valid.slice(0, FEED_SIZE).map(({ item }) => item);
    const updated = latestChange(feedItems);
    const view = listingView(site, listing, snapshot.subject);
    const expiresAt = snapshot.nextPublishAt ?? undefined;
    const base = { builtAt: now, ...(expiresAt === undefined ? {} : { expiresAt }) };
    const page = await renderListing(site, { view, entries, page: 1, hasOlder: snapshot.total > PAGE_SIZE, nav: snapshot.nav });
    const channel = (format: FeedFormat) =>
      channelFor(site, {
        format,
        homePath: listingPagePath(listing, 1),
        paths: listingFeedPaths(listing),
        title: view.feedTitle,
        ...(updated === undefined ? {} : { updated }),
        ...(snapshot.newestArchive
          ? { prevArchive: absoluteUrl(site, archivePath(listing, snapshot.newestArchive, format)) }
          : {}),
      });
    const bodies = Object.fromEntries(
      FEED_FORMATS.map((format) => [format, buildFeed(format, channel(format), feedItems, now)]),
    ) as Record<FeedFormat, string>;
    return [
      {
        name: documentName(listing),
        body: page,
        // KV metadata holds at most 1,024 bytes: the label is at most 100 characters (LIMITS), and
        // the navigation is not kept here (deeper pages take it from this page's HTML).
        meta: { ...base, etag: await strongEtag(page), total: snapshot.total, label: snapshot.subject.name.slice(0, 100) },
        tags: [tags.pages],
      },
      ...(await Promise.all(
        FEED_FORMATS.map(async (format) => ({
          name: documentName(listing, format),
          body: bodies[format],
          feedUrl: absoluteUrl(site, listingFeedPaths(listing)[format]),
          meta: { ...base, etag: await strongEtag(bodies[format]) },
          tags: [tags.feed(format)],
        })),
      )),
    ];
  },
};

/**
 * After the home page is built: if the navigation changed (a section's first public article, its
 * last one gone, a rename or a new order), every page is queued for rebuilding with it. A listing
 * whose subject is gone is forgotten, so the cron does not keep rebuilding it.
 */
async function afterListingWrite(db: D1Database, snapshot: ListingSnapshot, now: number, name: string): Promise<void> {
  const { listing } = snapshot;
  if (listing.kind !== "home" && !snapshot.subject) {
    await forgetListing(db, name);
    return;
  }
  if (listing.kind !== "home") return;
  const nav = JSON.stringify(snapshot.nav);
  if ((await getMeta(db, NAV_BUILT)) === nav) return;
  await setMeta(db, NAV_BUILT, nav);
  await db.batch(rebuildEverythingStatements(db, now));
}

/** How a listing presents itself: heading, description, paths and, for an author, the profile. */
export function listingView(
  site: Site,
  listing: Listing,
  subject: { name: string; bio: string; url: string | null; photo_url: string | null },
): ListingView {
  const common = {
    path: (page: number) => listingPagePath(listing, page),
    feeds: listingFeedPaths(listing),
  };
  switch (listing.kind) {
    case "home":
      return {
        ...common,
        heading: "Latest articles",
        description: site.description,
        feedTitle: site.title,
        empty: "Nothing has been published yet.",
      };
    case "section":
      return {
        ...common,
        heading: subject.name,
        description: `The latest ${subject.name} articles from ${site.title}.`,
        feedTitle: `${subject.name} · ${site.title}`,
        empty: "Nothing has been published in this section yet.",
      };
    case "tag":
      return {
        ...common,
        heading: `Tagged “${subject.name}”`,
        description: `Articles tagged ${subject.name} on ${site.title}.`,
        feedTitle: `${subject.name} · ${site.title}`,
        empty: "Nothing has been published with this tag yet.",
      };
    case "author":
      return {
        ...common,
        heading: subject.name,
        description: subject.bio || `Articles by ${subject.name} on ${site.title}.`,
        feedTitle: `${subject.name} · ${site.title}`,
        empty: "Nothing has been published by this author yet.",
        author: {
          name: subject.name,
          bio: subject.bio,
          ...(subject.url ? { url: subject.url } : {}),
          ...(subject.photo_url ? { photoUrl: absoluteImageUrl(site, subject.photo_url) } : {}),
        },
      };
  }
}

interface SitemapIndexSnapshot extends Snapshot {
  months: Array<{ month: string; lastModified: number }>;
  lastModified: number | undefined;
}

const sitemapIndexListing: ListingBuilder<SitemapIndexSnapshot> = {
  async read(db, now) {
    const [generation, months, latest] = await db.batch([
      generationStatement(db, "sitemap"),
      db
        .prepare(
          `SELECT ${monthOf("published_at")} AS month, MAX(modified_at) AS lastModified
           FROM articles WHERE ${PUBLIC} AND published_at <= ? GROUP BY month ORDER BY month DESC`,
        )
        .bind(now),
      db.prepare(`SELECT MAX(modified_at) AS at FROM articles WHERE ${PUBLIC} AND published_at <= ?`).bind(now),
    ]);
    return {
      generation: generationOf(generation),
      months: (months?.results ?? []) as SitemapIndexSnapshot["months"],
      lastModified: (latest?.results[0] as { at: number | null } | undefined)?.at ?? undefined,
    };
  },
  async render(site, snapshot, now) {
    return oneDocument("sitemap", buildSitemapIndex(site, snapshot.months, snapshot.lastModified), now, TAGS.sitemap);
  },
};

interface SitemapMonthSnapshot extends Snapshot {
  urls: Array<{ slug: string; lastModified: number; image?: string }>;
  newest: boolean;
}

const sitemapMonthListing: ListingBuilder<SitemapMonthSnapshot> = {
  async read(db, now, name) {
    const month = sitemapChild(name);
    const [generation, urls, newest] = await db.batch([
      generationStatement(db, name),
      db
        .prepare(
          `SELECT slug, modified_at AS lastModified, json_extract(record, '$.image.url') AS image FROM articles
           WHERE ${PUBLIC} AND published_at <= ? AND ${monthOf("published_at")} = ?
           ORDER BY published_at DESC, id DESC`,
        )
        .bind(now, month),
      db.prepare(`SELECT ${monthOf("MAX(published_at)")} AS month FROM articles WHERE ${PUBLIC} AND published_at <= ?`).bind(now),
    ]);
    return {
      generation: generationOf(generation),
      urls: ((urls?.results ?? []) as Array<{ slug: string; lastModified: number; image: string | null }>).map(
        ({ image, ...url }) => (image ? { ...url, image } : url),
      ),
      newest: (newest?.results[0] as { month: string | null } | undefined)?.month === month,
    };
  },
  async render(site, snapshot, now, name) {
    const urls = snapshot.urls.map((url) => (url.image ? { ...url, image: absoluteImageUrl(site, url.image) } : url));
    return oneDocument(name, buildSitemapMonth(site, urls, snapshot.newest), now, TAGS.sitemapChild(sitemapChild(name)));
  },
};

interface PagesSnapshot extends Snapshot {
  pages: Array<{ path: string; lastModified: number }>;
}

const PAGES_SQL: Record<ListingSitemap, string> = {
  sections: `SELECT s.slug, MAX(a.modified_at) AS lastModified FROM sections s JOIN articles a ON a.section_slug = s.slug
    WHERE ${PUBLIC_A} AND a.published_at <= ? GROUP BY s.slug ORDER BY s.slug`,
  tags: `SELECT t.tag_slug AS slug, MAX(a.modified_at) AS lastModified FROM article_tags t JOIN articles a ON a.id = t.article_id
    WHERE ${PUBLIC_A} AND a.published_at <= ? GROUP BY t.tag_slug ORDER BY t.tag_slug`,
  authors: `SELECT w.author_slug AS slug, MAX(a.modified_at) AS lastModified FROM article_authors w JOIN articles a ON a.id = w.article_id
    WHERE ${PUBLIC_A} AND a.published_at <= ? GROUP BY w.author_slug ORDER BY w.author_slug`,
};

const PAGE_PATHS: Record<ListingSitemap, (slug: string) => string> = {
  sections: sectionPath,
  tags: tagPath,
  authors: authorPath,
};

/** A child sitemap of every section, tag or author page that has public articles. */
const pagesSitemapListing: ListingBuilder<PagesSnapshot> = {
  async read(db, now, name) {
    const kind = sitemapChild(name) as ListingSitemap;
    const [generation, rows] = await db.batch([generationStatement(db, name), db.prepare(PAGES_SQL[kind]).bind(now)]);
    return {
      generation: generationOf(generation),
      pages: ((rows?.results ?? []) as Array<{ slug: string; lastModified: number }>).map((r) => ({
        path: PAGE_PATHS[kind](r.slug),
        lastModified: r.lastModified,
      })),
    };
  },
  async render(site, snapshot, now, name) {
    return oneDocument(name, buildSitemapPages(site, snapshot.pages), now, TAGS.sitemapChild(sitemapChild(name)));
  },
};

interface NewsSnapshot extends Snapshot {
  entries: NewsSitemapEntry[];
}

/** The Google News sitemap: articles of the last 48 hours. The cron rebuilds it as they age out. */
const newsListing: ListingBuilder<NewsSnapshot> = {
  async read(db, now) {
    const [generation, entries] = await db.batch([
      generationStatement(db, "news"),
      db
        .prepare(
          `SELECT slug, title, published_at AS published FROM articles WHERE ${PUBLIC} AND published_at <= ? AND published_at > ?
           ORDER BY published_at DESC LIMIT ?`,
        )
        .bind(now, now - NEWS_SITEMAP_MAX_AGE_MS, NEWS_SITEMAP_MAX_URLS),
    ]);
    return {
      generation: generationOf(generation),
      entries: (entries?.results ?? []) as NewsSnapshot["entries"],
    };
  },
  async render(site, snapshot, now) {
    return oneDocument("news", buildNewsSitemap(site, snapshot.entries, now), now, TAGS.newsSitemap);
  },
};

/** Articles in one archive document: a month's, in parts of this many, oldest first. */
export const ARCHIVE_PART_SIZE = 100;
/** Archive documents one rebuild writes at most (three KV writes each); the rest wait a round. */
const MAX_ARCHIVE_PARTS_PER_ROUND = 20;

interface ArchiveDocPlan extends ArchivePart {
  ids: string[];
  signature: string;
  older: ArchivePart | null;
  newer: ArchivePart | null;
}

interface ArchiveSnapshot extends Snapshot {
  listing: Listing;
  subject: ListingSnapshot["subject"];
  /** The parts to write now, with their items newest first. */
  write: Array<
    ArchiveDocPlan & { items: Array<{ rss_item: string; atom_item: string; json_item: string; modified_at: number }> }
  >;
  /** Parts that no longer exist. */
  remove: ArchivePart[];
  /** Whether more parts changed than one round writes. */
  more: boolean;
}

/**
 * RFC 5005 archived feeds for a listing: every article it ever had, month by month, so a feed reader
 * can walk the whole archive from the subscription feed's `prev-archive`. A rebuild compares each
 * part's signature (its articles, their last change, its neighbours) with the one stored in D1, and
 * writes only the parts that changed: a new article touches one part, not the whole archive.
 */
const archiveListing: ListingBuilder<ArchiveSnapshot> = {
  async read(db, now, name) {
    const listing = parseListing(name.slice("archive:".length)) ?? HOME;
    const where = membership(listing);
    const [generation, subject, rows, stored] = await db.batch([
      generationStatement(db, name),
      subjectStatement(db, listing),
      db
        .prepare(
          `SELECT a.id, a.modified_at, ${MONTH_SQL} AS month FROM articles a
           WHERE ${PUBLIC_A} AND a.published_at <= ? AND ${where.sql}
           ORDER BY a.published_at ASC, a.id ASC`,
        )
        .bind(now, ...where.params),
      db.prepare("SELECT doc, signature FROM archives WHERE listing = ?").bind(listing.name),
    ]);
    const members = (rows?.results ?? []) as Array<{ id: string; modified_at: number; month: string }>;
    const plans: ArchiveDocPlan[] = [];
    for (let i = 0; i < members.length; ) {
      const month = members[i]?.month ?? "";
      let end = i;
      while (end < members.length && members[end]?.month === month) end++;
      for (let start = i, part = 1; start < end; start += ARCHIVE_PART_SIZE, part++) {
        const slice = members.slice(start, Math.min(end, start + ARCHIVE_PART_SIZE));
        plans.push({
          month,
          part,
          ids: slice.map((r) => r.id),
          signature: slice.map((r) => `${r.id}@${r.modified_at}`).join(","),
          older: null,
          newer: null,
        });
      }
      i = end;
    }
    // The listing's name is in every part's title: a rename rewrites them all.
    const title = (subject?.results[0] as { name?: string } | undefined)?.name ?? "";
    for (const [i, plan] of plans.entries()) {
      const older = plans[i - 1];
      const newer = plans[i + 1];
      plan.older = older ? { month: older.month, part: older.part } : null;
      plan.newer = newer ? { month: newer.month, part: newer.part } : null;
      plan.signature = await sha256Hex(
        `${plan.signature}|${older ? archiveKey(older) : ""}|${newer ? archiveKey(newer) : ""}|${title}`,
      );
    }
    const had = new Map(((stored?.results ?? []) as Array<{ doc: string; signature: string }>).map((r) => [r.doc, r.signature]));
    const changed = plans.filter((plan) => had.get(archiveKey(plan)) !== plan.signature);
    const taken = changed.slice(0, MAX_ARCHIVE_PARTS_PER_ROUND);
    const wanted = new Set(plans.map(archiveKey));
    const remove = [...had.keys()]
      .filter((key) => !wanted.has(key))
      .map((key) => {
        const [month = "", part = "1"] = key.split("/");
        return { month, part: Number(part) };
      });
    const ids = taken.flatMap((plan) => plan.ids);
    const fragments = ids.length
      ? (
          await db
            .prepare(
              "SELECT id, rss_item, atom_item, json_item, modified_at FROM articles WHERE id IN (SELECT value FROM json_each(?))",
            )
            .bind(JSON.stringify(ids))
            .all<{ id: string; rss_item: string; atom_item: string; json_item: string; modified_at: number }>()
        ).results
      : [];
    const byId = new Map(fragments.map((f) => [f.id, f]));
    return {
      generation: generationOf(generation),
      listing,
      subject: (subject?.results[0] as ListingSnapshot["subject"] | undefined) ?? null,
      write: taken.map((plan) => ({
        ...plan,
        // Oldest first in D1's order; feeds list newest first.
        items: plan.ids
          .map((id) => byId.get(id))
          .filter((item): item is NonNullable<typeof item> => item !== undefined)
          .reverse(),
      })),
      remove,
      more: changed.length > taken.length,
    };
  },
  async render(site, snapshot, now) {
    const { listing } = snapshot;
    const tags = listingTags(listing);
    const documents: BuiltDocument[] = [];
    for (const part of snapshot.remove) {
      for (const format of FEED_FORMATS)
        documents.push(removed(archiveDocumentName(listing, part, format), now, tags.feed(format)));
    }
    if (!snapshot.subject) return documents;
    const view = listingView(site, listing, snapshot.subject);
    for (const plan of snapshot.write) {
      const updated = latestChange(plan.items);
      for (const format of FEED_FORMATS) {
        const channel = channelFor(site, {
          format,
          homePath: listingPagePath(listing, 1),
          paths: {
            rss: archivePath(listing, plan, "rss"),
            atom: archivePath(listing, plan, "atom"),
            json: archivePath(listing, plan, "json"),
          },
          title: view.feedTitle,
          archive: true,
          current: absoluteUrl(site, listingFeedPaths(listing)[format]),
          ...(updated === undefined ? {} : { updated }),
          ...(plan.older ? { prevArchive: absoluteUrl(site, archivePath(listing, plan.older, format)) } : {}),
          ...(plan.newer ? { nextArchive: absoluteUrl(site, archivePath(listing, plan.newer, format)) } : {}),
        });
        const body = buildFeed(format, channel, plan.items, now);
        documents.push({
          name: archiveDocumentName(listing, plan, format),
          body,
          // Only the newest part grows as articles are published; the others change only when an old
          // article is edited or removed, which purges them. So they are cached for long.
          meta: { builtAt: now, etag: await strongEtag(body), ...(plan.newer ? { final: true } : {}) },
          // Its own tag: a new article purges the newest part, never the year-long copies of the rest.
          tags: [archiveTag(listing, plan)],
        });
      }
    }
    return documents;
  },
  async afterWrite(db, snapshot, now, name) {
    const { listing } = snapshot;
    const statements = [
      ...snapshot.remove.map((part) =>
        db.prepare("DELETE FROM archives WHERE listing = ? AND doc = ?").bind(listing.name, archiveKey(part)),
      ),
      ...snapshot.write.map((plan) =>
        db
          .prepare(
            "INSERT INTO archives (listing, doc, signature) VALUES (?, ?, ?) ON CONFLICT (listing, doc) DO UPDATE SET signature = excluded.signature",
          )
          .bind(listing.name, archiveKey(plan), plan.signature),
      ),
    ];
    if (statements.length) await db.batch(statements);
    // More parts changed than one round writes: come back for them.
    if (snapshot.more) await queueListings(db, [name], now);
  },
};

/** The corrections page and its feeds (pipeline/corrections-builder.ts). */
const correctionsListing: ListingBuilder<CorrectionsSnapshot> = correctionsBuilder(loadNav);

/** The builder for a listing name, or undefined for a name no listing has. */
export function builderFor(name: string): ListingBuilder<Snapshot> | undefined {
  if (name === CORRECTIONS.name) return correctionsListing as ListingBuilder<Snapshot>;
  if (name === "news") return newsListing as ListingBuilder<Snapshot>;
  if (parseLiveListing(name)) return liveBuilder as ListingBuilder<Snapshot>;
  if (name.startsWith("archive:") && parseListing(name.slice("archive:".length)))
    return archiveListing as ListingBuilder<Snapshot>;
  if (parseListing(name)) return articleListing as ListingBuilder<Snapshot>;
  if (name === "sitemap") return sitemapIndexListing as ListingBuilder<Snapshot>;
  if (/^sitemap:\d{4}-\d{2}$/.test(name)) return sitemapMonthListing as ListingBuilder<Snapshot>;
  if ((LISTING_SITEMAPS as readonly string[]).includes(sitemapChild(name)) && name.startsWith("sitemap:")) {
    return pagesSitemapListing as ListingBuilder<Snapshot>;
  }
  return undefined;
}

/** The listing a stored document belongs to: `home:rss` is built by `home`, `tag:x:atom` by `tag:x`. */
export function listingOfDocument(document: string): string {
  // A live article's documents: live:<slug>:status, live:<slug>:atom, … are built by live:<slug>.
  if (document.startsWith("live:")) return document.split(":").slice(0, 2).join(":");
  return document.replace(/:\d{4}-\d{2}:\d+:(rss|atom|json)$/, "").replace(/:(rss|atom|json)$/, "");
}

function parseEntry(json: string): ListEntry | null {
  try {
    const entry = v.safeParse(listEntrySchema, JSON.parse(json));
    if (entry.success) return entry.output;
  } catch {
    // Reported below.
  }
  console.error("Skipping an article whose list entry in D1 is broken");
  return null;
}
