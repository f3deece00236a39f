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
 * The header's sections at `:now`: those with a public article whose page is written, in their
 * editors' order. A section that only drafts use stays out of it, so no unpublished name shows.
 */
export const NAV_SQL = `SELECT s.slug, s.name FROM sections s
   WHERE EXISTS (SELECT 1 FROM articles a WHERE a.section_slug = s.slug AND ${publicSql("a", ":now")} AND a.page_slug = a.slug)
   ORDER BY s.position, s.name COLLATE NOCASE LIMIT ${MAX_NAV}`;

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
