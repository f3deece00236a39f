-- The pipeline runs on Cloudflare Queues (src/pipeline/). The outbox stays the truth: a row is sent
-- to the queue after its commit (`sent_at`), deleted when a consumer has applied it, and sent again
-- by the cron if it was never sent or never acknowledged. A row whose message ended in the
-- dead-letter queue is marked `dead_at` until an editor replays it.
ALTER TABLE outbox ADD COLUMN sent_at INTEGER;
ALTER TABLE outbox ADD COLUMN dead_at INTEGER;
-- A fan-out row's rebuild (below), whose progress its pages count towards.
ALTER TABLE outbox ADD COLUMN rebuild INTEGER;
CREATE INDEX outbox_unsent ON outbox (sent_at, id) WHERE dead_at IS NULL;
CREATE INDEX outbox_by_target ON outbox (kind, target);
-- The cron finds listings that fell behind without reading every listing.
CREATE INDEX listings_behind ON listings (name) WHERE built_generation < generation;

-- Cache tags waiting to be purged (or invalidated), one row per tag and mode, so a burst of changes
-- to one page costs one purge. `due_at` lets a re-purge wait for KV's propagation window.
CREATE TABLE pending_purges (
  tag TEXT NOT NULL,
  mode TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  -- 1: purge again once KV's propagation window has passed, since a location may re-cache the old value.
  repurge INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tag, mode)
);
CREATE INDEX pending_purges_due ON pending_purges (due_at);

-- The token bucket that paces purge requests (one row). `tokens` is what was left at `at` (ms).
CREATE TABLE purge_bucket (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  tokens REAL NOT NULL,
  at INTEGER NOT NULL
);

-- Messages that failed every retry and reached the dead-letter queue, for editors to see and replay.
CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error TEXT,
  failed_at INTEGER NOT NULL,
  replayed_at INTEGER
);

-- The latest failures of any message (kept for a week), so editors see why work is retrying.
CREATE TABLE pipeline_failures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX pipeline_failures_by_target ON pipeline_failures (kind, target, at);

-- "Rebuild everything": what was asked, how far it has come, and the render pipeline it was for.
CREATE TABLE rebuilds (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pipeline_version INTEGER NOT NULL,
  total INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  started_by TEXT NOT NULL,
  finished_at INTEGER
);
