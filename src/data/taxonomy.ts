/**
 * @module data/taxonomy
 * Sections, tags and authors in the editorial database: this module owns every statement on
 * `sections`, `tags`, `authors` and the links `article_tags` and `article_authors` (but emptying the
 * trash, which removes an article's links with it: data/articles.ts; and the newsletters' reads of
 * an article's tags and authors and of whether a list's section, tag or author exists: data/mail.ts). A change to a profile or a
 * section queues the listings it shows on, through data/pipeline.ts, in the same batch.
 */

import type * as v from "valibot";
import { taxonomySlug } from "../core/taxonomy";
import type { ArticleWrite, Guard } from "./articles";
import { listingStatements } from "./pipeline";
import { all, col, first, row } from "./rows";
import { sql, statement } from "./sql";

export type TaxonomyTable = "sections" | "tags" | "authors";

const authorRowSchema = row({
  slug: col.text,
  name: col.text,
  bio: col.text,
  url: col.nullableText,
  photo_url: col.nullableText,
});
export type AuthorRow = v.InferOutput<typeof authorRowSchema>;

const sectionRowSchema = row({ slug: col.text, name: col.text, position: col.integer });
export type SectionRow = v.InferOutput<typeof sectionRowSchema>;

/**
 * The slug for each name: the one it already has (names match without regard to case), or a new
 * one made from it that no other name of this kind has, so two names never share a slug. A slug,
 * once given, never changes, even if the display name does.
 */
export async function slugsForNames(db: D1Database, table: TaxonomyTable, names: string[]): Promise<Map<string, string>> {
  const slugs = new Map<string, string>();
  const taken = new Set<string>();
  const slugRow = row({ slug: col.text });
  for (const name of names) {
    if (slugs.has(name)) continue;
    const known = await first(sql(db, `SELECT slug FROM ${table} WHERE name = :name COLLATE NOCASE`, { name }), slugRow);
    if (known) {
      slugs.set(name, known.slug);
      continue;
    }
    const base = taxonomySlug(name);
    let candidate = base;
    for (
      let n = 2;
      taken.has(candidate) || (await sql(db, `SELECT 1 AS one FROM ${table} WHERE slug = :slug`, { slug: candidate }).first());
      n++
    ) {
      candidate = `${base.slice(0, 90)}-${n}`;
    }
    taken.add(candidate);
    slugs.set(name, candidate);
  }
  return slugs;
}

/** A save's links: its section, tags and authors (each created if new), in the change's guarded batch. */
export function taxonomyStatements(guard: Guard, write: ArticleWrite): D1PreparedStatement[] {
  const article = write.id;
  return [
    guard("INSERT INTO sections (slug, name) SELECT :slug, :name WHERE {guard} ON CONFLICT (slug) DO NOTHING", write.section),
    guard("DELETE FROM article_tags WHERE article_id = :article AND {guard}", { article }),
    guard("DELETE FROM article_authors WHERE article_id = :article AND {guard}", { article }),
    ...write.tags.flatMap((tag, position) => [
      guard("INSERT INTO tags (slug, name) SELECT :slug, :name WHERE {guard} ON CONFLICT (slug) DO NOTHING", tag),
      guard(
        `INSERT INTO article_tags (article_id, tag_slug, position) SELECT :article, :slug, :position WHERE {guard}
         ON CONFLICT DO NOTHING`,
        { article, slug: tag.slug, position },
      ),
    ]),
    ...write.authors.flatMap((author, position) => [
      guard("INSERT INTO authors (slug, name) SELECT :slug, :name WHERE {guard} ON CONFLICT (slug) DO NOTHING", author),
      guard(
        `INSERT INTO article_authors (article_id, author_slug, position) SELECT :article, :slug, :position WHERE {guard}
         ON CONFLICT DO NOTHING`,
        { article, slug: author.slug, position },
      ),
    ]),
  ];
}

const AUTHOR_COLUMNS = "slug, name, bio, url, photo_url";
const authors = statement(`SELECT ${AUTHOR_COLUMNS} FROM authors ORDER BY name COLLATE NOCASE`);
const author = statement<{ slug: string }>(`SELECT ${AUTHOR_COLUMNS} FROM authors WHERE slug = :slug`);
const authorByName = statement<{ name: string; except: string }>(
  "SELECT slug FROM authors WHERE name = :name COLLATE NOCASE AND slug != :except",
);
const putAuthorRow = statement<AuthorRow>(
  `INSERT INTO authors (slug, name, bio, url, photo_url) VALUES (:slug, :name, :bio, :url, :photo_url)
   ON CONFLICT (slug) DO UPDATE SET name = excluded.name, bio = excluded.bio, url = excluded.url, photo_url = excluded.photo_url`,
);
const authorArticles = statement<{ slug: string }>("SELECT COUNT(*) AS n FROM article_authors WHERE author_slug = :slug");
const deleteAuthorRow = statement<{ slug: string }>(
  "DELETE FROM authors WHERE slug = :slug AND NOT EXISTS (SELECT 1 FROM article_authors WHERE author_slug = :slug)",
);

export function listAuthors(db: D1Database): Promise<AuthorRow[]> {
  return all(authors(db), authorRowSchema);
}

export function getAuthor(db: D1Database, slug: string): Promise<AuthorRow | null> {
  return first(author(db, { slug }), authorRowSchema);
}

/** Another author with this name (names match without regard to case), if any. */
export async function authorNamed(db: D1Database, name: string, except: string): Promise<string | null> {
  return (await first(authorByName(db, { name, except }), row({ slug: col.text })))?.slug ?? null;
}

/** Creates or replaces an author's profile, and queues the rebuild of the author's listing. */
export async function putAuthor(db: D1Database, profile: AuthorRow, now: number): Promise<void> {
  await db.batch([putAuthorRow(db, profile), ...listingStatements(db, [`author:${profile.slug}`], now)]);
}

/** How many articles, the trash included, name this author. */
export async function articlesByAuthor(db: D1Database, slug: string): Promise<number> {
  return (await first(authorArticles(db, { slug }), row({ n: col.integer })))?.n ?? 0;
}

/** Deletes an author who has no articles; resolves false if one appeared meanwhile. */
export async function deleteAuthor(db: D1Database, slug: string, now: number): Promise<boolean> {
  const [deleted] = await db.batch([deleteAuthorRow(db, { slug }), ...listingStatements(db, [`author:${slug}`], now)]);
  return (deleted?.meta.changes ?? 0) === 1;
}

const sections = statement("SELECT slug, name, position FROM sections ORDER BY position, name COLLATE NOCASE");
const section = statement<{ slug: string }>("SELECT slug, name, position FROM sections WHERE slug = :slug");
const updateSectionRow = statement<SectionRow>("UPDATE sections SET name = :name, position = :position WHERE slug = :slug");

export function listSections(db: D1Database): Promise<SectionRow[]> {
  return all(sections(db), sectionRowSchema);
}

export function getSection(db: D1Database, slug: string): Promise<SectionRow | null> {
  return first(section(db, { slug }), sectionRowSchema);
}

/**
 * Renames or reorders a section, with `also` in the same batch: the caller's names per edition and
 * the listings it queues (editorial/profiles.ts), whose home pages' builds rebuild every page of
 * each edition whose navigation changed, and no other's.
 */
export async function updateSection(db: D1Database, changed: SectionRow, also: D1PreparedStatement[]): Promise<void> {
  await db.batch([updateSectionRow(db, changed), ...also]);
}
