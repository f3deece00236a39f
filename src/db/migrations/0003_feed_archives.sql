-- RFC 5005 archived feeds: each listing's articles, month by month in parts of up to 100, each part
-- a prebuilt document in KV. `signature` covers what the document shows (its articles, their last
-- change, its neighbours), so a rebuild rewrites only the documents whose signature changed.
CREATE TABLE archives (
  listing TEXT NOT NULL,
  doc TEXT NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (listing, doc)
);
