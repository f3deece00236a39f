-- The desk's failed sign-ins, one row each, for the limit of 10 a minute per address
-- (src/desk/rate-limit.ts). Rows older than the window are deleted as new ones arrive.
CREATE TABLE sign_in_failures (
  address TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_by_address ON sign_in_failures (address, at);
