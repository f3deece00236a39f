-- Which article each imported post became (docs/importing.md): the source (`wordpress
-- https://old.example`, `ghost`) and the post's id there. Kept on the site, not on the machine that
-- ran the import, so a rerun from anywhere finds the same articles, even ones renamed since, and
-- creates nothing twice. An article's id, not its slug: a rename changes nothing here.
CREATE TABLE import_sources (
  source TEXT NOT NULL,
  source_id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (source, source_id)
);
CREATE INDEX import_sources_by_article ON import_sources (article_id);
