-- Atom items, pre-rendered at save time like the RSS and JSON Feed ones.
ALTER TABLE articles ADD COLUMN atom_item TEXT NOT NULL DEFAULT '';

-- Names are matched without regard to case when an article names a section, tag or author, so
-- "World" and "world" are one section; the slug, once given, never changes.
CREATE INDEX sections_by_name ON sections (name COLLATE NOCASE);
CREATE INDEX tags_by_name ON tags (name COLLATE NOCASE);
CREATE INDEX authors_by_name ON authors (name COLLATE NOCASE);
CREATE INDEX articles_by_section ON articles (section_slug, published_at DESC) WHERE draft = 0 AND deleted_at IS NULL;
