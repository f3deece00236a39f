-- Corrections and clarifications: each a record of its own, attached to an article, never a silent
-- edit of it (src/editorial/corrections.ts). The article's stored record and feed items carry the
-- current ones, re-rendered in the same transaction as every change here.
CREATE TABLE corrections (
  id TEXT PRIMARY KEY,
  article_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('correction', 'clarification')),
  -- As the editor wrote it: plain text or one paragraph of inline Markdown.
  text TEXT NOT NULL,
  -- Rendered and sanitized once, when it was written; and as plain text, for structured data.
  html TEXT NOT NULL,
  plain TEXT NOT NULL,
  -- The ETag editors send back in If-Match: a new one on every write.
  version TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  changed_at INTEGER NOT NULL,
  changed_by TEXT NOT NULL,
  -- Withdrawn since then; the row and its revisions stay, as the record of what readers saw.
  deleted_at INTEGER
);
CREATE INDEX corrections_by_article ON corrections (article_id, created_at, id);
CREATE INDEX corrections_newest ON corrections (created_at DESC, id DESC) WHERE deleted_at IS NULL;

-- Every write of a correction: what it said after the write, who wrote it and when.
CREATE TABLE correction_revisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  correction_id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  version TEXT NOT NULL,
  -- 'create', 'update' or 'delete'.
  action TEXT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  editor TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX correction_revisions_by_correction ON correction_revisions (correction_id, id DESC);
