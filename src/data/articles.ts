/**
 * @module data/articles
 * The articles and their history in the editorial database: this module owns every statement on
 * `articles`, `revisions` and `redirects` (the slugs an article left behind), and the guarded batch
 * every change to an article commits in (`commitGuarded`). Emptying the trash also removes an
 * article's links, corrections and live updates with it, in the same batch. (The newsletters read
 * articles to find first publications, and write none: data/mail.ts.) The tables are described
 * in src/db/migrations/.
 *
 * A change is one `batch` (one transaction). Its first statement is conditional (`UPDATE … WHERE id
 * = :id AND version = :expected`, or an insert that does nothing on a taken slug) and stamps the row
 * with a fresh `write_id`. Every later statement runs only `WHERE EXISTS` a row with that
 * `write_id`, so a change that lost its race writes nothing at all: not its revision, links or
 * outbox entries.
 */

import * as v from "valibot";
import { type ArticleInput, articleInputSchema, type ListEntry } from "../core/schema";
import { type ArticleStatus, STATUSES, statusSql } from "../core/visibility";
import { all, col, first, parseJson, row } from "./rows";
import { type SqlValue, sql, statement } from "./sql";

export const articleRowSchema = row({
  id: col.text,
  slug: col.text,
  feed_id: col.text,
  version: col.text,
  revision: col.integer,
  title: col.text,
  section_slug: col.text,
  published_at: col.integer,
  modified_at: col.integer,
  draft: col.integer,
  input: col.text,
  record: col.text,
  entry: col.text,
  rss_item: col.text,
  atom_item: col.text,
  json_item: col.text,
  index_keys: col.text,
  created_at: col.integer,
  created_by: col.text,
  changed_at: col.integer,
  changed_by: col.text,
  deleted_at: col.nullableInteger,
  /** The slug its page was last written at in KV; null when no page of it is there. */
  page_slug: col.nullableText,
  /** Its edition's tag; null (or absent, from a statement that does not read it) for the default edition. */
  language: v.optional(col.nullableText),
  /** Its translation group (data/editions.ts); null (or absent) when it has none. */
  translation_group: v.optional(col.nullableText),
});
export type ArticleRow = v.InferOutput<typeof articleRowSchema>;

export type RevisionAction = "create" | "update" | "restore-revision" | "move" | "trash" | "untrash" | "import";
const REVISION_ACTIONS = ["create", "update", "restore-revision", "move", "trash", "untrash", "import"] as const;

const revisionRowSchema = row({
  id: col.integer,
  article_id: col.text,
  slug: col.text,
  version: col.text,
  action: v.picklist(REVISION_ACTIONS),
  editor: col.text,
  created_at: col.integer,
  input: col.text,
  changed: col.text,
});
export type RevisionRow = v.InferOutput<typeof revisionRowSchema>;

/** Everything a save writes about an article, already built and rendered. */
export interface ArticleWrite {
  id: string;
  slug: string;
  feedId: string;
  version: string;
  title: string;
  section: { slug: string; name: string };
  tags: Array<{ slug: string; name: string }>;
  authors: Array<{ slug: string; name: string }>;
  publishedAt: number;
  modifiedAt: number;
  draft: boolean;
  input: ArticleInput;
  record: string;
  entry: ListEntry;
  rssItem: string;
  atomItem: string;
  jsonItem: string;
  /** Its edition (null: the default) and translation group, and the group's first article to file with it (data/editions.ts). */
  edition?: { language: string | null; group: string | null; joinFirst?: string };
}

/** Who changed what, for a revision. */
export interface Attribution {
  editor: string;
  now: number;
  action: RevisionAction;
  changed: string[];
  /** More statements for the change's batch, guarded like the rest: its audit entry, its workflow row. */
  also?: ArticleHook | undefined;
}

/** Statements a caller adds to an article change's one batch (they run only if the change wins). */
export type ArticleHook = (guard: Guard, articleId: string, action: RevisionAction) => D1PreparedStatement[];

/** Named parameters of one statement. */
export type Params = Record<string, SqlValue | boolean | undefined>;

/**
 * Builds a statement that runs only if the change's head won: `{guard}` marks where the condition
 * goes; its own parameters are named, and must not start with `guard_`.
 */
export type Guard = (text: string, params?: Params) => D1PreparedStatement;

const GUARD_TOKEN = "{guard}";
const GUARD_CONDITION = "EXISTS (SELECT 1 FROM articles WHERE id = :guard_article AND write_id = :guard_write)";

/** Statements that run only if the row still carries this change's write id. */
function guarded(db: D1Database, articleId: string, writeId: string): Guard {
  return (text, params = {}) => {
    if (!text.includes(GUARD_TOKEN)) throw new Error(`unguarded statement in a batch: ${text}`);
    return sql(db, text.replace(GUARD_TOKEN, GUARD_CONDITION), { ...params, guard_article: articleId, guard_write: writeId });
  };
}

/**
 * Runs one guarded transaction for article `id`: `head` is the precondition, which stamps the row
 * with a fresh write id; every statement from `rest` runs only if the row carries that id. Resolves
 * whether the head won (changed exactly one row).
 */
export async function commitGuarded(
  db: D1Database,
  id: string,
  head: (writeId: string) => D1PreparedStatement,
  rest: (guard: Guard) => D1PreparedStatement[],
): Promise<boolean> {
  const writeId = crypto.randomUUID();
  const [result] = await db.batch([head(writeId), ...rest(guarded(db, id, writeId))]);
  return (result?.meta.changes ?? 0) === 1;
}

const ARTICLE_COLUMNS = `id, slug, feed_id, version, revision, title, section_slug, published_at, modified_at, draft,
  input, record, entry, rss_item, atom_item, json_item, index_keys, created_at, created_by, changed_at, changed_by, deleted_at, page_slug,
  language, translation_group`;

const bySlug = statement<{ slug: string }>(`SELECT ${ARTICLE_COLUMNS} FROM articles WHERE slug = :slug`);
const byId = statement<{ id: string }>(`SELECT ${ARTICLE_COLUMNS} FROM articles WHERE id = :id`);

export function getArticleRow(db: D1Database, slug: string): Promise<ArticleRow | null> {
  return first(bySlug(db, { slug }), articleRowSchema);
}

export function getArticleRowById(db: D1Database, id: string): Promise<ArticleRow | null> {
  return first(byId(db, { id }), articleRowSchema);
}

const rowsAfter = statement<{ after: string; limit: number }>(
  `SELECT ${ARTICLE_COLUMNS} FROM articles WHERE id > :after ORDER BY id LIMIT :limit`,
);
const countsUpTo = statement<{ last: string }>(
  "SELECT COUNT(*) AS total, COUNT(CASE WHEN id <= :last THEN 1 END) AS up_to FROM articles",
);

/**
 * A page of article rows in id order, after `after` (for walking every article, as a reindex does),
 * with how many articles there are in all and how many sort up to the page's last.
 */
export async function articleRowsAfter(
  db: D1Database,
  after: string,
  limit: number,
): Promise<{ rows: ArticleRow[]; total: number; upToLast: number }> {
  const rows = await all(rowsAfter(db, { after, limit }), articleRowSchema);
  const last = rows.at(-1)?.id ?? after;
  const counts = await first(countsUpTo(db, { last }), row({ total: col.integer, up_to: col.integer }));
  return { rows, total: counts?.total ?? 0, upToLast: counts?.up_to ?? 0 };
}

const summaryRowSchema = row({
  slug: col.text,
  title: col.text,
  version: col.text,
  published_at: col.integer,
  draft: col.integer,
  deleted_at: col.nullableInteger,
  section: col.text,
  changed_at: col.integer,
  changed_by: col.text,
});
export type ArticleSummaryRow = v.InferOutput<typeof summaryRowSchema>;

const summaries = statement(
  `SELECT a.slug, a.title, a.version, a.published_at, a.draft, a.deleted_at, COALESCE(s.name, a.section_slug) AS section,
     a.changed_at, a.changed_by
   FROM articles a LEFT JOIN sections s ON s.slug = a.section_slug
   ORDER BY a.published_at DESC, a.id DESC`,
);

/** Every article, the trash included, newest first: for editors. */
export function listArticleSummaries(db: D1Database): Promise<ArticleSummaryRow[]> {
  return all(summaries(db), summaryRowSchema);
}

const revisionsOf = statement<{ article: string }>("SELECT * FROM revisions WHERE article_id = :article ORDER BY id DESC");
const oneRevision = statement<{ article: string; id: number }>(
  "SELECT * FROM revisions WHERE article_id = :article AND id = :id",
);

export function listRevisions(db: D1Database, articleId: string): Promise<RevisionRow[]> {
  return all(revisionsOf(db, { article: articleId }), revisionRowSchema);
}

export function getRevision(db: D1Database, articleId: string, revisionId: number): Promise<RevisionRow | null> {
  return first(oneRevision(db, { article: articleId, id: revisionId }), revisionRowSchema);
}

const redirectOf = statement<{ slug: string }>("SELECT to_slug FROM redirects WHERE from_slug = :slug");
const redirectsTo = statement<{ slug: string }>("SELECT from_slug FROM redirects WHERE to_slug = :slug");

/** Where an old slug went: another slug, null for gone, or undefined when it never moved. */
export async function redirectFor(db: D1Database, slug: string): Promise<string | null | undefined> {
  const found = await first(redirectOf(db, { slug }), row({ to_slug: col.nullableText }));
  return found ? found.to_slug : undefined;
}

/** The old slugs that redirect to `slug`. */
export async function slugsRedirectingTo(db: D1Database, slug: string): Promise<string[]> {
  return (await all(redirectsTo(db, { slug }), row({ from_slug: col.text }))).map((r) => r.from_slug);
}

/** An article's fields as the save statements name them. */
function articleParams(write: ArticleWrite, writeId: string, by: Attribution) {
  return {
    id: write.id,
    slug: write.slug,
    feed_id: write.feedId,
    version: write.version,
    write_id: writeId,
    title: write.title,
    section_slug: write.section.slug,
    published_at: write.publishedAt,
    modified_at: write.modifiedAt,
    draft: write.draft,
    input: JSON.stringify(write.input),
    record: write.record,
    entry: JSON.stringify(write.entry),
    rss_item: write.rssItem,
    atom_item: write.atomItem,
    json_item: write.jsonItem,
    now: by.now,
    editor: by.editor,
  };
}
type ArticleParams = ReturnType<typeof articleParams>;

const insertArticle = statement<ArticleParams>(
  `INSERT INTO articles (id, slug, feed_id, version, revision, write_id, title, section_slug, published_at,
     modified_at, draft, input, record, entry, rss_item, json_item, created_at, created_by, changed_at, changed_by, atom_item)
   VALUES (:id, :slug, :feed_id, :version, 1, :write_id, :title, :section_slug, :published_at, :modified_at, :draft, :input,
     :record, :entry, :rss_item, :json_item, :now, :editor, :now, :editor, :atom_item)
   ON CONFLICT (slug) DO NOTHING`,
);

/** Replaces every field of a row; the conditions follow in each statement. */
const UPDATE_ARTICLE = `UPDATE articles SET slug = :slug, feed_id = :feed_id, version = :version, revision = revision + 1,
  write_id = :write_id, title = :title, section_slug = :section_slug, published_at = :published_at,
  modified_at = :modified_at, draft = :draft, input = :input, record = :record, entry = :entry, rss_item = :rss_item,
  json_item = :json_item, changed_at = :now, changed_by = :editor, atom_item = :atom_item`;

/** :expected_revision: the revision the change was built from, or null for any. */
const SAME_REVISION = "(:expected_revision IS NULL OR revision = :expected_revision)";

type Expected = { expected_version: string; expected_revision: number | null };

const updateArticle = statement<ArticleParams & Expected>(
  `${UPDATE_ARTICLE} WHERE id = :id AND version = :expected_version AND deleted_at IS NULL AND ${SAME_REVISION}`,
);

const moveArticle = statement<ArticleParams & Expected & { from: string }>(
  `${UPDATE_ARTICLE} WHERE id = :id AND version = :expected_version AND slug = :from AND deleted_at IS NULL AND ${SAME_REVISION}
   AND NOT EXISTS (SELECT 1 FROM articles WHERE slug = :slug)`,
);

/**
 * The head of a save: with `expectedVersion` it replaces exactly that version of the row; without,
 * it creates the row if the slug is free. With `expectedRevision` it also loses to any write since.
 */
export function saveArticleHead(
  db: D1Database,
  write: ArticleWrite,
  writeId: string,
  by: Attribution,
  expectedVersion: string | null,
  expectedRevision: number | null,
): D1PreparedStatement {
  const params = articleParams(write, writeId, by);
  return expectedVersion === null
    ? insertArticle(db, params)
    : updateArticle(db, { ...params, expected_version: expectedVersion, expected_revision: expectedRevision });
}

/** The head of a move from slug `from`: as a save, and only if the new slug is free. */
export function moveArticleHead(
  db: D1Database,
  write: ArticleWrite,
  writeId: string,
  by: Attribution,
  from: string,
  expectedVersion: string,
  expectedRevision: number | null,
): D1PreparedStatement {
  return moveArticle(db, {
    ...articleParams(write, writeId, by),
    expected_version: expectedVersion,
    expected_revision: expectedRevision,
    from,
  });
}

/** The revision of a change: it copies what the row now holds, so it is exactly what was saved. */
export function revisionStatement(guard: Guard, articleId: string, by: Attribution): D1PreparedStatement {
  return guard(
    `INSERT INTO revisions (article_id, slug, version, action, editor, created_at, input, changed)
     SELECT id, slug, version, :action, :editor, :now, input, :changed FROM articles WHERE id = :article AND {guard}`,
    { action: by.action, editor: by.editor, now: by.now, changed: JSON.stringify(by.changed), article: articleId },
  );
}

/** The article takes over its slug: an old redirect from it no longer applies. */
export const takeSlugStatement = (guard: Guard, slug: string): D1PreparedStatement =>
  guard("DELETE FROM redirects WHERE from_slug = :slug AND {guard}", { slug });

/** A move's redirects: the old slug, and every slug that already pointed at it, go to the new one. */
export function moveRedirectStatements(guard: Guard, from: string, to: string, now: number): D1PreparedStatement[] {
  return [
    guard("UPDATE redirects SET to_slug = :to WHERE to_slug = :from AND {guard}", { to, from }),
    takeSlugStatement(guard, to),
    guard(
      `INSERT INTO redirects (from_slug, to_slug, created_at) SELECT :from, :to, :now WHERE {guard}
       ON CONFLICT (from_slug) DO UPDATE SET to_slug = excluded.to_slug`,
      { from, to, now },
    ),
  ];
}

/** The head of a move to the trash (`trash`) or out of it, if the row is still at `expectedVersion`. */
export function trashHead(
  db: D1Database,
  articleId: string,
  trash: boolean,
  expectedVersion: string,
  writeId: string,
  by: Attribution,
): D1PreparedStatement {
  return sql(
    db,
    `UPDATE articles SET deleted_at = :deleted_at, revision = revision + 1, write_id = :write_id, changed_at = :now,
       changed_by = :editor
     WHERE id = :id AND version = :expected AND deleted_at IS ${trash ? "NULL" : "NOT NULL"}`,
    {
      deleted_at: trash ? by.now : null,
      write_id: writeId,
      now: by.now,
      editor: by.editor,
      id: articleId,
      expected: expectedVersion,
    },
  );
}

/** The article's fields a change to its live updates or corrections re-renders. */
export interface Refragment {
  modifiedAt: number;
  rssItem: string;
  atomItem: string;
  jsonItem: string;
}

const liveHead = statement<{
  write_id: string;
  modified_at: number;
  rss_item: string;
  atom_item: string;
  json_item: string;
  entry: string;
  id: string;
  version: string;
  update_id: string | null;
  update_version: string | null;
}>(
  `UPDATE articles SET write_id = :write_id, revision = revision + 1, modified_at = :modified_at, rss_item = :rss_item,
     atom_item = :atom_item, json_item = :json_item, entry = :entry
   WHERE id = :id AND version = :version AND deleted_at IS NULL
     AND (:update_id IS NULL
       OR EXISTS (SELECT 1 FROM live_updates WHERE id = :update_id AND version = :update_version AND deleted_at IS NULL))`,
);

/**
 * The head of a change to a live article's updates: the article still at `version` (and the update
 * at its version, when there is one), with its new modified time, feed items and list entry.
 */
export function liveUpdateHead(
  db: D1Database,
  article: { id: string; version: string },
  update: { id: string; version: string } | null,
  writeId: string,
  fragments: Refragment & { entry: ListEntry },
): D1PreparedStatement {
  return liveHead(db, {
    write_id: writeId,
    modified_at: fragments.modifiedAt,
    rss_item: fragments.rssItem,
    atom_item: fragments.atomItem,
    json_item: fragments.jsonItem,
    entry: JSON.stringify(fragments.entry),
    id: article.id,
    version: article.version,
    update_id: update?.id ?? null,
    update_version: update?.version ?? null,
  });
}

const correctionHead = statement<{
  record: string;
  rss_item: string;
  atom_item: string;
  json_item: string;
  modified_at: number;
  write_id: string;
  id: string;
  revision: number;
  correction_id: string | null;
  correction_version: string | null;
}>(
  `UPDATE articles SET record = :record, rss_item = :rss_item, atom_item = :atom_item, json_item = :json_item,
     modified_at = :modified_at, revision = revision + 1, write_id = :write_id
   WHERE id = :id AND revision = :revision
     AND (:correction_version IS NULL OR EXISTS (SELECT 1 FROM corrections
       WHERE id = :correction_id AND article_id = :id AND version = :correction_version AND deleted_at IS NULL))`,
);

/**
 * The head of a change to an article's corrections: the article still at `revision` (and the
 * correction at `expected`, when given), with its re-rendered record and feed items.
 */
export function correctionArticleHead(
  db: D1Database,
  article: { id: string; revision: number },
  expected: { correctionId: string; version: string } | undefined,
  writeId: string,
  record: string,
  fragments: Refragment,
): D1PreparedStatement {
  return correctionHead(db, {
    record,
    rss_item: fragments.rssItem,
    atom_item: fragments.atomItem,
    json_item: fragments.jsonItem,
    modified_at: fragments.modifiedAt,
    write_id: writeId,
    id: article.id,
    revision: article.revision,
    correction_id: expected?.correctionId ?? null,
    correction_version: expected?.version ?? null,
  });
}

const trashedBefore = statement<{ before: number }>(
  "SELECT id, slug FROM articles WHERE deleted_at IS NOT NULL AND deleted_at < :before LIMIT 50",
);

/** Tables that hold an article's own rows, removed with it when the trash is emptied. */
const OWNED_BY_ARTICLE = [
  "article_tags",
  "article_authors",
  "revisions",
  // Its corrections were never public while it was in the trash, and go with it.
  "corrections",
  "correction_revisions",
  "live_updates",
  "live_update_revisions",
] as const;

/**
 * Empties the trash of articles deleted before `before`: each becomes a 410 redirect row, and its
 * row, links and revisions go. Resolves the slugs it removed.
 */
export async function purgeTrash(db: D1Database, before: number, now: number): Promise<string[]> {
  const found = await all(trashedBefore(db, { before }), row({ id: col.text, slug: col.text }));
  const emptied: string[] = [];
  for (const { id, slug } of found) {
    // The row goes first, and only if it is still in the trash and old enough: a restore that
    // landed since keeps it. Everything after runs only if the row is gone.
    const gone = "NOT EXISTS (SELECT 1 FROM articles WHERE id = :id)";
    const params = { id, slug, now, before };
    const [deleted] = await db.batch([
      sql(db, "DELETE FROM articles WHERE id = :id AND deleted_at IS NOT NULL AND deleted_at < :before", params),
      sql(
        db,
        `INSERT INTO redirects (from_slug, to_slug, created_at) SELECT :slug, NULL, :now WHERE ${gone}
         ON CONFLICT (from_slug) DO UPDATE SET to_slug = NULL`,
        params,
      ),
      sql(
        db,
        `INSERT INTO outbox (kind, target, due_at, created_at)
         SELECT 'article', from_slug, :now, :now FROM redirects WHERE to_slug = :slug AND ${gone}`,
        params,
      ),
      sql(db, `UPDATE redirects SET to_slug = NULL WHERE to_slug = :slug AND ${gone}`, params),
      ...OWNED_BY_ARTICLE.map((table) => sql(db, `DELETE FROM ${table} WHERE article_id = :id AND ${gone}`, params)),
      sql(db, `INSERT INTO outbox (kind, target, due_at, created_at) SELECT 'article', :slug, :now, :now WHERE ${gone}`, params),
    ]);
    if ((deleted?.meta.changes ?? 0) === 1) emptied.push(slug);
  }
  return emptied;
}

const writeIndexKeys = statement<{ keys: string; id: string }>("UPDATE articles SET index_keys = :keys WHERE id = :id");
const writeIndexKeysAt = statement<{ keys: string; id: string; revision: number }>(
  "UPDATE articles SET index_keys = :keys WHERE id = :id AND revision = :revision",
);

/** Records index keys that are about to be written, whatever the row's revision. */
export async function recordIndexKeys(db: D1Database, id: string, keys: string[]): Promise<void> {
  await writeIndexKeys(db, { keys: JSON.stringify(keys), id }).run();
}

/** Stores the KV index keys the materialiser wrote for an article, if it is still at `revision`. */
export async function setIndexKeys(db: D1Database, id: string, keys: string[], revision: number): Promise<void> {
  await writeIndexKeysAt(db, { keys: JSON.stringify(keys), id, revision }).run();
}

/** The input a row or a revision keeps, exactly as the editor sent it: a JSON object. */
export const storedInputOf = (stored: { input: string }): Record<string, unknown> =>
  parseJson(v.record(v.string(), v.unknown()), stored.input, "input");

/** The input a row keeps, as today's rules read it; null when it no longer passes them. */
export function articleInputOf(stored: { input: string }): ArticleInput | null {
  const input = v.safeParse(articleInputSchema, storedInputOf(stored));
  return input.success ? input.output : null;
}

/** The names of the fields a revision changed. */
export const changedFieldsOf = (revision: Pick<RevisionRow, "changed">): string[] =>
  parseJson(v.array(v.string()), revision.changed, "revisions.changed");

/** The KV index keys the materialiser last wrote for an article. */
export const indexKeysOf = (article: Pick<ArticleRow, "index_keys">): string[] =>
  parseJson(v.array(v.string()), article.index_keys, "articles.index_keys");

const pageWritten = statement<{ id: string; slug: string }>(
  "UPDATE articles SET page_slug = :slug WHERE id = :id AND slug = :slug",
);
const pageGone = statement<{ id: string }>("UPDATE articles SET page_slug = NULL WHERE id = :id AND page_slug IS NOT NULL");

/** Records that the article's page is written in KV at `slug` (if that is still its slug). */
export const pageWrittenStatement = (db: D1Database, id: string, slug: string): D1PreparedStatement =>
  pageWritten(db, { id, slug });

/** Records that the article has no page in KV (a draft, the trash). */
export async function recordPageGone(db: D1Database, id: string): Promise<void> {
  await pageGone(db, { id }).run();
}

const bySlugs = statement<{ slugs: string }>(
  `SELECT ${ARTICLE_COLUMNS} FROM articles WHERE slug IN (SELECT value FROM json_each(:slugs))`,
);
const revisionsByIds = statement<{ ids: string }>(
  "SELECT id, slug, revision FROM articles WHERE id IN (SELECT value FROM json_each(:ids))",
);

/** The articles at these slugs (those there are), by slug: one query. */
export async function getArticleRows(db: D1Database, slugs: string[]): Promise<Map<string, ArticleRow>> {
  if (slugs.length === 0) return new Map();
  const rows = await all(bySlugs(db, { slugs: JSON.stringify(slugs) }), articleRowSchema);
  return new Map(rows.map((r) => [r.slug, r]));
}

/** Where these articles stand now (those that still exist), by id: one query. */
export async function articleRevisionsById(
  db: D1Database,
  ids: string[],
): Promise<Map<string, { slug: string; revision: number }>> {
  if (ids.length === 0) return new Map();
  const rows = await all(
    revisionsByIds(db, { ids: JSON.stringify(ids) }),
    row({ id: col.text, slug: col.text, revision: col.integer }),
  );
  return new Map(rows.map((r) => [r.id, { slug: r.slug, revision: r.revision }]));
}

const slugsAfter = statement<{ after: string; limit: number }>(
  "SELECT slug, revision FROM articles WHERE slug > :after ORDER BY slug LIMIT :limit",
);

const slugsInEditionAfter = statement<{ after: string; limit: number; edition: string }>(
  `SELECT slug, revision FROM articles WHERE slug > :after
     AND (CASE WHEN :edition = '' THEN language IS NULL ELSE LOWER(language) = :edition END)
   ORDER BY slug LIMIT :limit`,
);

/**
 * A page of articles' slugs and revisions, in slug order after `after`: a fan-out's page; of one
 * edition's articles when `edition` is given ("" for the default edition, else its lower-case tag).
 */
export function articleSlugsAfter(db: D1Database, after: string, limit: number, edition?: string) {
  const rows = row({ slug: col.text, revision: col.integer });
  return edition === undefined
    ? all(slugsAfter(db, { after, limit }), rows)
    : all(slugsInEditionAfter(db, { after, limit, edition }), rows);
}

const wentLive = statement<{ since: number; now: number }>(
  `SELECT slug, draft, published_at, section_slug, record FROM articles
   WHERE draft = 0 AND deleted_at IS NULL AND published_at > :since AND published_at <= :now`,
);

/** Articles whose scheduled time came in (since, now]. */
export function articlesWentLive(db: D1Database, since: number, now: number) {
  return all(
    wentLive(db, { since, now }),
    row({ slug: col.text, draft: col.integer, published_at: col.integer, section_slug: col.text, record: col.text }),
  );
}

export { STATUSES };

const deskRowSchema = row({
  slug: col.text,
  title: col.text,
  published_at: col.integer,
  draft: col.integer,
  deleted_at: col.nullableInteger,
  section: col.text,
  authors: col.nullableText,
  changed_at: col.integer,
  changed_by: col.text,
});
export type DeskRow = v.InferOutput<typeof deskRowSchema>;

// Each status is a condition on the row; without one, everything but the trash.
const STATUS_CONDITIONS: Record<ArticleStatus | "all", string> = {
  all: "a.deleted_at IS NULL",
  ...(Object.fromEntries(STATUSES.map((status) => [status, statusSql(status, ":now")])) as Record<ArticleStatus, string>),
};

/**
 * A page of `limit` articles that match the desk's filters, newest change first, and one more if
 * there is one. The title search is `instr(lower(title), lower(q))`, not LIKE: D1 refuses LIKE
 * patterns over 50 bytes, so a pasted headline was an error, and `%` and `_` needed escaping.
 */
export function deskArticleRows(
  db: D1Database,
  filters: { status?: ArticleStatus | undefined; section: string; author: string; q: string },
  now: number,
  limit: number,
  offset: number,
): Promise<DeskRow[]> {
  return all(
    sql(
      db,
      `SELECT a.slug, a.title, a.published_at, a.draft, a.deleted_at, COALESCE(s.name, a.section_slug) AS section,
         (SELECT group_concat(name, ', ') FROM (SELECT au.name FROM article_authors aa JOIN authors au ON au.slug = aa.author_slug
            WHERE aa.article_id = a.id ORDER BY aa.position)) AS authors,
         a.changed_at, a.changed_by
       FROM articles a LEFT JOIN sections s ON s.slug = a.section_slug
       WHERE ${STATUS_CONDITIONS[filters.status ?? "all"]}
         AND (:section = '' OR a.section_slug = :section)
         AND (:author = '' OR EXISTS (SELECT 1 FROM article_authors aa WHERE aa.article_id = a.id AND aa.author_slug = :author))
         AND (:q = '' OR instr(lower(a.title), lower(:q)) > 0)
       ORDER BY a.changed_at DESC, a.id
       LIMIT :limit OFFSET :offset`,
      { section: filters.section, author: filters.author, q: filters.q, now, limit, offset },
    ),
    deskRowSchema,
  );
}
