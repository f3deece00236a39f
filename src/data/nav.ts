/**
 * @module data/nav
 * The site's navigation as D1 gives it, said once for the two places that need it: the listings'
 * reads (data/listings.ts), and the `meta` row `navigation_rebuilt` that a rebuild of everything
 * records in its own batch (data/pipeline.ts), so the home page built in that rebuild, seeing the
 * navigation changed, writes it but starts no second rebuild. Owns no table.
 */
import { publicSql } from "../core/visibility";
import { sql } from "./sql";

/** Sections shown in the navigation: enough for a newsroom's header. */
export const MAX_NAV = 12;

/** The `meta` key of the navigation the latest rebuild of everything builds every page with. */
export const NAV_REBUILT = "navigation_rebuilt";

/**
 * The header's sections of one edition at `:now`: those with a public article of that edition
 * whose page is written, in their editors' order, each under its name in that edition
 * (`section_names`, else the section's own). A section that only drafts use stays out of it, so no
 * unpublished name shows. `edition` is "" for the default edition, else its lower-case tag, bound
 * as `:edition`.
 */
export function navSql(edition: string): string {
  const inEdition = edition ? "LOWER(a.language) = :edition" : "a.language IS NULL";
  const name = edition
    ? "COALESCE((SELECT n.name FROM section_names n WHERE n.section_slug = s.slug AND LOWER(n.lang) = :edition), s.name)"
    : "s.name";
  return `SELECT s.slug, ${name} AS name FROM sections s
   WHERE EXISTS (SELECT 1 FROM articles a WHERE a.section_slug = s.slug AND ${publicSql("a", ":now")} AND a.page_slug = a.slug AND ${inEdition})
   ORDER BY s.position, name COLLATE NOCASE LIMIT ${MAX_NAV}`;
}

/** The default edition's navigation (`navSql("")`). */
export const NAV_SQL = navSql("");

/**
 * Records the navigation at `now` as built, as JSON of `[{slug, name}]` in order (what
 * pipeline/listing-builders.ts compares with). `WHERE true` lets SQLite read ON CONFLICT as the
 * upsert's.
 */
export const recordNavStatement = (db: D1Database, now: number): D1PreparedStatement =>
  sql(
    db,
    `INSERT INTO meta (key, value)
     SELECT :key, json_group_array(json_object('slug', slug, 'name', name)) FROM (${NAV_SQL}) WHERE true
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    { key: NAV_REBUILT, now },
  );
