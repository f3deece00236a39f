-- Redirects from any old path on the site (an imported WordPress or Ghost URL, a retired page) to a
-- new path or another site (docs/redirects.md). Article slugs that were renamed keep their own table,
-- `redirects`, and their own page records. Every `to` is final: no `to` is another row's `from`
-- (src/targets/redirects.ts keeps chains at one hop), so the reader answers with one KV read.
CREATE TABLE path_redirects (
  -- The path in its normal form (src/targets/redirects.ts): `/2019/03/old-post`, `/?p=123`.
  from_path TEXT PRIMARY KEY,
  -- A path on this site, or an absolute http(s) URL.
  to_location TEXT NOT NULL,
  -- to_location without its fragment when it is a path on this site, for following chains; else NULL.
  to_key TEXT,
  -- Where it came from: `wordpress:123`, `ghost:5f…`, or NULL when an editor made it.
  source TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX path_redirects_by_target ON path_redirects (to_key);
