-- Written in order: the slug each article's page was last written at in KV by the pipeline, or NULL
-- when no page of it is there (a new article not built yet, a draft, the trash). Listings, feeds,
-- sitemaps and the corrections page link only articles whose page is written at their current slug
-- (src/data/listings.ts), so a reader who follows a new link never meets a 404; writing a page
-- queues again any of its listings built without it (src/pipeline/materialise.ts).
ALTER TABLE articles ADD COLUMN page_slug TEXT;

-- On an existing site every public article's page was written by the pipeline before this column.
UPDATE articles SET page_slug = slug WHERE draft = 0 AND deleted_at IS NULL;
