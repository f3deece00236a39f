-- Editions (docs/editions.md): one newsroom, readers in many languages. The default edition is
-- SITE_LANGUAGE and keeps today's URLs; its row here, when an editor has saved one, overrides the
-- SITE_* vars that otherwise seed it. Every other edition lives under /{lang}/.
CREATE TABLE editions (
  -- The BCP 47 tag in its canonical form (Intl.getCanonicalLocales): es, pt-BR, zh-Hans.
  lang TEXT PRIMARY KEY,
  -- What editors and the language switcher call it, in its own language: "Español".
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  -- An IANA time zone; NULL: the default edition's.
  time_zone TEXT,
  created_at INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  changed_by TEXT NOT NULL
);

-- A section keeps one slug everywhere and has a name per edition (the default's is sections.name).
CREATE TABLE section_names (
  section_slug TEXT NOT NULL,
  lang TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (section_slug, lang)
);

-- An article's edition (NULL: the default edition) and its translation group: the id of the
-- article the group began with, on every member (the original's too), NULL when it has none.
ALTER TABLE articles ADD COLUMN language TEXT;
ALTER TABLE articles ADD COLUMN translation_group TEXT;
-- When the original got a new published version or a correction after this translation was last
-- saved: the desk and the API flag it "original changed" until the translation is saved again.
ALTER TABLE articles ADD COLUMN original_changed_at INTEGER;
-- A group holds at most one article per edition.
CREATE UNIQUE INDEX articles_translation_edition ON articles (translation_group, COALESCE(language, ''))
  WHERE translation_group IS NOT NULL;
CREATE INDEX articles_language ON articles (language, published_at);
