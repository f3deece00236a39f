/**
 * @module editorial/database
 * The editorial database in D1: the system of record. This module owns every statement that writes
 * it, but for the corrections and live updates tables, which editorial/corrections.ts and
 * editorial/live.ts write through the same `commitGuarded` (the listing builders' reads live with
 * them, in pipeline/listing-builders.ts); the tables are described in src/db/migrations/.
 *
 * A change is one `batch` (one transaction). Its first statement is conditional (`UPDATE … WHERE id
 * = ? AND version = ?`, or an insert that does nothing on a taken slug) and stamps the row with a
 * fresh `write_id`. Every later statement runs only `WHERE EXISTS` a row with that `write_id`, so a
 * change that lost its race writes nothing at all: not its revision, links or outbox entries.
 */

import * as v from "valibot";
import { PIPELINE_VERSION } from "../core/pipeline-version";
import { type ArticleInput, type ListEntry, type StoredArticle, storedArticleSchema } from "../core/schema";
import { taxonomySlug } from "../core/taxonomy";
import { EDITION_SQL } from "../data/editions";

/** Every table, for tests and tools that need them all. */
export const TABLES = [
  "articles",
  "revisions",
  "sections",
  "tags",
  "authors",
  "article_tags",
  "article_authors",
  "redirects",
  "outbox",
  "listings",
  "meta",
  "archives",
  "documents",
  "sign_in_failures",
  "desk_sign_outs",
  "pending_purges",
  "purge_bucket",
  "dead_letters",
  "pipeline_failures",
  "rebuilds",
  "corrections",
  "correction_revisions",
  "live_updates",
  "live_update_revisions",
  "editions",
  "section_names",
] as const;

export interface ArticleRow {
  id: string;
  slug: string;
  feed_id: string;
  version: string;
  revision: number;
  title: string;
  section_slug: string;
  published_at: number;
  modified_at: number;
  draft: number;
  input: string;
  record: string;
  entry: string;
  rss_item: string;
  atom_item: string;
  json_item: string;
  index_keys: string;
  created_at: number;
  created_by: string;
  changed_at: number;
  changed_by: string;
  deleted_at: number | null;
}

// An article's status is core/visibility's; re-exported for the modules that read rows from here.
export { type ArticleStatus, STATUSES, statusOf } from "../core/visibility";

/** The article a row's record holds, as its page is rendered; throws when the record is broken. */
export const storedArticleOf = (row: Pick<ArticleRow, "record">): StoredArticle =>
  v.parse(storedArticleSchema, JSON.parse(row.record));

/** Where a stored article is filed, from the links its record keeps (older records: its section). */
export function filingOfRow(row: Pick<ArticleRow, "record" | "section_slug">): {
  section: string;
  tags: string[];
  authors: string[];
} {
  const links = (JSON.parse(row.record) as { links?: { section: string; tags: string[]; authors: string[] } }).links;
  return { section: links?.section ?? row.section_slug, tags: links?.tags ?? [], authors: links?.authors ?? [] };
}

export type RevisionAction = "create" | "update" | "restore-revision" | "move" | "trash" | "untrash" | "import";

export interface RevisionRow {
  id: number;
  article_id: string;
  slug: string;
  version: string;
  action: RevisionAction;
  editor: string;
  created_at: number;
  input: string;
  changed: string;
}

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
  /** Its edition (null: the default) and translation group, and the group's first article to file with it. */
  edition?: { language: string | null; group: string | null; joinFirst?: string };
}

/** Work for the read model that a change leaves behind. */
export interface OutboxWork {
  articles: string[];
  listings: string[];
}

/**
 * Replaces every field of a row from `articleValues` (?1 to ?15), the time (?16), the editor (?17)
 * and the Atom item (?20); ?18, ?19 and ?21 are the conditions' (the expected version, the old slug,
 * the expected revision).
 */
const UPDATE_ARTICLE = `UPDATE articles SET slug = ?2, feed_id = ?3, version = ?4, revision = revision + 1, write_id = ?5,
  title = ?6, section_slug = ?7, published_at = ?8, modified_at = ?9, draft = ?10, input = ?11, record = ?12, entry = ?13,
  rss_item = ?14, json_item = ?15, changed_at = ?16, changed_by = ?17, atom_item = ?20`;

/** ?21: the revision the change was built from, or null for any. */
const SAME_REVISION = "(?21 IS NULL OR revision = ?21)";

const ARTICLE_COLUMNS = `id, slug, feed_id, version, revision, title, section_slug, published_at, modified_at, draft,
  input, record, entry, rss_item, atom_item, json_item, index_keys, created_at, created_by, changed_at, changed_by, deleted_at`;

export async function getArticleRow(db: D1Database, slug: string): Promise<ArticleRow | null> {
  return db.prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles WHERE slug = ?`).bind(slug).first<ArticleRow>();
}

export async function getArticleRowById(db: D1Database, id: string): Promise<ArticleRow | null> {
  return db.prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles WHERE id = ?`).bind(id).first<ArticleRow>();
}

/**
 * A page of article rows in id order, after `after` (for walking every article, as a reindex does),
 * with how many articles there are in all and how many sort up to the page's last.
 */
export async function articleRowsAfter(
  db: D1Database,
  after: string,
  limit: number,
): Promise<{ rows: ArticleRow[]; total: number; upToLast: number }> {
  const { results: rows } = await db
    .prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles WHERE id > ? ORDER BY id LIMIT ?`)
    .bind(after, limit)
    .all<ArticleRow>();
  const last = rows.at(-1)?.id ?? after;
  const counts = await db
    .prepare("SELECT COUNT(*) AS total, COUNT(CASE WHEN id <= ? THEN 1 END) AS up_to FROM articles")
    .bind(last)
    .first<{ total: number; up_to: number }>();
  return { rows, total: counts?.total ?? 0, upToLast: counts?.up_to ?? 0 };
}

export interface ArticleSummaryRow {
  slug: string;
  title: string;
  version: string;
  published_at: number;
  draft: number;
  deleted_at: number | null;
  section: string;
  changed_at: number;
  changed_by: string;
}

/** Every article, the trash included, newest first: for editors. */
export async function listArticleSummaries(db: D1Database): Promise<ArticleSummaryRow[]> {
  const { results } = await db
    .prepare(
      `SELECT a.slug, a.title, a.version, a.published_at, a.draft, a.deleted_at, COALESCE(s.name, a.section_slug) AS section,
         a.changed_at, a.changed_by
       FROM articles a LEFT JOIN sections s ON s.slug = a.section_slug
       ORDER BY a.published_at DESC, a.id DESC`,
    )
    .all<ArticleSummaryRow>();
  return results;
}

export async function listRevisions(db: D1Database, articleId: string): Promise<RevisionRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM revisions WHERE article_id = ? ORDER BY id DESC")
    .bind(articleId)
    .all<RevisionRow>();
  return results;
}

export async function getRevision(db: D1Database, articleId: string, revisionId: number): Promise<RevisionRow | null> {
  return db.prepare("SELECT * FROM revisions WHERE article_id = ? AND id = ?").bind(articleId, revisionId).first<RevisionRow>();
}

/** When a live article's updates last changed (an add, edit or removal), or null for none. */
export async function latestLiveChange(db: D1Database, articleId: string): Promise<number | null> {
  const row = await db
    .prepare("SELECT MAX(changed_at) AS at FROM live_updates WHERE article_id = ?")
    .bind(articleId)
    .first<{ at: number | null }>();
  return row?.at ?? null;
}

/** Where an old slug went: another slug, null for gone, or undefined when it never moved. */
export async function redirectFor(db: D1Database, slug: string): Promise<string | null | undefined> {
  const row = await db
    .prepare("SELECT to_slug FROM redirects WHERE from_slug = ?")
    .bind(slug)
    .first<{ to_slug: string | null }>();
  return row ? row.to_slug : undefined;
}

export type TaxonomyTable = "sections" | "tags" | "authors";

/**
 * The slug for each name: the one it already has (names match without regard to case), or a new
 * one made from it that no other name of this kind has, so two names never share a slug. A slug,
 * once given, never changes, even if the display name does.
 */
export async function slugsForNames(db: D1Database, table: TaxonomyTable, names: string[]): Promise<Map<string, string>> {
  const slugs = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of names) {
    if (slugs.has(name)) continue;
    const known = await db
      .prepare(`SELECT slug FROM ${table} WHERE name = ? COLLATE NOCASE`)
      .bind(name)
      .first<{ slug: string }>();
    if (known) {
      slugs.set(name, known.slug);
      continue;
    }
    const base = taxonomySlug(name);
    let candidate = base;
    for (
      let n = 2;
      taken.has(candidate) || (await db.prepare(`SELECT 1 AS one FROM ${table} WHERE slug = ?`).bind(candidate).first());
      n++
    ) {
      candidate = `${base.slice(0, 90)}-${n}`;
    }
    taken.add(candidate);
    slugs.set(name, candidate);
  }
  return slugs;
}

/** The old slugs that redirect to `slug`. */
export async function slugsRedirectingTo(db: D1Database, slug: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT from_slug FROM redirects WHERE to_slug = ?")
    .bind(slug)
    .all<{ from_slug: string }>();
  return results.map((r) => r.from_slug);
}

/** Who changed what, for a revision. */
export interface Attribution {
  editor: string;
  now: number;
  action: RevisionAction;
  changed: string[];
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

/**
 * Saves an article as one transaction. With `expectedVersion` it replaces exactly that version of
 * the row; without, it creates the row if the slug is free. With `expectedRevision` it also loses to
 * any write since (a correction re-renders the record without changing the version). Resolves
 * whether this save won.
 */
export async function commitArticle(
  db: D1Database,
  write: ArticleWrite,
  expectedVersion: string | null,
  by: Attribution,
  work: OutboxWork,
  expectedRevision: number | null = null,
): Promise<boolean> {
  const head = (writeId: string) =>
    expectedVersion === null
      ? db
          .prepare(
            `INSERT INTO articles (id, slug, feed_id, version, revision, write_id, title, section_slug, published_at,
               modified_at, draft, input, record, entry, rss_item, json_item, created_at, created_by, changed_at, changed_by, atom_item)
             VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?16, ?17, ?18)
             ON CONFLICT (slug) DO NOTHING`,
          )
          .bind(...articleValues(write, writeId), by.now, by.editor, write.atomItem)
      : db
          .prepare(`${UPDATE_ARTICLE} WHERE id = ?1 AND version = ?18 AND deleted_at IS NULL AND ${SAME_REVISION}`)
          .bind(...articleValues(write, writeId), by.now, by.editor, expectedVersion, null, write.atomItem, expectedRevision);
  return commitGuarded(db, write.id, head, (guard) => [
    revisionStatement(guard, write.id, by),
    // The article takes over its slug: an old redirect from it no longer applies.
    guard("DELETE FROM redirects WHERE from_slug = ? AND {guard}", write.slug),
    ...taxonomyStatements(guard, write),
    ...editionStatements(guard, write),
    ...outboxStatements(guard, work, by.now),
  ]);
}

/** Files the article in its edition and translation group (data/editions.ts). */
function editionStatements(guard: Guard, write: ArticleWrite): D1PreparedStatement[] {
  const { edition } = write;
  if (!edition) return [];
  return [
    ...(edition.joinFirst && edition.group ? [guard(EDITION_SQL.joinFirst, edition.group, edition.joinFirst)] : []),
    guard(EDITION_SQL.file, edition.language, edition.group, write.id),
  ];
}

/** Moves an article to the trash (`trash`) or out of it, if it is still at `expectedVersion`. */
export async function commitTrash(
  db: D1Database,
  row: ArticleRow,
  trash: boolean,
  expectedVersion: string,
  by: Attribution,
  work: OutboxWork,
): Promise<boolean> {
  const head = (writeId: string) =>
    db
      .prepare(
        `UPDATE articles SET deleted_at = ?, revision = revision + 1, write_id = ?, changed_at = ?, changed_by = ?
         WHERE id = ? AND version = ? AND deleted_at IS ${trash ? "NULL" : "NOT NULL"}`,
      )
      .bind(trash ? by.now : null, writeId, by.now, by.editor, row.id, expectedVersion);
  return commitGuarded(db, row.id, head, (guard) => [
    revisionStatement(guard, row.id, by),
    ...outboxStatements(guard, work, by.now),
  ]);
}

/**
 * Renames an article: the old slug redirects to the new one, and so does every slug that already
 * redirected to the old one, so a chain of moves is never more than one hop.
 */
export async function commitMove(
  db: D1Database,
  write: ArticleWrite,
  from: string,
  expectedVersion: string,
  by: Attribution,
  work: OutboxWork,
  expectedRevision: number | null = null,
): Promise<boolean> {
  const head = (writeId: string) =>
    db
      .prepare(
        `${UPDATE_ARTICLE} WHERE id = ?1 AND version = ?18 AND slug = ?19 AND deleted_at IS NULL AND ${SAME_REVISION}
         AND NOT EXISTS (SELECT 1 FROM articles WHERE slug = ?2)`,
      )
      .bind(...articleValues(write, writeId), by.now, by.editor, expectedVersion, from, write.atomItem, expectedRevision);
  return commitGuarded(db, write.id, head, (guard) => [
    revisionStatement(guard, write.id, by),
    guard("UPDATE redirects SET to_slug = ? WHERE to_slug = ? AND {guard}", write.slug, from),
    guard("DELETE FROM redirects WHERE from_slug = ? AND {guard}", write.slug),
    guard(
      "INSERT INTO redirects (from_slug, to_slug, created_at) SELECT ?, ?, ? WHERE {guard} ON CONFLICT (from_slug) DO UPDATE SET to_slug = excluded.to_slug",
      from,
      write.slug,
      by.now,
    ),
    ...outboxStatements(guard, work, by.now),
  ]);
}

/**
 * Empties the trash of articles deleted before `before`: each becomes a 410 redirect row, and its
 * row, links and revisions go. Resolves the slugs it removed.
 */
export async function purgeTrash(db: D1Database, before: number, now: number): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id, slug FROM articles WHERE deleted_at IS NOT NULL AND deleted_at < ? LIMIT 50")
    .bind(before)
    .all<{ id: string; slug: string }>();
  const emptied: string[] = [];
  for (const { id, slug } of results) {
    // The row goes first, and only if it is still in the trash and old enough: a restore that
    // landed since keeps it. Everything after runs only if the row is gone.
    const gone = "NOT EXISTS (SELECT 1 FROM articles WHERE id = ?)";
    const [deleted] = await db.batch([
      db.prepare("DELETE FROM articles WHERE id = ? AND deleted_at IS NOT NULL AND deleted_at < ?").bind(id, before),
      db
        .prepare(
          `INSERT INTO redirects (from_slug, to_slug, created_at) SELECT ?, NULL, ? WHERE ${gone}
           ON CONFLICT (from_slug) DO UPDATE SET to_slug = NULL`,
        )
        .bind(slug, now, id),
      db
        .prepare(
          `INSERT INTO outbox (kind, target, due_at, created_at) SELECT 'article', from_slug, ?, ? FROM redirects WHERE to_slug = ? AND ${gone}`,
        )
        .bind(now, now, slug, id),
      db.prepare(`UPDATE redirects SET to_slug = NULL WHERE to_slug = ? AND ${gone}`).bind(slug, id),
      db.prepare(`DELETE FROM article_tags WHERE article_id = ? AND ${gone}`).bind(id, id),
      db.prepare(`DELETE FROM article_authors WHERE article_id = ? AND ${gone}`).bind(id, id),
      db.prepare(`DELETE FROM revisions WHERE article_id = ? AND ${gone}`).bind(id, id),
      // Its corrections were never public while it was in the trash, and go with it.
      db.prepare(`DELETE FROM corrections WHERE article_id = ? AND ${gone}`).bind(id, id),
      db.prepare(`DELETE FROM correction_revisions WHERE article_id = ? AND ${gone}`).bind(id, id),
      db.prepare(`DELETE FROM live_updates WHERE article_id = ? AND ${gone}`).bind(id, id),
      db.prepare(`DELETE FROM live_update_revisions WHERE article_id = ? AND ${gone}`).bind(id, id),
      db
        .prepare(`INSERT INTO outbox (kind, target, due_at, created_at) SELECT 'article', ?, ?, ? WHERE ${gone}`)
        .bind(slug, now, now, id),
    ]);
    if ((deleted?.meta.changes ?? 0) === 1) emptied.push(slug);
  }
  return emptied;
}

/** Builds a statement that runs only if the change's head won: `{guard}` marks where the condition goes. */
export type Guard = (sql: string, ...values: unknown[]) => D1PreparedStatement;

const GUARD_TOKEN = "{guard}";

/**
 * Statements that run only if the row still carries this change's write id. Each names where the
 * condition goes with `{guard}`, after all of its own placeholders.
 */
function guarded(db: D1Database, articleId: string, writeId: string): Guard {
  return (sql, ...values) => {
    if (!sql.includes(GUARD_TOKEN)) throw new Error(`unguarded statement in a batch: ${sql}`);
    const condition = "EXISTS (SELECT 1 FROM articles WHERE id = ? AND write_id = ?)";
    return db.prepare(sql.replace(GUARD_TOKEN, condition)).bind(...values, articleId, writeId);
  };
}

function articleValues(write: ArticleWrite, writeId: string): unknown[] {
  return [
    write.id,
    write.slug,
    write.feedId,
    write.version,
    writeId,
    write.title,
    write.section.slug,
    write.publishedAt,
    write.modifiedAt,
    write.draft ? 1 : 0,
    JSON.stringify(write.input),
    write.record,
    JSON.stringify(write.entry),
    write.rssItem,
    write.jsonItem,
  ];
}

function revisionStatement(guard: Guard, articleId: string, by: Attribution): D1PreparedStatement {
  // The revision copies what the row now holds, so it is exactly what was saved.
  return guard(
    `INSERT INTO revisions (article_id, slug, version, action, editor, created_at, input, changed)
     SELECT id, slug, version, ?, ?, ?, input, ? FROM articles WHERE id = ? AND {guard}`,
    by.action,
    by.editor,
    by.now,
    JSON.stringify(by.changed),
    articleId,
  );
}

function taxonomyStatements(guard: Guard, write: ArticleWrite): D1PreparedStatement[] {
  return [
    guard(
      "INSERT INTO sections (slug, name) SELECT ?, ? WHERE {guard} ON CONFLICT (slug) DO NOTHING",
      write.section.slug,
      write.section.name,
    ),
    guard("DELETE FROM article_tags WHERE article_id = ? AND {guard}", write.id),
    guard("DELETE FROM article_authors WHERE article_id = ? AND {guard}", write.id),
    ...write.tags.flatMap((tag, position) => [
      guard("INSERT INTO tags (slug, name) SELECT ?, ? WHERE {guard} ON CONFLICT (slug) DO NOTHING", tag.slug, tag.name),
      guard(
        "INSERT INTO article_tags (article_id, tag_slug, position) SELECT ?, ?, ? WHERE {guard} ON CONFLICT DO NOTHING",
        write.id,
        tag.slug,
        position,
      ),
    ]),
    ...write.authors.flatMap((author, position) => [
      guard("INSERT INTO authors (slug, name) SELECT ?, ? WHERE {guard} ON CONFLICT (slug) DO NOTHING", author.slug, author.name),
      guard(
        "INSERT INTO article_authors (article_id, author_slug, position) SELECT ?, ?, ? WHERE {guard} ON CONFLICT DO NOTHING",
        write.id,
        author.slug,
        position,
      ),
    ]),
  ];
}

/** The outbox rows (and listing generations) of a change, each run only if its head won. */
export function outboxStatements(guard: Guard, work: OutboxWork, now: number): D1PreparedStatement[] {
  return [
    ...[...new Set(work.articles)].map((slug) =>
      guard("INSERT INTO outbox (kind, target, due_at, created_at) SELECT 'article', ?, ?, ? WHERE {guard}", slug, now, now),
    ),
    ...[...new Set(work.listings)].flatMap((name) => [
      guard(
        `INSERT INTO listings (name, generation) SELECT ?, 1 WHERE {guard}
         ON CONFLICT (name) DO UPDATE SET generation = generation + 1`,
        name,
      ),
      guard("INSERT INTO outbox (kind, target, due_at, created_at) SELECT 'listing', ?, ?, ? WHERE {guard}", name, now, now),
    ]),
  ];
}

/** The ETags last written for these KV documents. */
export async function documentEtags(db: D1Database, names: string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const { results } = await db
    .prepare("SELECT name, etag FROM documents WHERE name IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(names))
    .all<{ name: string; etag: string }>();
  return new Map(results.map((r) => [r.name, r.etag]));
}

/** Records the ETags just written (null: the document was deleted). */
export async function recordDocumentEtags(db: D1Database, etags: Array<[string, string | null]>): Promise<void> {
  if (etags.length === 0) return;
  await db.batch(
    etags.map(([name, etag]) =>
      etag === null
        ? db.prepare("DELETE FROM documents WHERE name = ?").bind(name)
        : db
            .prepare("INSERT INTO documents (name, etag) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET etag = excluded.etag")
            .bind(name, etag),
    ),
  );
}

/** Queues a WebSub ping for each feed that changed; the outbox sends them to the hub, with retries. */
export async function queueWebSub(db: D1Database, feedUrls: string[], now: number): Promise<void> {
  if (feedUrls.length === 0) return;
  await db.batch(
    feedUrls.map((url) =>
      db.prepare("INSERT INTO outbox (kind, target, due_at, created_at) VALUES ('websub', ?, ?, ?)").bind(url, now, now),
    ),
  );
}

/**
 * Takes a listing's lease for `leaseMs` if no one holds it. Resolves its generations and when it
 * was last built, or null if another run holds the lease (or the listing is unknown).
 */
export async function claimListingLease(
  db: D1Database,
  name: string,
  leaseId: string,
  now: number,
  leaseMs: number,
): Promise<{ generation: number; built_generation: number; built_at: number } | null> {
  return db
    .prepare(
      `UPDATE listings SET lease_id = ?, lease_until = ? WHERE name = ? AND lease_until <= ?
       RETURNING generation, built_generation, built_at`,
    )
    .bind(leaseId, now + leaseMs, name, now)
    .first<{ generation: number; built_generation: number; built_at: number }>();
}

/** A listing's current generation, or null for a listing D1 does not know. */
export async function listingGeneration(db: D1Database, name: string): Promise<number | null> {
  const row = await db.prepare("SELECT generation FROM listings WHERE name = ?").bind(name).first<{ generation: number }>();
  return row?.generation ?? null;
}

/** Records that the lease holder wrote a listing as of `generation`. */
export async function recordListingBuilt(
  db: D1Database,
  name: string,
  leaseId: string,
  generation: number,
  at: number,
): Promise<void> {
  await db
    .prepare("UPDATE listings SET built_generation = MAX(built_generation, ?), built_at = ? WHERE name = ? AND lease_id = ?")
    .bind(generation, at, name, leaseId)
    .run();
}

export async function releaseListingLease(db: D1Database, name: string, leaseId: string): Promise<void> {
  await db
    .prepare("UPDATE listings SET lease_id = NULL, lease_until = 0 WHERE name = ? AND lease_id = ?")
    .bind(name, leaseId)
    .run();
}

/** Forgets a listing whose subject is gone, so nothing keeps rebuilding it. */
export async function forgetListing(db: D1Database, name: string): Promise<void> {
  await db.prepare("DELETE FROM listings WHERE name = ?").bind(name).run();
}

/** Queues the rebuild of listings, as a save does: bumps their generation, adds outbox rows. */
export async function queueListings(db: D1Database, names: string[], now: number): Promise<void> {
  if (names.length === 0) return;
  await db.batch(
    names.flatMap((name) => [
      db
        .prepare(
          "INSERT INTO listings (name, generation) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET generation = generation + 1",
        )
        .bind(name),
      db.prepare("INSERT INTO outbox (kind, target, due_at, created_at) VALUES ('listing', ?, ?, ?)").bind(name, now, now),
    ]),
  );
}

export async function getMeta(db: D1Database, key: string): Promise<string | null> {
  const row = await db.prepare("SELECT value FROM meta WHERE key = ?").bind(key).first<{ value: string }>();
  return row?.value ?? null;
}

export async function setMeta(db: D1Database, key: string, value: string): Promise<void> {
  await db
    .prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    .bind(key, value)
    .run();
}

/** Records index keys that are about to be written, whatever the row's revision. */
export async function recordIndexKeys(db: D1Database, id: string, keys: string[]): Promise<void> {
  await db.prepare("UPDATE articles SET index_keys = ? WHERE id = ?").bind(JSON.stringify(keys), id).run();
}

/** Stores the KV index keys the materialiser wrote for an article, if it is still at `revision`. */
export async function setIndexKeys(db: D1Database, id: string, keys: string[], revision: number): Promise<void> {
  await db
    .prepare("UPDATE articles SET index_keys = ? WHERE id = ? AND revision = ?")
    .bind(JSON.stringify(keys), id, revision)
    .run();
}

export interface AuthorRow {
  slug: string;
  name: string;
  bio: string;
  url: string | null;
  photo_url: string | null;
}

export interface SectionRow {
  slug: string;
  name: string;
  position: number;
}

export async function listAuthors(db: D1Database): Promise<AuthorRow[]> {
  return (await db.prepare("SELECT slug, name, bio, url, photo_url FROM authors ORDER BY name COLLATE NOCASE").all<AuthorRow>())
    .results;
}

export async function getAuthor(db: D1Database, slug: string): Promise<AuthorRow | null> {
  return db.prepare("SELECT slug, name, bio, url, photo_url FROM authors WHERE slug = ?").bind(slug).first<AuthorRow>();
}

/** Another author with this name (names match without regard to case), if any. */
export async function authorNamed(db: D1Database, name: string, except: string): Promise<string | null> {
  const row = await db
    .prepare("SELECT slug FROM authors WHERE name = ? COLLATE NOCASE AND slug != ?")
    .bind(name, except)
    .first<{ slug: string }>();
  return row?.slug ?? null;
}

/** Creates or replaces an author's profile, and queues the rebuild of the author's listing. */
export async function putAuthor(db: D1Database, author: AuthorRow, now: number): Promise<void> {
  await db.batch([
    db
      .prepare(
        `INSERT INTO authors (slug, name, bio, url, photo_url) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, bio = excluded.bio, url = excluded.url, photo_url = excluded.photo_url`,
      )
      .bind(author.slug, author.name, author.bio, author.url, author.photo_url),
    ...listingStatements(db, [`author:${author.slug}`], now),
  ]);
}

/** How many articles, the trash included, name this author. */
export async function articlesByAuthor(db: D1Database, slug: string): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM article_authors WHERE author_slug = ?")
    .bind(slug)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Deletes an author who has no articles; resolves false if one appeared meanwhile. */
export async function deleteAuthor(db: D1Database, slug: string, now: number): Promise<boolean> {
  const [deleted] = await db.batch([
    db
      .prepare("DELETE FROM authors WHERE slug = ? AND NOT EXISTS (SELECT 1 FROM article_authors WHERE author_slug = ?)")
      .bind(slug, slug),
    ...listingStatements(db, [`author:${slug}`], now),
  ]);
  return (deleted?.meta.changes ?? 0) === 1;
}

export async function listSections(db: D1Database): Promise<SectionRow[]> {
  return (await db.prepare("SELECT slug, name, position FROM sections ORDER BY position, name COLLATE NOCASE").all<SectionRow>())
    .results;
}

export async function getSection(db: D1Database, slug: string): Promise<SectionRow | null> {
  return db.prepare("SELECT slug, name, position FROM sections WHERE slug = ?").bind(slug).first<SectionRow>();
}

/**
 * Renames or reorders a section. The navigation on every page changes with it, so every page is
 * queued for rebuilding: each article's page, and each listing.
 */
export async function updateSection(db: D1Database, section: SectionRow, now: number): Promise<void> {
  await db.batch([
    db.prepare("UPDATE sections SET name = ?, position = ? WHERE slug = ?").bind(section.name, section.position, section.slug),
    ...rebuildEverythingStatements(db, now),
  ]);
}

/**
 * Statements that rebuild every article page and every listing: a rebuild record, every listing's
 * generation bumped (so each is built even if nothing else changed), and the two fan-out rows.
 */
export function rebuildEverythingStatements(db: D1Database, now: number, by = "navigation"): D1PreparedStatement[] {
  return [
    db
      .prepare(
        // Nothing to build is finished at once: no message would ever count towards it.
        `INSERT INTO rebuilds (pipeline_version, total, started_at, started_by, finished_at)
         SELECT ?1, total, ?2, ?3, CASE WHEN total = 0 THEN ?2 END
         FROM (SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM listings) AS total)`,
      )
      .bind(PIPELINE_VERSION, now, by),
    db.prepare("UPDATE listings SET generation = generation + 1"),
    db
      .prepare(
        `INSERT INTO outbox (kind, target, due_at, created_at, priority, rebuild) VALUES
           ('fanout', 'articles', ?1, ?1, 1, (SELECT max(id) FROM rebuilds)),
           ('fanout', 'listings', ?1, ?1, 1, (SELECT max(id) FROM rebuilds))`,
      )
      .bind(now),
  ];
}

function listingStatements(db: D1Database, names: string[], now: number): D1PreparedStatement[] {
  return names.flatMap((name) => [
    db
      .prepare(
        "INSERT INTO listings (name, generation) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET generation = generation + 1",
      )
      .bind(name),
    db.prepare("INSERT INTO outbox (kind, target, due_at, created_at) VALUES ('listing', ?, ?, ?)").bind(name, now, now),
  ]);
}
