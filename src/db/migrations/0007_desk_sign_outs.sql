-- Desk sessions ended by signing out before they expired (src/desk/sign-outs.ts): a copy of the
-- cookie is refused from then on. A row is deleted once its session would have expired anyway.
CREATE TABLE desk_sign_outs (
  session_id TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
CREATE INDEX desk_sign_outs_by_expiry ON desk_sign_outs (expires_at);
