-- The ETag of each prebuilt KV document as last written, so a rebuild purges only the documents
-- whose bytes changed. Kept here rather than read back from KV, which may still show an older value.
CREATE TABLE documents (
  name TEXT PRIMARY KEY,
  etag TEXT NOT NULL
);
