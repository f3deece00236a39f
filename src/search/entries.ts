/**
 * @module search/entries
 * Writes to the search index: one article's entry put or taken away, its text prepared here and
 * written by data/search.ts's statements (the tables are in src/search/migrations/). An entry is
 * keyed by the article's id, so a move replaces it; each write is one batch, so a reader never sees
 * an entry without its text or its filters.
 *
 * An entry's rowid (shared by its full-text row) orders entries by publication time:
 * `published_at * ROWID_SLOTS` plus the first free slot. FTS5 walks a match in rowid order for free,
 * so "the newest matches" and "published by now" cost no look-up of `entries` (search/search.ts).
 */
import { type EntryRow, entryRevision, entryStatements } from "../data/search";
import { indexText, titleKey } from "./text";

// The statements are data/search.ts's; so are the rowid helpers, re-exported for the search's readers.
export { countEntries, deleteEntriesBetween, deleteEntry, ROWID_SLOTS, rowidRange } from "../data/search";

/** Every table of the search database, for tests and tools that empty it. */
export const SEARCH_TABLES = ["entries", "entry_tags", "entry_authors", "entries_fts"] as const;

/** A name with the slug its page lives under. */
export interface Named {
  slug: string;
  name: string;
}

/** What the index keeps of one article: what a result shows, what filters match, and its words. */
export interface SearchEntry {
  articleId: string;
  slug: string;
  title: string;
  summary: string;
  /** The body as plain text. */
  body: string;
  section: Named;
  authors: Named[];
  tags: Named[];
  publishedAt: number;
  /** The editorial revision this entry was made from. */
  revision: number;
}

/**
 * Puts an article's entry in the index, replacing the one it had (under any slug) and any other
 * article's entry at its slug. Unless `force`, an entry already at this revision and slug is left
 * alone. Resolves whether anything was written.
 */
export async function putEntry(db: D1Database, entry: SearchEntry, now: number, force = false): Promise<boolean> {
  if (!force) {
    const current = await entryRevision(db, entry.articleId);
    if (current && current.slug === entry.slug && current.revision === entry.revision) return false;
  }
  await db.batch(entryStatements(db, entryRow(entry, now)));
  return true;
}

/** Puts many entries in one batch (a reindex): the same statements as {@link putEntry}, always written. */
export async function putEntries(db: D1Database, entries: readonly SearchEntry[], now: number): Promise<void> {
  if (entries.length) await db.batch(entries.flatMap((entry) => entryStatements(db, entryRow(entry, now))));
}

/** An entry as the index stores it: its text prepared for FTS5, its title's key, its filters. */
function entryRow(entry: SearchEntry, now: number): EntryRow {
  const byline = [...entry.authors.map((a) => a.name), entry.section.name, ...entry.tags.map((t) => t.name)].join("\n");
  return {
    article_id: entry.articleId,
    slug: entry.slug,
    title: entry.title,
    title_key: titleKey(entry.title),
    summary: entry.summary,
    section_slug: entry.section.slug,
    section_name: entry.section.name,
    authors: JSON.stringify(entry.authors.map(({ slug, name }) => ({ slug, name }))),
    published_at: entry.publishedAt,
    revision: entry.revision,
    indexed_at: now,
    fts: {
      title: indexText(entry.title),
      summary: indexText(entry.summary),
      body: indexText(entry.body),
      byline: indexText(byline),
    },
    tags: uniqueBySlug(entry.tags),
    authorLinks: uniqueBySlug(entry.authors),
  };
}

function uniqueBySlug(items: readonly Named[]): Named[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.slug) && seen.add(item.slug)).map(({ slug, name }) => ({ slug, name }));
}
