/**
 * @module data/listings
 * What the read model's listings read from the editorial database: the home page, sections, tags,
 * authors, their archives, the sitemaps and the news sitemap. This module owns no table: it reads
 * `articles` and the taxonomy, each builder's snapshot in one batch (one transaction) that starts
 * with the listing's generation (data/pipeline.ts), so the generation and the rows come from the
 * same state. Whether an article is public is core/visibility's rule, with `:now` bound; a listing
 * shows only public articles whose page is already written (`page_slug`).
 */

import type * as v from "valibot";
import { publicSql, statusSql } from "../core/visibility";
import { navSql } from "./nav";
import { generationOf, generationStatement, signaturesOf, signaturesStatement } from "./pipeline";
import { all, COUNT, col, firstOf, row, rowsOf } from "./rows";
import { sql, statement } from "./sql";

/**
 * Which articles a listing holds: all (the home page), or a section's, a tag's or an author's, of
 * one edition ("" for the default edition, else its tag in lower case: targets/document-name.ts).
 */
export interface Membership {
  kind: "home" | "section" | "tag" | "author";
  slug: string;
  edition?: string;
}

/** The condition that keeps a listing to its edition's articles (`a`); its parameter is `:edition`. */
const inEdition = (listing: Membership): string => (listing.edition ? "LOWER(a.language) = :edition" : "a.language IS NULL");

/**
 * Public at `:now`, and its page written in KV at its slug (data/articles.ts `page_slug`): a listing
 * never links a page that is not there yet. Writing the page queues the listing again.
 */
const PUBLIC = `${publicSql("", ":now")} AND page_slug = slug`;
/** The same, for an article aliased `a`. */
const PUBLIC_A = `${publicSql("a", ":now")} AND a.page_slug = a.slug`;
/** Scheduled: listed, but its time has not come. */
const SCHEDULED_A = statusSql("scheduled", ":now");
/** An article's month (UTC), like 2025-03: what the sitemap and the archives group by. */
const monthOf = (publishedAt: string): string => `strftime('%Y-%m', ${publishedAt} / 1000, 'unixepoch')`;
const MONTH_SQL = monthOf("a.published_at");

/** The condition that puts an article (`a`) in a listing; its parameter is `:subject`. */
const MEMBERSHIP: Record<Membership["kind"], string> = {
  home: "1 = 1",
  section: "a.section_slug = :subject",
  tag: "EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag_slug = :subject)",
  author: "EXISTS (SELECT 1 FROM article_authors w WHERE w.article_id = a.id AND w.author_slug = :subject)",
};

const SUBJECT_SQL: Record<Membership["kind"], string> = {
  home: "SELECT :subject AS name, '' AS bio, NULL AS url, NULL AS photo_url",
  // A section's name in the listing's edition (section_names), else its own; :edition is "" for the default.
  section: `SELECT COALESCE((SELECT n.name FROM section_names n WHERE n.section_slug = s.slug AND LOWER(n.lang) = :edition), s.name) AS name,
    '' AS bio, NULL AS url, NULL AS photo_url FROM sections s WHERE s.slug = :subject`,
  tag: "SELECT name, '' AS bio, NULL AS url, NULL AS photo_url FROM tags WHERE slug = :subject",
  author: "SELECT name, bio, url, photo_url FROM authors WHERE slug = :subject",
};

const subjectRow = row({ name: col.text, bio: col.text, url: col.nullableText, photo_url: col.nullableText });
export type SubjectRow = v.InferOutput<typeof subjectRow>;

/** A listing's subject (its section, tag or author; the home page's is named `homeName`), for a batch. */
const subjectStatement = (db: D1Database, listing: Membership, homeName: string): D1PreparedStatement =>
  sql(db, SUBJECT_SQL[listing.kind], {
    subject: listing.kind === "home" ? homeName : listing.slug,
    edition: listing.edition ?? "",
  });

/** The header's sections of the default edition, and of another edition (data/nav.ts says which). */
const defaultNav = statement<{ now: number; edition: string }>(navSql(""));
const editionNav = statement<{ now: number; edition: string }>(navSql("other"));
const nav = (db: D1Database, params: { now: number; edition: string }): D1PreparedStatement =>
  (params.edition ? editionNav : defaultNav)(db, params);
const navRow = row({ slug: col.text, name: col.text });
export type NavRow = v.InferOutput<typeof navRow>;

/** A statement for a builder's batch: an edition's navigation at `now` ("" for the default edition's). */
export const navStatement = (db: D1Database, now: number, edition = ""): D1PreparedStatement => nav(db, { now, edition });
/** The navigation that statement read. */
export const navOf = (result: D1Result | undefined): NavRow[] => rowsOf(result, navRow, "the navigation");

/** The sections in an edition's header navigation at `now`. */
export function loadNav(db: D1Database, now: number, edition = ""): Promise<NavRow[]> {
  return all(nav(db, { now, edition }), navRow);
}

const feedItemRow = row({
  entry: col.text,
  rss_item: col.text,
  atom_item: col.text,
  json_item: col.text,
  modified_at: col.integer,
});
export type FeedItemRow = v.InferOutput<typeof feedItemRow>;

/** What a listing's first page and feeds are built from, read in one batch. */
export async function readListing(
  db: D1Database,
  name: string,
  listing: Membership,
  now: number,
  limit: number,
  homeName: string,
) {
  const where = `${MEMBERSHIP[listing.kind]} AND ${inEdition(listing)}`;
  const params = { now, subject: listing.slug, limit, edition: listing.edition ?? "" };
  const [generation, subject, items, total, next, navigation, newest] = await db.batch([
    generationStatement(db, name),
    subjectStatement(db, listing, homeName),
    sql(
      db,
      `SELECT a.entry, a.rss_item, a.atom_item, a.json_item, a.modified_at FROM articles a
       WHERE ${PUBLIC_A} AND ${where}
       ORDER BY a.published_at DESC, a.id DESC LIMIT :limit`,
      params,
    ),
    sql(db, `SELECT COUNT(*) AS n FROM articles a WHERE ${PUBLIC_A} AND ${where}`, params),
    sql(db, `SELECT MIN(a.published_at) AS at FROM articles a WHERE ${SCHEDULED_A} AND ${where}`, params),
    navStatement(db, now, listing.edition ?? ""),
    sql(
      db,
      `SELECT ${MONTH_SQL} AS month, COUNT(*) AS n FROM articles a
       WHERE ${PUBLIC_A} AND ${where}
       GROUP BY month ORDER BY month DESC LIMIT 1`,
      params,
    ),
  ]);
  return {
    generation: generationOf(generation),
    subject: firstOf(subject, subjectRow, "a listing's subject"),
    items: rowsOf(items, feedItemRow, "a listing's articles"),
    total: firstOf(total, COUNT)?.n ?? 0,
    nextPublishAt: firstOf(next, row({ at: col.nullableInteger }))?.at ?? null,
    nav: navOf(navigation),
    newestMonth: firstOf(newest, row({ month: col.text, n: col.integer })),
  };
}

/** What the sitemap index is built from: each month's last change, and the newest change of all. */
export async function readSitemapIndex(db: D1Database, name: string, now: number) {
  const [generation, months, latest] = await db.batch([
    generationStatement(db, name),
    sql(
      db,
      `SELECT ${monthOf("published_at")} AS month, MAX(modified_at) AS lastModified
       FROM articles WHERE ${PUBLIC} GROUP BY month ORDER BY month DESC`,
      { now },
    ),
    sql(db, `SELECT MAX(modified_at) AS at FROM articles WHERE ${PUBLIC}`, { now }),
  ]);
  return {
    generation: generationOf(generation),
    months: rowsOf(months, row({ month: col.text, lastModified: col.integer })),
    lastModified: firstOf(latest, row({ at: col.nullableInteger }))?.at ?? undefined,
  };
}

/**
 * Public at `:now` with its page written, for an article aliased `m` (a translation-group member).
 */
const PUBLIC_M = `${publicSql("m", ":now")} AND m.page_slug = m.slug`;

/**
 * What a month's sitemap is built from: its public articles of every edition, each with its
 * language and its translation group's public versions (JSON: `[{slug, language, original}]`, or
 * null), and the newest month there is.
 */
export async function readSitemapMonth(db: D1Database, name: string, month: string, now: number) {
  const [generation, urls, newest] = await db.batch([
    generationStatement(db, name),
    sql(
      db,
      `SELECT a.slug, a.language, a.modified_at AS lastModified, json_extract(a.record, '$.image.url') AS image,
         CASE WHEN a.translation_group IS NULL THEN NULL ELSE (
           SELECT json_group_array(json_object('slug', m.slug, 'language', m.language, 'original', m.id = m.translation_group))
           FROM articles m WHERE m.translation_group = a.translation_group AND ${PUBLIC_M}) END AS versions
       FROM articles a
       WHERE ${PUBLIC_A} AND ${monthOf("a.published_at")} = :month
       ORDER BY a.published_at DESC, a.id DESC`,
      { now, month },
    ),
    sql(db, `SELECT ${monthOf("MAX(published_at)")} AS month FROM articles WHERE ${PUBLIC}`, { now }),
  ]);
  return {
    generation: generationOf(generation),
    urls: rowsOf(
      urls,
      row({
        slug: col.text,
        language: col.nullableText,
        lastModified: col.integer,
        image: col.nullableText,
        versions: col.nullableText,
      }),
    ),
    newestMonth: firstOf(newest, row({ month: col.nullableText }))?.month ?? null,
  };
}

export type PagesKind = "sections" | "tags" | "authors";

/** Each section's, tag's or author's page in each edition that has public articles in it (`language`: null for the default). */
const PAGES_SQL: Record<PagesKind, string> = {
  sections: `SELECT s.slug, a.language, MAX(a.modified_at) AS lastModified FROM sections s JOIN articles a ON a.section_slug = s.slug
    WHERE ${PUBLIC_A} GROUP BY s.slug, a.language ORDER BY s.slug, COALESCE(a.language, '')`,
  tags: `SELECT t.tag_slug AS slug, a.language, MAX(a.modified_at) AS lastModified FROM article_tags t JOIN articles a ON a.id = t.article_id
    WHERE ${PUBLIC_A} GROUP BY t.tag_slug, a.language ORDER BY t.tag_slug, COALESCE(a.language, '')`,
  authors: `SELECT w.author_slug AS slug, a.language, MAX(a.modified_at) AS lastModified FROM article_authors w JOIN articles a ON a.id = w.article_id
    WHERE ${PUBLIC_A} GROUP BY w.author_slug, a.language ORDER BY w.author_slug, COALESCE(a.language, '')`,
};

/** Every section, tag or author with public articles, and its newest change. */
export async function readPagesSitemap(db: D1Database, name: string, kind: PagesKind, now: number) {
  const [generation, rows] = await db.batch([generationStatement(db, name), sql(db, PAGES_SQL[kind], { now })]);
  return {
    generation: generationOf(generation),
    rows: rowsOf(rows, row({ slug: col.text, language: col.nullableText, lastModified: col.integer })),
  };
}

/** The articles of every edition published after `since`, newest first, with their language: the news sitemap's. */
export async function readNews(db: D1Database, name: string, now: number, since: number, limit: number) {
  const [generation, entries] = await db.batch([
    generationStatement(db, name),
    sql(
      db,
      `SELECT slug, language, title, published_at AS published FROM articles WHERE ${PUBLIC} AND published_at > :since
       ORDER BY published_at DESC LIMIT :limit`,
      { now, since, limit },
    ),
  ]);
  return {
    generation: generationOf(generation),
    entries: rowsOf(entries, row({ slug: col.text, language: col.nullableText, title: col.text, published: col.integer })),
  };
}

/** What a listing's archive is planned from: every member oldest first, with its month, and the stored signatures. */
export async function readArchive(
  db: D1Database,
  name: string,
  listing: Membership & { name: string },
  now: number,
  homeName: string,
) {
  const [generation, subject, rows, stored] = await db.batch([
    generationStatement(db, name),
    subjectStatement(db, listing, homeName),
    sql(
      db,
      `SELECT a.id, a.modified_at, ${MONTH_SQL} AS month FROM articles a
       WHERE ${PUBLIC_A} AND ${MEMBERSHIP[listing.kind]} AND ${inEdition(listing)}
       ORDER BY a.published_at ASC, a.id ASC`,
      { now, subject: listing.slug, edition: listing.edition ?? "" },
    ),
    signaturesStatement(db, listing.name),
  ]);
  return {
    generation: generationOf(generation),
    subject: firstOf(subject, subjectRow, "a listing's subject"),
    members: rowsOf(rows, row({ id: col.text, modified_at: col.integer, month: col.text })),
    signatures: signaturesOf(stored),
  };
}

const fragments = statement<{ ids: string }>(
  "SELECT id, rss_item, atom_item, json_item, modified_at FROM articles WHERE id IN (SELECT value FROM json_each(:ids))",
);

/** The feed items of these articles. */
export async function feedFragments(db: D1Database, ids: string[]) {
  if (ids.length === 0) return [];
  return all(
    fragments(db, { ids: JSON.stringify(ids) }),
    row({ id: col.text, rss_item: col.text, atom_item: col.text, json_item: col.text, modified_at: col.integer }),
  );
}
