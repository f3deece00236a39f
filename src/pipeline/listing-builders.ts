/**
 * @module pipeline/listing-builders
 * The documents the read model prebuilds, each a builder: a read of D1's current state (one batch,
 * one transaction) and the documents it renders. The home page, sections, tags and authors share
 * one builder; their archives, the sitemaps and the news sitemap have their own. The materialiser
 * (pipeline/materialise.ts) decides when they run; this module decides what they write.
 */

import * as v from "valibot";
import { strongEtag } from "../cache/conditional";
import { absoluteUrl, type Site } from "../core/config";
import { sha256Hex } from "../core/digest";
import { type ListEntry, listEntrySchema } from "../core/schema";
import { editionBySegment, editionRows } from "../data/editions";
import {
  feedFragments,
  readArchive,
  readListing,
  loadNav as readNav,
  readNews,
  readPagesSitemap,
  readSitemapIndex,
  readSitemapMonth,
} from "../data/listings";
import { NAV_REBUILT } from "../data/nav";
import {
  forgetListing,
  getMeta,
  queueListings,
  rebuildEditionStatements,
  recordArchives,
  runStatements,
  setMeta,
} from "../data/pipeline";
import { editionOfLanguage } from "../editorial/database";
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
  type SitemapAlternate,
} from "../feeds/sitemap";
import type { EditionFace } from "../readmodel/store";
import type { NavSection } from "../render/layout";
import { renderListing } from "../render/listing";
import { listingView, NO_SUBJECT } from "../render/listing-view";
import { SubscribeForm } from "../render/subscribe";
import { type BuildTarget, formatTarget, NEWS_SITEMAP, parseTarget, SITEMAP_INDEX } from "../targets/build-target";
import {
  articlePath,
  authorPath,
  DEFAULT_EDITION,
  type Edition,
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
import { workTarget } from "./messages";

export type { BuiltDocument, ListingBuilder, Snapshot };

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
  /** The home page's only: the navigation (and another edition's settings) as `navigation_built` records them. */
  navValue: string;
  /** The newest archive document, which the subscription feed points back to. */
  newestArchive: ArchivePart | null;
}

/** The sections in an edition's header navigation at `now` (the default edition's unless given). */
export const loadNav = (db: D1Database, now: number, edition: Edition = DEFAULT_EDITION): Promise<NavSection[]> =>
  readNav(db, now, edition);

/**
 * The navigation every page was last built with, so a change to it rebuilds them all and rewrites
 * the navigation's own document (which pages rendered on request read). Its name changed when that
 * document arrived, so an upgraded site writes it on its first build.
 */
const navBuilt = (listing: Listing): string => `navigation_built${listing.edition ? `:${listing.edition}` : ""}`;

/** The navigation document as the home page's build writes it (readmodel/store.ts reads it). */
interface StoredNavigation {
  sections: NavSection[];
  face: EditionFace;
}

/** What the reader's on-request pages of an edition need of its settings, and its interface text. */
const faceOf = (site: Site): EditionFace => ({
  language: site.language,
  title: site.title,
  description: site.description,
  ...(site.timeZone ? { timeZone: site.timeZone } : {}),
  ...(site.text ? { text: site.text } : {}),
});

/**
 * Another edition's settings as its pages show them, for `navigation_built`: "" for the default
 * edition (its settings come from the vars too, which the pipeline sees as the site).
 */
async function editionSettingsKey(db: D1Database, edition: Edition): Promise<string> {
  if (edition === DEFAULT_EDITION) return "";
  const row = await editionBySegment(db, edition);
  return row ? `|${JSON.stringify([row.name, row.title, row.description, row.time_zone])}` : "";
}

/** The home page, a section, a tag or an author: a first page and three feeds, prebuilt. */
const articleListing: ListingBuilder<ListingSnapshot> = {
  afterWrite: afterListingWrite,
  async read(db, now, name) {
    const { listing } = targetOf(name, "listing");
    const read = await readListing(db, name, listing, now, Math.max(PAGE_SIZE, FEED_SIZE), NO_SUBJECT.name);
    const newestMonth = read.newestMonth;
    const navRows = read.nav;
    // What every page of the edition is built with: its navigation, and another edition's settings
    // (a new edition, or a new title or time zone, rebuilds that edition's pages).
    const navValue =
      listing.kind === "home" ? JSON.stringify(navRows) + (await editionSettingsKey(db, listing.edition)) : undefined;
    return {
      listing,
      // Each edition's home page keeps its navigation (its sections, under its names).
      navChanged: listing.kind === "home" && (await getMeta(db, navBuilt(listing))) !== (navValue ?? ""),
      navValue: navValue ?? "",
      newestArchive: newestMonth ? { month: newestMonth.month, part: Math.ceil(newestMonth.n / ARCHIVE_PART_SIZE) } : null,
      generation: read.generation,
      subject: read.subject,
      items: read.items,
      total: read.total,
      nextPublishAt: read.nextPublishAt,
      nav: read.nav,
    };
  },
  async render(site, snapshot, now) {
    const { listing } = snapshot;
    // The navigation and the edition's face, for the pages rendered on request (deeper pages,
    // search, 404 and 410): rendered with every build of the home page, written only when they
    // changed; never read back out of HTML.
    const navBody =
      listing.kind === "home" ? JSON.stringify({ sections: snapshot.nav, face: faceOf(site) } satisfies StoredNavigation) : null;
    const navigation: BuiltDocument[] = navBody
      ? [
          {
            name: navigationName(listing.edition),
            body: navBody,
            meta: { builtAt: now, etag: await strongEtag(navBody) },
            onlyWhenChanged: true,
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
    // Its list's name is the listing's own (`es/section:world`); a section, tag or author is named as its page heads it.
    const subscribe = SubscribeForm({ site, list: listing.name, name: snapshot.subject.name });
    const page = await renderListing(site, {
      view,
      entries,
      page: 1,
      hasOlder: snapshot.total > PAGE_SIZE,
      nav: snapshot.nav,
      subscribe,
    });
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
 * After an edition's home page is built: if its navigation changed (a section's first public
 * article there, its last one gone, a rename in that edition or a new order), every page of that
 * edition, and no other's, is queued for rebuilding with it. A listing whose subject is gone is
 * forgotten, so the cron does not keep rebuilding it.
 */
async function afterListingWrite(db: D1Database, snapshot: ListingSnapshot, now: number, name: string): Promise<void> {
  const { listing } = snapshot;
  if (listing.kind !== "home" && !snapshot.subject) {
    await forgetListing(db, name);
    return;
  }
  if (listing.kind !== "home" || !snapshot.navChanged) return;
  await setMeta(db, navBuilt(listing), snapshot.navValue);
  // A rebuild of everything that began with this navigation rebuilds every page with it already
  // (data/nav.ts records it in the rebuild's batch): a second one would build every page twice.
  if (!listing.edition && sameNav(await getMeta(db, NAV_REBUILT), snapshot.nav)) return;
  const fanout = (scope: "articles" | "listings") => workTarget({ kind: "fanout", scope, edition: listing.edition });
  await runStatements(
    db,
    rebuildEditionStatements(db, now, listing.edition, { articles: fanout("articles"), listings: fanout("listings") }),
  );
}

/** Whether the navigation recorded as built (JSON, written by this module or by D1) is `nav`. */
function sameNav(built: string | null, nav: NavSection[]): boolean {
  if (built === null) return false;
  try {
    return JSON.stringify(JSON.parse(built)) === JSON.stringify(nav);
  } catch {
    return false;
  }
}

interface SitemapIndexSnapshot extends Snapshot {
  months: Array<{ month: string; lastModified: number }>;
  lastModified: number | undefined;
}

const sitemapIndexListing: ListingBuilder<SitemapIndexSnapshot> = {
  async read(db, now) {
    return readSitemapIndex(db, formatTarget(SITEMAP_INDEX), now);
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
  urls: Array<{
    slug: string;
    path: string;
    language: string | null;
    lastModified: number;
    image?: string;
    versions: GroupVersion[];
  }>;
  newest: boolean;
}

/** A translation group's public version, as a month's sitemap reads it. */
const groupVersion = v.object({ slug: v.string(), language: v.nullable(v.string()), original: v.number() });
type GroupVersion = v.InferOutput<typeof groupVersion>;

/** The versions D1 gave as JSON; a broken value is logged and gives none (the page is still listed). */
function versionsOfJson(json: string | null): GroupVersion[] {
  if (json === null) return [];
  const parsed = v.safeParse(v.array(groupVersion), safeJson(json));
  if (!parsed.success) console.error("A translation group's versions in D1 are not what the sitemap expects");
  return parsed.success ? parsed.output : [];
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * The hreflang alternates of a page with translations: every version, itself included, and
 * x-default (the default edition's version, else the original). None for a page with no other.
 */
export function sitemapAlternates(site: Site, versions: GroupVersion[]): SitemapAlternate[] {
  if (versions.length < 2) return [];
  const path = (version: GroupVersion) => articlePath(version.slug, editionOfLanguage(version.language));
  const fallback = versions.find((version) => version.language === null) ?? versions.find((version) => version.original === 1);
  return [
    ...versions.map((version) => ({ hreflang: version.language ?? site.language, path: path(version) })),
    ...(fallback ? [{ hreflang: "x-default", path: path(fallback) }] : []),
  ];
}

const sitemapMonthListing: ListingBuilder<SitemapMonthSnapshot> = {
  async read(db, now, name) {
    const { month } = targetOf(name, "sitemap-month");
    const read = await readSitemapMonth(db, name, month, now);
    return {
      generation: read.generation,
      urls: read.urls.map(({ image, versions, ...url }) => ({
        ...url,
        path: articlePath(url.slug, editionOfLanguage(url.language)),
        versions: versionsOfJson(versions),
        ...(image ? { image } : {}),
      })),
      newest: read.newestMonth === month,
    };
  },
  async render(site, snapshot, now, name) {
    const urls = snapshot.urls.map(({ versions, language: _, ...url }) => {
      const alternates = sitemapAlternates(site, versions);
      return {
        ...url,
        ...(url.image ? { image: absoluteImageUrl(site, url.image) } : {}),
        ...(alternates.length ? { alternates } : {}),
      };
    });
    const { month, edition = DEFAULT_EDITION } = targetOf(name, "sitemap-month");
    return oneDocument({ kind: "sitemap-month", edition, month }, buildSitemapMonth(site, urls, snapshot.newest), now);
  },
};

interface PagesSnapshot extends Snapshot {
  pages: Array<{ path: string; lastModified: number }>;
}

const PAGE_PATHS: Record<ListingSitemap, (slug: string, edition: Edition) => string> = {
  sections: sectionPath,
  tags: tagPath,
  authors: authorPath,
};

/** A child sitemap of every section, tag or author page, in every edition, that has public articles. */
const pagesSitemapListing: ListingBuilder<PagesSnapshot> = {
  async read(db, now, name) {
    const kind = targetOf(name, "sitemap-pages").of;
    const read = await readPagesSitemap(db, name, kind, now);
    return {
      generation: read.generation,
      pages: read.rows.map((r) => ({
        path: PAGE_PATHS[kind](r.slug, editionOfLanguage(r.language)),
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

/**
 * The Google News sitemap: articles of the last 48 hours, of every edition, each with its own
 * `news:language` and its edition's name. The cron rebuilds it as they age out.
 */
const newsListing: ListingBuilder<NewsSnapshot> = {
  async read(db, now) {
    const read = await readNews(db, formatTarget(NEWS_SITEMAP), now, now - NEWS_SITEMAP_MAX_AGE_MS, NEWS_SITEMAP_MAX_URLS);
    const editions = await editionRows(db);
    return {
      generation: read.generation,
      entries: read.entries.map(({ language, ...entry }) => {
        const edition = language === null ? undefined : editions.find((row) => row.lang === language);
        return {
          ...entry,
          ...(language === null ? {} : { language, path: articlePath(entry.slug, editionOfLanguage(language)) }),
          ...(edition ? { publication: edition.title } : {}),
        };
      }),
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
    const { generation, subject, members, signatures: had } = await readArchive(db, name, listing, now, NO_SUBJECT.name);
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
    const title = subject?.name ?? "";
    for (const [i, plan] of plans.entries()) {
      const older = plans[i - 1];
      const newer = plans[i + 1];
      plan.older = older ? { month: older.month, part: older.part } : null;
      plan.newer = newer ? { month: newer.month, part: newer.part } : null;
      plan.signature = await sha256Hex(
        `${plan.signature}|${older ? archiveKey(older) : ""}|${newer ? archiveKey(newer) : ""}|${title}`,
      );
    }
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
    const fragments = await feedFragments(db, ids);
    const byId = new Map(fragments.map((f) => [f.id, f]));
    return {
      generation,
      listing,
      subject,
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
    await recordArchives(
      db,
      listing.name,
      snapshot.write.map((plan) => ({ doc: archiveKey(plan), signature: plan.signature })),
      snapshot.remove.map(archiveKey),
    );
    // More parts changed than one round writes: come back for them.
    if (snapshot.more) await queueListings(db, [name], now);
  },
};

/** The corrections page and its feeds (pipeline/corrections-builder.ts). */
const correctionsListing: ListingBuilder<CorrectionsSnapshot> = correctionsBuilder();

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
