/**
 * @module data/editions
 * The statements of the `editions` and `section_names` tables, and those that ask which articles
 * an edition holds. Rows are checked where they leave D1.
 */
import * as v from "valibot";
import { publicSql } from "../core/visibility";
import type { ArticleWrite, Guard } from "./articles";
import { statement } from "./sql";

const editionRow = v.object({
  lang: v.string(),
  name: v.string(),
  title: v.string(),
  description: v.string(),
  time_zone: v.nullable(v.string()),
  changed_at: v.number(),
  changed_by: v.string(),
});
export type EditionRow = v.InferOutput<typeof editionRow>;

const selectEditions = statement(
  "SELECT lang, name, title, description, time_zone, changed_at, changed_by FROM editions ORDER BY lang",
);
const selectEdition = statement<{ lang: string }>(
  "SELECT lang, name, title, description, time_zone, changed_at, changed_by FROM editions WHERE lang = :lang",
);

/** Every edition saved in D1, by tag. */
export async function editionRows(db: D1Database): Promise<EditionRow[]> {
  const { results } = await selectEditions(db).all();
  return results.map((row) => v.parse(editionRow, row));
}

/** One edition's row, or null. */
export async function editionRowOf(db: D1Database, lang: string): Promise<EditionRow | null> {
  const row = await selectEdition(db, { lang }).first();
  return row === null ? null : v.parse(editionRow, row);
}

/** Creates or replaces an edition's settings. */
export const upsertEdition = statement<{
  lang: string;
  name: string;
  title: string;
  description: string;
  time_zone: string | null;
  now: number;
  by: string;
}>(
  `INSERT INTO editions (lang, name, title, description, time_zone, created_at, changed_at, changed_by)
   VALUES (:lang, :name, :title, :description, :time_zone, :now, :now, :by)
   ON CONFLICT (lang) DO UPDATE SET name = excluded.name, title = excluded.title, description = excluded.description,
     time_zone = excluded.time_zone, changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
);

/**
 * Deletes an edition only while no article (trashed ones included: restoring one must find its
 * edition) is in it; `changes` says whether it went.
 */
export const deleteUnusedEdition = statement<{ lang: string }>(
  "DELETE FROM editions WHERE lang = :lang AND NOT EXISTS (SELECT 1 FROM articles WHERE language = :lang)",
);

const countArticles = statement<{ lang: string }>("SELECT COUNT(*) AS n FROM articles WHERE language = :lang");

/** How many articles (trashed ones included) are in an edition. */
export async function articlesInEdition(db: D1Database, lang: string): Promise<number> {
  const row = await countArticles(db, { lang }).first();
  return v.parse(v.object({ n: v.number() }), row).n;
}

const articleEdition = v.object({
  id: v.string(),
  slug: v.string(),
  language: v.nullable(v.string()),
  translation_group: v.nullable(v.string()),
  deleted_at: v.nullable(v.number()),
  draft: v.number(),
  published_at: v.number(),
  original_changed_at: v.nullable(v.number()),
});
/** What an article's edition and translation group are. */
export type ArticleEditionRow = v.InferOutput<typeof articleEdition>;

const ARTICLE_EDITION_COLUMNS = "id, slug, language, translation_group, deleted_at, draft, published_at, original_changed_at";
const selectArticleEdition = statement<{ slug: string }>(`SELECT ${ARTICLE_EDITION_COLUMNS} FROM articles WHERE slug = :slug`);
const selectGroup = statement<{ group: string }>(
  `SELECT ${ARTICLE_EDITION_COLUMNS} FROM articles WHERE translation_group = :group ORDER BY COALESCE(language, ''), slug`,
);

/** An article's edition and group, or null when there is no article at `slug`. */
export async function articleEditionOf(db: D1Database, slug: string): Promise<ArticleEditionRow | null> {
  const row = await selectArticleEdition(db, { slug }).first();
  return row === null ? null : v.parse(articleEdition, row);
}

/** Every article in a translation group, by edition. */
export async function translationGroup(db: D1Database, group: string): Promise<ArticleEditionRow[]> {
  const { results } = await selectGroup(db, { group }).all();
  return results.map((row) => v.parse(articleEdition, row));
}

/**
 * The statements that file a saved article in its edition and group, and make the group's first
 * article a member too. They run inside the save's guarded batch (data/articles.ts's `Guard`), so
 * only a save that won writes them; the unique index keeps one article per edition in a group.
 */
export function editionStatements(guard: Guard, write: ArticleWrite): D1PreparedStatement[] {
  const { edition } = write;
  if (!edition) return [];
  return [
    ...(edition.joinFirst && edition.group
      ? [
          guard("UPDATE articles SET translation_group = :group WHERE id = :first AND translation_group IS NULL AND {guard}", {
            group: edition.group,
            first: edition.joinFirst,
          }),
        ]
      : []),
    guard(
      "UPDATE articles SET language = :language, translation_group = :group, original_changed_at = NULL WHERE id = :id AND {guard}",
      { language: edition.language, group: edition.group, id: write.id },
    ),
  ];
}

const selectBySegment = statement<{ segment: string }>(
  "SELECT lang, name, title, description, time_zone, changed_at, changed_by FROM editions WHERE LOWER(lang) = :segment",
);

/** The edition whose lower-case tag is `segment` (a path's or a key's), or null. */
export async function editionBySegment(db: D1Database, segment: string): Promise<EditionRow | null> {
  const row = await selectBySegment(db, { segment }).first();
  return row === null ? null : v.parse(editionRow, row);
}

const groupVersion = v.object({ slug: v.string(), language: v.nullable(v.string()), original: v.number() });
/** One public version of an article in its translation group (pipeline/materialise.ts's hreflang links). */
export type GroupVersionRow = v.InferOutput<typeof groupVersion>;

const selectGroupVersions = statement<{ slug: string; now: number }>(
  `SELECT m.slug, m.language, (m.id = m.translation_group) AS original
   FROM articles a JOIN articles m ON m.translation_group = a.translation_group
   WHERE a.slug = :slug AND (m.slug = :slug OR (${publicSql("m", ":now")}))
   ORDER BY COALESCE(m.language, ''), m.slug`,
);

/**
 * The versions of the article at `slug` that readers can see at `now`, itself included (public or
 * not: its own page is being written), by edition; [] when it has no translation group.
 */
export async function groupVersionsOf(db: D1Database, slug: string, now: number): Promise<GroupVersionRow[]> {
  const { results } = await selectGroupVersions(db, { slug, now }).all();
  return results.map((row) => v.parse(groupVersion, row));
}

/** Sets a section's name in one edition (`lang`, the edition's canonical tag). */
export const upsertSectionName = statement<{ slug: string; lang: string; name: string }>(
  `INSERT INTO section_names (section_slug, lang, name) VALUES (:slug, :lang, :name)
   ON CONFLICT (section_slug, lang) DO UPDATE SET name = excluded.name`,
);

const selectSectionNames = statement<{ slug: string }>(
  "SELECT lang, name FROM section_names WHERE section_slug = :slug ORDER BY lang",
);

/** A section's names in other editions, by tag. */
export async function sectionNamesOf(db: D1Database, slug: string): Promise<Record<string, string>> {
  const { results } = await selectSectionNames(db, { slug }).all();
  return Object.fromEntries(
    results.map((row) => v.parse(v.object({ lang: v.string(), name: v.string() }), row)).map((r) => [r.lang, r.name]),
  );
}
