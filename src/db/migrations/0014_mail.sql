-- Newsletters and email alerts (src/data/mail.ts, docs/newsletters.md). Addresses live in one table,
-- so erasing a reader is one row there and its subscriptions; what was sent is kept by subscriber id.

-- One row per address that ever asked to subscribe and was not erased. Compared case-insensitively.
CREATE TABLE mail_subscribers (
  -- An integer, so that the many delivery rows that name it stay small.
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  created_at INTEGER NOT NULL
);

-- A subscriber's lists: `home`, `section:<slug>`, `tag:<slug>`, `author:<slug>`, `live:<slug>`, `corrections`.
-- Pending until confirmed; `nonce` is in the confirmation link, and changes when a new link is sent,
-- so an older link stops working and a used one cannot be used again.
CREATE TABLE mail_subscriptions (
  id TEXT PRIMARY KEY,
  subscriber_id INTEGER NOT NULL,
  list TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('alerts', 'digest')),
  nonce TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  confirmed_at INTEGER,
  UNIQUE (subscriber_id, list)
);
CREATE INDEX mail_subscriptions_confirmed ON mail_subscriptions (list, mode, subscriber_id) WHERE confirmed_at IS NOT NULL;

-- Addresses that must never be sent to again (erased readers): a keyed hash, never the address.
CREATE TABLE mail_suppressed (
  hash TEXT PRIMARY KEY,
  at INTEGER NOT NULL
);

-- Articles whose first publication has been announced (or passed over): never announced again,
-- whatever later saves, moves or republications do. Keyed by the article's id, which a move keeps.
CREATE TABLE mail_announced (
  article_id TEXT PRIMARY KEY,
  at INTEGER NOT NULL
);
-- Articles already public when this migration runs are not news: they are never announced.
INSERT INTO mail_announced (article_id, at) SELECT id, 0 FROM articles WHERE draft = 0 AND deleted_at IS NULL;

-- What a reader receives at most once, by name: `alert:<article id>` for alerts (a reader on two
-- lists gets the story once), `correction:<id>`, `digest:<list>:<day>`, `key-event:<update id>`,
-- `manual:<id>`; as a small integer in every delivery row.
CREATE TABLE mail_scopes (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

-- One email built once for many recipients: an alert to a list, a correction notice, a digest, a
-- live article's key event, a manual newsletter.
-- `scope` is what a reader receives at most once (mail_scopes).
CREATE TABLE mail_sends (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('alert', 'correction', 'digest', 'live', 'manual')),
  list TEXT NOT NULL,
  scope TEXT NOT NULL,
  scope_id INTEGER NOT NULL,
  subject TEXT NOT NULL,
  html TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  -- Not sent before then: a manual newsletter may be scheduled.
  due_at INTEGER NOT NULL DEFAULT 0,
  -- Last put on the mail queue; the cron puts back a send not finished long after.
  queued_at INTEGER,
  finished_at INTEGER,
  -- Its deliveries were deleted (after MAIL_KEEP_DAYS): its counts are gone, the send stays.
  pruned_at INTEGER,
  UNIQUE (kind, list, scope)
);
CREATE INDEX mail_sends_unfinished ON mail_sends (queued_at) WHERE finished_at IS NULL;

-- One row per scope and recipient: the idempotency key. Inserted once, claimed once (queued →
-- sending) before the email goes, so a redelivered or retried queue message never sends anyone the
-- same email twice. All integers and a short status, without a rowid: about 50 bytes a row in D1,
-- and the cron deletes a send's rows 30 days after it (newsroom/mail/fanout.ts `pruneDeliveries`).
CREATE TABLE mail_deliveries (
  scope_id INTEGER NOT NULL,
  subscriber_id INTEGER NOT NULL,
  send_id INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'suppressed')),
  at INTEGER NOT NULL,
  error TEXT,
  PRIMARY KEY (scope_id, subscriber_id)
) WITHOUT ROWID;
CREATE INDEX mail_deliveries_by_send ON mail_deliveries (send_id, status);
CREATE INDEX mail_deliveries_by_subscriber ON mail_deliveries (subscriber_id);

-- The token bucket that paces sending (MAIL_RATE_PER_MINUTE): one row.
CREATE TABLE mail_bucket (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  tokens REAL NOT NULL,
  at INTEGER NOT NULL
);

-- Every message sent while MAIL_CAPTURE=1 (local development and tests only): GET /api/mail.
CREATE TABLE mail_captured (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  sender TEXT NOT NULL,
  subject TEXT NOT NULL,
  headers TEXT NOT NULL,
  html TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX mail_captured_by_recipient ON mail_captured (recipient, id);
