/**
 * @module data/imports
 * Every statement on `import_sources` (src/db/migrations/0020_import_sources.sql): which article
 * each imported post became, by source and the post's id there. Rows are checked with valibot where
 * they leave D1; lists travel as one JSON parameter (`json_each`).
 */
import * as v from "valibot";
import { statement } from "./sql";

export const importSourceRowSchema = v.object({
  source_id: v.string(),
  slug: v.string(),
  version: v.string(),
});
export type ImportSourceRow = v.InferOutput<typeof importSourceRowSchema>;

const bySource = statement<{ source: string }>(
  `SELECT s.source_id, a.slug, a.version FROM import_sources s JOIN articles a ON a.id = s.article_id
   WHERE s.source = :source AND a.deleted_at IS NULL ORDER BY s.source_id`,
);

/** The articles a source's posts became, outside the trash, under their current slugs. */
export async function importSources(db: D1Database, source: string): Promise<ImportSourceRow[]> {
  const { results } = await bySource(db, { source }).all();
  return v.parse(v.array(importSourceRowSchema), results);
}

const slugsMissing = statement<{ slugs: string }>(
  `SELECT value AS slug FROM json_each(:slugs)
   WHERE NOT EXISTS (SELECT 1 FROM articles WHERE slug = value AND deleted_at IS NULL)`,
);

/** Which of `slugs` name no article outside the trash. */
export async function missingSlugs(db: D1Database, slugs: string[]): Promise<Set<string>> {
  const { results } = await slugsMissing(db, { slugs: JSON.stringify(slugs) }).all();
  return new Set(v.parse(v.array(v.object({ slug: v.string() })), results).map((r) => r.slug));
}

const record = statement<{ source: string; rows: string; now: number }>(
  `INSERT INTO import_sources (source, source_id, article_id, created_at, updated_at)
   SELECT :source, value ->> '$.id', a.id, :now, :now FROM json_each(:rows) JOIN articles a ON a.slug = value ->> '$.slug'
   WHERE true
   ON CONFLICT (source, source_id) DO UPDATE SET article_id = excluded.article_id, updated_at = excluded.updated_at
   WHERE import_sources.article_id IS NOT excluded.article_id`,
);

/** Records that each post `id` of `source` is the article now at `slug`. Resolves how many rows changed. */
export async function recordImportSources(
  db: D1Database,
  source: string,
  rows: Array<{ id: string; slug: string }>,
  now: number,
): Promise<number> {
  const result = await record(db, { source, rows: JSON.stringify(rows), now }).run();
  return result.meta.changes ?? 0;
}
