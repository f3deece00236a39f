/**
 * @module pipeline/listing-builders
 * The documents the read model prebuilds, each a builder: a read of D1's current state (one batch,
 * one transaction) and the documents it renders. The home page, sections, tags and authors share
 * one builder; their archives, the sitemaps and the news sitemap have their own. The materialiser
 * (pipeline/materialise.ts) decides when they run; this module decides what they write.
 */

import * as v from "valibot";
import { strongEtag } from "../cache/conditional";
import { absoluteUrl } from "../core/config";
import { sha256Hex } from "../core/digest";
import { type ListEntry, listEntrySchema } from "../core/schema";
import { publicSql, statusSql } from "../core/visibility";
import { forgetListing, getMeta, queueListings, rebuildEverythingStatements, setMeta } from "../editorial/database";
import { buildFeed, latestChange } from "../feeds/build";
import { absoluteImageUrl, channelFor, FEED_FORMATS, FEED_SIZE, type FeedFormat } from "../feeds/model";
import {
  buildNewsSitemap,
  buildSitemapIndex,
  buildSitemapMonth,
  buildSitemapPages,
  type ListingSitemap,
  NEWS_SITEMAP_MAX_AGE_MS,
  NEWS_SITEMAP_MAX_URLS,
  type NewsSitemapEntry,
} from "../feeds/sitemap";
import type { NavSection } from "../render/layout";
import { renderListing } from "../render/listing";
import { listingView, NO_SUBJECT } from "../render/listing-view";
import { type BuildTarget, formatTarget, NEWS_SITEMAP, parseTarget, SITEMAP_INDEX } from "../targets/build-target";
import {
  authorPath,
  DEFAULT_EDITION,
  listingName,
  navigationName,
  type StoredName,
  sectionPath,
  tagPath,
} from "../targets/document-name";
import {
  type ArchivePart,
  archiveKey,
  archivePath,
  type Listing,
  listingFeedPaths,
  listingPagePath,
  PAGE_SIZE,
} from "../targets/listings";
import type { BuiltDocument, ListingBuilder, Snapshot } from "./builder";
import { type CorrectionsSnapshot, correctionsBuilder } from "./corrections-builder";
import { liveBuilder } from "./live-builder";

export type { BuiltDocument, ListingBuilder, Snapshot };

/** The first statement of every builder's read: the generation the rest of the batch is read at. */
function generationStatement(db: D1Database, name: string): D1PreparedStatement {
  return db.prepare("SELECT generation FROM listings WHERE name = ?").bind(name);
}

function generationOf(result: D1Result | undefined): number {
  return (result?.results[0] as { generation: number } | undefined)?.generation ?? 0;
}

/** A builder's one document and its ETag. */
async function oneDocument(name: StoredName, body: string, now: number): Promise<BuiltDocument[]> {
  return [{ name, body, meta: { builtAt: now, etag: await strongEtag(body) } }];
}

/** A document that should no longer exist: writing it deletes it from KV (and purges its tags if it was there). */
const removed = (name: StoredName, now: number): BuiltDocument => ({ name, body: null, meta: { builtAt: now, etag: "" } });

/**
 * The target a builder was handed, by its name. builderFor chooses a builder by the target's kind,
 * so a name of another kind here is a bug in this module, not bad input.
 */
function targetOf<K extends BuildTarget["kind"]>(name: string, kind: K): Extract<BuildTarget, { kind: K }> {
  const target = parseTarget(name);
  if (target?.kind !== kind) throw new Error(`${JSON.stringify(name)} is not a ${kind} target`);
  return target as Extract<BuildTarget, { kind: K }>;
}

/** Public at the `now` bound in its place (core/visibility says what that is). */
const PUBLIC = publicSql();
/** The same, for an article aliased `a`. */
const PUBLIC_A = publicSql("a");
/** Scheduled: listed, but its time has not come. */
const SCHEDULED_A = statusSql("scheduled", "?");
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
  /** The home page's only: whether the navigation differs from the one every page was built with. */
  navChanged: boolean;
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
  WHERE EXISTS (SELECT 1 FROM articles a WHERE a.section_slug = s.slug AND ${PUBLIC_A})
  ORDER BY s.position, s.name COLLATE NOCASE LIMIT ${MAX_NAV}`;

/** The sections in the header's navigation at `now`. */
export async function loadNav(db: D1Database, now: number): Promise<NavSection[]> {
  return (await db.prepare(NAV_SQL).bind(now).all<NavSection>()).results;
}

/**
 * The navigation every page was last built with, so a change to it rebuilds them all and rewrites
 * the navigation's own document (which pages rendered on request read). Its name changed when that
 * document arrived, so an upgraded site writes it on its first build.
 */
const navBuilt = (listing: Listing): string => `navigation_built${listing.edition ? `:${listing.edition}` : ""}`;

/** The home page, a section, a tag or an author: a first page and three feeds, prebuilt. */
const articleListing: ListingBuilder<ListingSnapshot> = {
  afterWrite: afterListingWrite,
  async read(db, now, name) {
    const { listing } = targetOf(name, "listing");
    const where = membership(listing);
    const limit = Math.max(PAGE_SIZE, FEED_SIZE);
    // One batch is one transaction: the generation and the rows come from the same state.
    const [generation, subject, items, total, next, nav, newest] = await db.batch([
      generationStatement(db, name),
      subjectStatement(db, listing),
      db
        .prepare(
          `SELECT a.entry, a.rss_item, a.atom_item, a.json_item, a.modified_at FROM articles a
           WHERE ${PUBLIC_A} AND ${where.sql}
           ORDER BY a.published_at DESC, a.id DESC LIMIT ?`,
        )
        .bind(now, ...where.params, limit),
      db.prepare(`SELECT COUNT(*) AS n FROM articles a WHERE ${PUBLIC_A} AND ${where.sql}`).bind(now, ...where.params),
      db
        .prepare(`SELECT MIN(a.published_at) AS at FROM articles a WHERE ${SCHEDULED_A} AND ${where.sql}`)
        .bind(now, ...where.params),
      db.prepare(NAV_SQL).bind(now),
      db
        .prepare(
          `SELECT ${MONTH_SQL} AS month, COUNT(*) AS n FROM articles a
           WHERE ${PUBLIC_A} AND ${where.sql}
           GROUP BY month ORDER BY month DESC LIMIT 1`,
        )
        .bind(now, ...where.params),
    ]);
    const newestMonth = newest?.results[0] as { month: string; n: number } | undefined;
    const navRows = (nav?.results ?? []) as NavSection[];
    return {
      listing,
      navChanged: listing.kind === "home" && (await getMeta(db, navBuilt(listing))) !== JSON.stringify(navRows),
      newestArchive: newestMonth ? { month: newestMonth.month, part: Math.ceil(newestMonth.n / ARCHIVE_PART_SIZE) } : null,
      generation: generationOf(generation),
      subject: (subject?.results[0] as ListingSnapshot["subject"] | undefined) ?? null,
      items: (items?.results ?? []) as ListingSnapshot["items"],
      total: (total?.results[0] as { n: number } | undefined)?.n ?? 0,
      nextPublishAt: (next?.results[0] as { at: number | null } | undefined)?.at ?? null,
      nav: navRows,
    };
  },
  async render(site, snapshot, now) {
    const { listing } = snapshot;
    // The navigation, for the pages rendered on request (deeper pages, search): written with the
    // home page when it changed, never read back out of HTML.
    const navigation: BuiltDocument[] = snapshot.navChanged
      ? [
          {
            name: navigationName(listing.edition),
            body: JSON.stringify(snapshot.nav),
            meta: { builtAt: now, etag: await strongEtag(JSON.stringify(snapshot.nav)) },
          },
        ]
      : [];
    // No such section, tag or author (any more), or a section or tag with nothing public in it (a
    // draft's section must not show): its pages and feeds are 404s.
    if (!snapshot.subject || ((listing.kind === "section" || listing.kind === "tag") && snapshot.total === 0)) {
      return [
        ...navigation,
        ...[listingName(listing), ...FEED_FORMATS.map((format) => listingName(listing, format))].map((name) =>
          removed(name, now),
        ),
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
      ...navigation,
      {
        name: listingName(listing),
        body: page,
        // KV metadata holds at most 1,024 bytes: the label is at most 100 characters (LIMITS), and
        // the navigation is a document of its own (`navigation`), not kept here.
        meta: { ...base, etag: await strongEtag(page), total: snapshot.total, label: snapshot.subject.name.slice(0, 100) },
      },
      ...(await Promise.all(
        FEED_FORMATS.map(async (format) => ({
          name: listingName(listing, format),
          body: bodies[format],
          feedUrl: absoluteUrl(site, listingFeedPaths(listing)[format]),
          meta: { ...base, etag: await strongEtag(bodies[format]) },
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
  if (listing.kind !== "home" || !snapshot.navChanged) return;
  await setMeta(db, navBuilt(listing), JSON.stringify(snapshot.nav));
  await db.batch(rebuildEverythingStatements(db, now));
}

interface SitemapIndexSnapshot extends Snapshot {
  months: Array<{ month: string; lastModified: number }>;
  lastModified: number | undefined;
}

const sitemapIndexListing: ListingBuilder<SitemapIndexSnapshot> = {
  async read(db, now) {
    const [generation, months, latest] = await db.batch([
      generationStatement(db, formatTarget(SITEMAP_INDEX)),
      db
        .prepare(
          `SELECT ${monthOf("published_at")} AS month, MAX(modified_at) AS lastModified
           FROM articles WHERE ${PUBLIC} GROUP BY month ORDER BY month DESC`,
        )
        .bind(now),
      db.prepare(`SELECT MAX(modified_at) AS at FROM articles WHERE ${PUBLIC}`).bind(now),
    ]);
    return {
      generation: generationOf(generation),
      months: (months?.results ?? []) as SitemapIndexSnapshot["months"],
      lastModified: (latest?.results[0] as { at: number | null } | undefined)?.at ?? undefined,
    };
  },
  async render(site, snapshot, now) {
    return oneDocument(
      { kind: "sitemap-index", edition: DEFAULT_EDITION },
      buildSitemapIndex(site, snapshot.months, snapshot.lastModified),
      now,
    );
  },
};

interface SitemapMonthSnapshot extends Snapshot {
  urls: Array<{ slug: string; lastModified: number; image?: string }>;
  newest: boolean;
}

const sitemapMonthListing: ListingBuilder<SitemapMonthSnapshot> = {
  async read(db, now, name) {
    const { month } = targetOf(name, "sitemap-month");
    const [generation, urls, newest] = await db.batch([
      generationStatement(db, name),
      db
        .prepare(
          `SELECT slug, modified_at AS lastModified, json_extract(record, '$.image.url') AS image FROM articles
           WHERE ${PUBLIC} AND ${monthOf("published_at")} = ?
           ORDER BY published_at DESC, id DESC`,
        )
        .bind(now, month),
      db.prepare(`SELECT ${monthOf("MAX(published_at)")} AS month FROM articles WHERE ${PUBLIC}`).bind(now),
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
    const { month, edition = DEFAULT_EDITION } = targetOf(name, "sitemap-month");
    return oneDocument({ kind: "sitemap-month", edition, month }, buildSitemapMonth(site, urls, snapshot.newest), now);
  },
};

interface PagesSnapshot extends Snapshot {
  pages: Array<{ path: string; lastModified: number }>;
}

const PAGES_SQL: Record<ListingSitemap, string> = {
  sections: `SELECT s.slug, MAX(a.modified_at) AS lastModified FROM sections s JOIN articles a ON a.section_slug = s.slug
    WHERE ${PUBLIC_A} GROUP BY s.slug ORDER BY s.slug`,
  tags: `SELECT t.tag_slug AS slug, MAX(a.modified_at) AS lastModified FROM article_tags t JOIN articles a ON a.id = t.article_id
    WHERE ${PUBLIC_A} GROUP BY t.tag_slug ORDER BY t.tag_slug`,
  authors: `SELECT w.author_slug AS slug, MAX(a.modified_at) AS lastModified FROM article_authors w JOIN articles a ON a.id = w.article_id
    WHERE ${PUBLIC_A} GROUP BY w.author_slug ORDER BY w.author_slug`,
};

const PAGE_PATHS: Record<ListingSitemap, (slug: string) => string> = {
  sections: sectionPath,
  tags: tagPath,
  authors: authorPath,
};

/** A child sitemap of every section, tag or author page that has public articles. */
const pagesSitemapListing: ListingBuilder<PagesSnapshot> = {
  async read(db, now, name) {
    const kind = targetOf(name, "sitemap-pages").of;
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
    const { of, edition = DEFAULT_EDITION } = targetOf(name, "sitemap-pages");
    return oneDocument({ kind: "sitemap-pages", edition, of }, buildSitemapPages(site, snapshot.pages), now);
  },
};

interface NewsSnapshot extends Snapshot {
  entries: NewsSitemapEntry[];
}

/** The Google News sitemap: articles of the last 48 hours. The cron rebuilds it as they age out. */
const newsListing: ListingBuilder<NewsSnapshot> = {
  async read(db, now) {
    const [generation, entries] = await db.batch([
      generationStatement(db, formatTarget(NEWS_SITEMAP)),
      db
        .prepare(
          `SELECT slug, title, published_at AS published FROM articles WHERE ${PUBLIC} AND published_at > ?
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
    return oneDocument({ kind: "news-sitemap", edition: DEFAULT_EDITION }, buildNewsSitemap(site, snapshot.entries, now), now);
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
    const { listing } = targetOf(name, "archive");
    const where = membership(listing);
    const [generation, subject, rows, stored] = await db.batch([
      generationStatement(db, name),
      subjectStatement(db, listing),
      db
        .prepare(
          `SELECT a.id, a.modified_at, ${MONTH_SQL} AS month FROM articles a
           WHERE ${PUBLIC_A} AND ${where.sql}
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
    const documents: BuiltDocument[] = [];
    for (const part of snapshot.remove) {
      for (const format of FEED_FORMATS) documents.push(removed({ kind: "archive", listing, part, format }, now));
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
          name: { kind: "archive", listing, part: { month: plan.month, part: plan.part }, format },
          body,
          // Only the newest part grows as articles are published; the others change only when an old
          // article is edited or removed, which purges them. So they are cached for long.
          meta: { builtAt: now, etag: await strongEtag(body), ...(plan.newer ? { final: true } : {}) },
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

/** Each kind of build target's builder. */
const BUILDERS: { [K in BuildTarget["kind"]]: ListingBuilder<Snapshot> } = {
  listing: articleListing as ListingBuilder<Snapshot>,
  archive: archiveListing as ListingBuilder<Snapshot>,
  "sitemap-index": sitemapIndexListing as ListingBuilder<Snapshot>,
  "sitemap-month": sitemapMonthListing as ListingBuilder<Snapshot>,
  "sitemap-pages": pagesSitemapListing as ListingBuilder<Snapshot>,
  news: newsListing as ListingBuilder<Snapshot>,
  corrections: correctionsListing as ListingBuilder<Snapshot>,
  live: liveBuilder as ListingBuilder<Snapshot>,
};

/** The builder for a build target's name (targets/build-target.ts), or undefined for a name no target has. */
export function builderFor(name: string): ListingBuilder<Snapshot> | undefined {
  const target = parseTarget(name);
  return target && BUILDERS[target.kind];
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
