-- People: who works in the newsroom, with a role (src/newsroom/permissions.ts), their own API
-- tokens, one-time invitations, the audit log, and each article's review workflow and notes.
-- src/data/people.ts, src/data/audit.ts and src/data/workflow.ts own every statement on them.

CREATE TABLE people (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  -- Compared case-insensitively: ana@x and ANA@x are one person.
  email_key TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('contributor', 'editor', 'standards', 'admin')),
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER
);

-- A person's API tokens: only the SHA-256 of the token is kept, never the token.
CREATE TABLE person_tokens (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people (id),
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX person_tokens_by_person ON person_tokens (person_id);

-- One-time invitation links: the link carries the id and its signature; `used_at` makes it single use.
CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);

-- The audit log: one row per change, written in the same batch as the change itself.
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  version TEXT,
  detail TEXT
);
CREATE INDEX audit_by_time ON audit (at DESC, id DESC);
CREATE INDEX audit_by_actor ON audit (actor_id, id DESC);
CREATE INDEX audit_by_target ON audit (target, id DESC);

-- Each article's review workflow (draft → in-review → ready) and sign-off. No row: a draft made
-- before people existed, owned by no one.
CREATE TABLE article_workflow (
  article_id TEXT PRIMARY KEY,
  owner_id TEXT,
  state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'in-review', 'ready')),
  state_by TEXT,
  state_at INTEGER,
  approved_version TEXT,
  sign_off INTEGER NOT NULL DEFAULT 0,
  signed_off_version TEXT,
  signed_off_by TEXT,
  signed_off_at INTEGER,
  -- Stamped by each workflow move, so the move's audit entry is written only by the move that won.
  write_id TEXT
);

-- Internal notes on an article: never public, never in the read model.
CREATE TABLE article_notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  article_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  by_id TEXT NOT NULL,
  by_name TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX article_notes_by_article ON article_notes (article_id, id);
