-- Live coverage (docs/live-and-corrections.md): the short, timestamped updates of a live article.
-- An update is a record of its own, like an article: its Markdown as the editor sent it, its HTML
-- rendered and sanitized once at save (the same rules and limits as article bodies), a version for
-- If-Match, and a revision row for every change. A removed update keeps its row (deleted_at set),
-- so its history stays; readers never see it again.
CREATE TABLE live_updates (
  -- Short and random: the permalink fragment #update-<id>, and the last part of its feed id.
  id TEXT PRIMARY KEY,
  article_id TEXT NOT NULL,
  -- The update's time, as readers see it; an edit keeps it.
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  changed_at INTEGER NOT NULL,
  changed_by TEXT NOT NULL,
  -- The content version: the ETag editors send back in If-Match.
  version TEXT NOT NULL,
  headline TEXT,
  body TEXT NOT NULL,
  html TEXT NOT NULL,
  -- Plain text of the first paragraph, shortened: key events' links, feed titles, structured data.
  summary TEXT NOT NULL,
  -- A key event: listed at the top of the page.
  pinned INTEGER NOT NULL DEFAULT 0,
  deleted_at INTEGER
);
CREATE INDEX live_updates_by_article ON live_updates (article_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;

-- Every add, edit and removal of an update, with who, when and the full input.
CREATE TABLE live_update_revisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  update_id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  version TEXT NOT NULL,
  action TEXT NOT NULL,
  editor TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  -- {headline, body, pinned} as saved (JSON).
  input TEXT NOT NULL
);
CREATE INDEX live_update_revisions_by_update ON live_update_revisions (update_id, id DESC);
CREATE INDEX live_update_revisions_by_article ON live_update_revisions (article_id);
