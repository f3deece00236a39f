-- Broadsheet's editorial database: the system of record for everything editors write.
-- Workers KV holds only what readers read, and is rebuilt from these tables (src/content/materialise.ts).
-- Times are milliseconds since 1970 (negative before it). No virtual tables, so `wrangler d1 export` works.

-- One row per article, in the trash or not. `id` never changes; `slug` changes on a move.
CREATE TABLE articles (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  -- What feeds call the item: fixed at creation, so a rename never shows readers a duplicate.
  feed_id TEXT NOT NULL,
  -- The content version: the ETag editors send back in If-Match.
  version TEXT NOT NULL,
  -- Bumped by every write; the materialiser re-checks it after writing KV.
  revision INTEGER NOT NULL,
  -- The save that last wrote the row: the statements after it in a batch run only if it is theirs.
  write_id TEXT NOT NULL,
  title TEXT NOT NULL,
  section_slug TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  -- updated, or else published: the sitemap's lastmod.
  modified_at INTEGER NOT NULL,
  draft INTEGER NOT NULL,
  -- The editor's fields and Markdown, exactly as sent (JSON).
  input TEXT NOT NULL,
  -- The article as rendered and sanitized once, when it was saved (JSON).
  record TEXT NOT NULL,
  -- What a list shows of it (JSON), and its feed items, pre-rendered for each format.
  entry TEXT NOT NULL,
  rss_item TEXT NOT NULL,
  json_item TEXT NOT NULL,
  -- The KV index keys written for it, so a later state can remove them (JSON list).
  index_keys TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  changed_at INTEGER NOT NULL,
  changed_by TEXT NOT NULL,
  -- In the trash since then; NULL when not.
  deleted_at INTEGER
);
CREATE INDEX articles_public ON articles (published_at DESC, id DESC) WHERE draft = 0 AND deleted_at IS NULL;
CREATE INDEX articles_trash ON articles (deleted_at) WHERE deleted_at IS NOT NULL;

-- Every save, restore, move and trash of an article, with who, when and the full input.
CREATE TABLE revisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  article_id TEXT NOT NULL,
  slug TEXT NOT NULL,
  version TEXT NOT NULL,
  action TEXT NOT NULL,
  editor TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  input TEXT NOT NULL,
  -- Names of the fields that differ from the revision before (JSON list).
  changed TEXT NOT NULL
);
CREATE INDEX revisions_by_article ON revisions (article_id, id DESC);

-- Sections, tags and authors: stable slugs, display names that may change.
CREATE TABLE sections (
  slug TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE tags (
  slug TEXT PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE TABLE authors (
  slug TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  bio TEXT NOT NULL DEFAULT '',
  url TEXT,
  photo_url TEXT
);
CREATE TABLE article_tags (
  article_id TEXT NOT NULL,
  tag_slug TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (article_id, tag_slug)
);
CREATE INDEX article_tags_by_tag ON article_tags (tag_slug);
CREATE TABLE article_authors (
  article_id TEXT NOT NULL,
  author_slug TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (article_id, author_slug)
);
CREATE INDEX article_authors_by_author ON article_authors (author_slug);

-- An old article slug and where it went: another slug (301), or NULL for gone (410).
CREATE TABLE redirects (
  from_slug TEXT PRIMARY KEY,
  to_slug TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX redirects_by_target ON redirects (to_slug);

-- Work for the read model, written in the same transaction as the change that needs it.
-- kind 'article' (target: a slug), 'listing' (target: a listing name) or 'purge' (target: tags).
-- A row is deleted once applied; applying one twice does no harm.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (due_at, id);

-- Each KV listing (the home page and feeds, a sitemap month, later sections, tags and authors):
-- `generation` counts changes to it, `built_generation` what KV holds. One builder at a time holds
-- the lease, so a burst of publishes costs one rebuild a second, not one each.
CREATE TABLE listings (
  name TEXT PRIMARY KEY,
  generation INTEGER NOT NULL DEFAULT 0,
  built_generation INTEGER NOT NULL DEFAULT 0,
  built_at INTEGER NOT NULL DEFAULT 0,
  lease_id TEXT,
  lease_until INTEGER NOT NULL DEFAULT 0
);

-- Small facts the cron keeps between runs, like when it last looked for articles going live.
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
