/**
 * @module pipeline/search-entry
 * Keeps one article's search entry in step with D1. Like every step of the pipeline it reads D1's
 * current state, so applying it twice, late or out of order does no harm: an article that is
 * public or scheduled has its entry put (scheduled ones are kept out of results by their time),
 * and anything else at the slug (a draft, the trash, a redirect, nothing) has none.
 */
import { plainTextFromMarkdown } from "../core/markdown";
import { taxonomySlug } from "../core/taxonomy";
import { type ArticleRow, articleRowsAfter, getArticleRow, getArticleRowById } from "../data/articles";
import { filingOfRow, storedArticleOf } from "../editorial/database";
import { deleteEntriesBetween, deleteEntry, type Named, putEntries, putEntry, type SearchEntry } from "../search/entries";

/** Tries before giving up on an article that keeps changing while its entry is written. */
const ATTEMPTS = 3;

/**
 * Brings the search entry at `slug` up to D1's state as of now. Resolves whether the index changed.
 * `force` writes the entry even when the index already holds this revision (a reindex).
 */
export async function applySearchEntry(
  db: D1Database,
  search: D1Database,
  slug: string,
  now: number,
  force = false,
): Promise<boolean> {
  let changed = false;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const row = await getArticleRow(db, slug);
    const entry = row && isSearchable(row) ? searchEntryOf(row) : null;
    if (entry) changed = (await putEntry(search, entry, now, force)) || changed;
    else changed = (await deleteEntry(search, slug, row?.id)) || changed;
    // A save that landed meanwhile queued its own work, but if it ran before ours, our older state
    // would stay: check, and write again if the row moved on.
    const after = row ? await getArticleRowById(db, row.id) : await getArticleRow(db, slug);
    if (after?.revision === row?.revision && after?.slug === row?.slug) return changed;
  }
  throw new Error(`article ${slug} kept changing while its search entry was written`);
}

/** Public or scheduled: neither a draft nor in the trash. */
const isSearchable = (row: ArticleRow): boolean => row.draft === 0 && row.deleted_at == null;

/** What the index keeps of an article row: its record's text, names and the slugs of its links. */
export function searchEntryOf(row: ArticleRow): SearchEntry {
  const article = storedArticleOf(row);
  const links = filingOfRow(row);
  const named = (names: string[], slugs: string[]): Named[] =>
    names.map((name, i) => ({ slug: slugs[i] ?? taxonomySlug(name), name }));
  return {
    articleId: row.id,
    slug: row.slug,
    title: article.title,
    summary: article.summary,
    body: plainTextFromMarkdown(article.markdown),
    section: { slug: links.section, name: article.category },
    authors: named(article.authors, links.authors),
    tags: named(article.tags, links.tags),
    publishedAt: row.published_at,
    revision: row.revision,
  };
}

/** How far a reindex has got: articles done of all, and the cursor for the next page (null: finished). */
export interface ReindexProgress {
  done: number;
  total: number;
  next: string | null;
  /** Entries written and removed by this page. */
  indexed: number;
  removed: number;
}

/**
 * Rebuilds the search entries of one page of articles, in id order after `after`, in one batch;
 * entries of articles in that stretch that the editorial database no longer holds are removed (on
 * the last page, to the end). Calling it page after page from "" rebuilds the whole index.
 */
export async function reindexPage(
  db: D1Database,
  search: D1Database,
  after: string,
  limit: number,
  now: number,
): Promise<ReindexProgress> {
  const { rows, total, upToLast } = await articleRowsAfter(db, after, limit);
  const entries = rows.filter(isSearchable).map(searchEntryOf);
  await putEntries(search, entries, now);
  const finished = rows.length < limit;
  const last = rows.at(-1)?.id ?? after;
  // Everything in this stretch of ids that is not searchable now: drafts, the trash, articles gone.
  const removed = await deleteEntriesBetween(
    search,
    after,
    finished ? null : last,
    entries.map((entry) => entry.articleId),
  );
  return { done: finished ? total : upToLast, total, next: finished ? null : last, indexed: entries.length, removed };
}
