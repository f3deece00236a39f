-- Broadsheet's search index: its own D1 database (binding SEARCH), never the editorial one, because
-- `wrangler d1 export` refuses a database that holds FTS5 tables. Everything here is derived from the
-- editorial database by the pipeline (src/pipeline/search-entry.ts) and can be rebuilt from it at any
-- time (POST /api/search/reindex, `npm run reindex`). Times are milliseconds since 1970.

-- What a result shows, one row per public or scheduled article. `rowid` is the FTS row's too, and
-- follows publication time (published_at * 1024 + a free slot; search/entries.ts), so that FTS5's
-- own rowid order is newest-first and "published by now" is a rowid range.
CREATE TABLE entries (
  rowid INTEGER PRIMARY KEY,
  -- The editorial article id: stable across moves, so an entry is replaced, never duplicated.
  article_id TEXT NOT NULL UNIQUE,
  slug TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  -- The title folded as queries are (case, accents, punctuation): an exact-title match ranks first.
  title_key TEXT NOT NULL,
  summary TEXT NOT NULL,
  section_slug TEXT NOT NULL,
  section_name TEXT NOT NULL,
  -- JSON [{"slug","name"}], in byline order.
  authors TEXT NOT NULL,
  -- Queries keep `published_at <= now`, so a scheduled article is indexed but not found before its time.
  published_at INTEGER NOT NULL,
  -- The editorial revision indexed: an unchanged article is not written again.
  revision INTEGER NOT NULL,
  indexed_at INTEGER NOT NULL
);
CREATE INDEX entries_by_date ON entries (published_at DESC);
CREATE INDEX entries_by_section ON entries (section_slug, published_at DESC);
CREATE INDEX entries_by_title ON entries (title_key);

-- Filters by tag and author, with the display names the filter line shows.
CREATE TABLE entry_tags (
  tag_slug TEXT NOT NULL,
  entry INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (tag_slug, entry)
) WITHOUT ROWID;
CREATE INDEX entry_tags_by_entry ON entry_tags (entry);
CREATE TABLE entry_authors (
  author_slug TEXT NOT NULL,
  entry INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (author_slug, entry)
) WITHOUT ROWID;
CREATE INDEX entry_authors_by_entry ON entry_authors (entry);

-- The full-text index. unicode61 folds case, and with remove_diacritics 2 also accents (even those
-- that Unicode composes into one character), so "resume" finds "résumé". Chinese, Japanese and Korean
-- are written with U+200B (a separator here) between each character at index and query time, and a
-- CJK word is searched as a phrase of its characters: any substring is found. See docs/search.md.
-- byline: author names, the section's and the tags' names.
CREATE VIRTUAL TABLE entries_fts USING fts5(
  title,
  summary,
  body,
  byline,
  tokenize = 'unicode61 remove_diacritics 2'
);

-- The index's own vocabulary (term, documents, occurrences): spelling suggestions come from it.
CREATE VIRTUAL TABLE entries_vocab USING fts5vocab(entries_fts, row);
