-- Newsletters' dead letters (docs/newsletters.md): a page of a send that failed every retry reaches
-- the mail queue's own dead-letter queue, `broadsheet-mail-dead-letters`, and is kept here, apart
-- from the read model's dead letters, so that a replay puts it back on the mail queue. Its
-- deliveries' keys make a replay send only to whoever was not sent it yet.
CREATE TABLE mail_dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  send_id INTEGER NOT NULL,
  -- The page: the last subscriber id of the page before (0 for the first).
  after INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  -- The last error a delivery of the send recorded, when one did.
  error TEXT,
  failed_at INTEGER NOT NULL,
  replayed_at INTEGER
);
CREATE INDEX mail_dead_letters_waiting ON mail_dead_letters (id) WHERE replayed_at IS NULL;

-- A send with a dead letter is left alone by the cron's look for stale sends until it is replayed:
-- a send that fails every retry is not tried again every ten minutes, forever.
ALTER TABLE mail_sends ADD COLUMN dead_at INTEGER;

-- Mail that reached the shared dead-letter queue before this migration moves here.
INSERT INTO mail_dead_letters (send_id, after, attempts, error, failed_at, replayed_at)
  SELECT json_extract(body, '$.send'), coalesce(json_extract(body, '$.after'), 0), attempts, error, failed_at, replayed_at
  FROM dead_letters WHERE json_valid(body) AND json_type(body, '$.send') = 'integer';
DELETE FROM dead_letters WHERE json_valid(body) AND json_type(body, '$.send') = 'integer';
