/**
 * @module data/live
 * Live coverage in the editorial database: this module owns every statement on `live_updates` and
 * `live_update_revisions` (but emptying the trash, which removes them with their article:
 * data/articles.ts). Changes run inside the article's guarded batch (data/articles.ts), whose head
 * stamps the article row; every statement here that writes takes that batch's `guard`.
 */

import type * as v from "valibot";
import { LIVE_KEY_EVENTS, LIVE_PAGE_SIZE } from "../core/live";
import { publicSql } from "../core/visibility";
import type { Guard } from "./articles";
import { navOf, navStatement } from "./listings";
import { generationOf, generationStatement, signaturesOf, signaturesStatement } from "./pipeline";
import { all, COUNT, col, first, firstOf, row, rowsOf } from "./rows";
import { statement } from "./sql";

const COLUMNS =
  "id, article_id, created_at, created_by, changed_at, changed_by, version, headline, body, html, summary, pinned, deleted_at";

/** An update as D1 keeps it. */
export const liveUpdateRowSchema = row({
  id: col.text,
  article_id: col.text,
  created_at: col.integer,
  created_by: col.text,
  changed_at: col.integer,
  changed_by: col.text,
  version: col.text,
  headline: col.nullableText,
  body: col.text,
  html: col.text,
  summary: col.text,
  pinned: col.integer,
  deleted_at: col.nullableInteger,
});
export type LiveUpdateRow = v.InferOutput<typeof liveUpdateRowSchema>;

const LIVE = "article_id = :article AND deleted_at IS NULL";
const updates = statement<{ article: string }>(
  `SELECT ${COLUMNS} FROM live_updates WHERE ${LIVE} ORDER BY created_at DESC, id DESC`,
);
const update = statement<{ article: string; id: string }>(`SELECT ${COLUMNS} FROM live_updates WHERE ${LIVE} AND id = :id`);
const revisionsOf = statement<{ article: string; id: string }>(
  `SELECT id, version, action, editor, created_at, input FROM live_update_revisions
   WHERE update_id = :id AND article_id = :article ORDER BY id DESC`,
);
const revisionRow = row({
  id: col.integer,
  version: col.text,
  action: col.text,
  editor: col.text,
  created_at: col.integer,
  input: col.text,
});
const latestChange = statement<{ article: string }>("SELECT MAX(changed_at) AS at FROM live_updates WHERE article_id = :article");

/** An article's updates for editors, newest first, removed ones left out. */
export function listUpdates(db: D1Database, articleId: string): Promise<LiveUpdateRow[]> {
  return all(updates(db, { article: articleId }), liveUpdateRowSchema);
}

/** One update of an article, unless it was removed. */
export function getUpdate(db: D1Database, articleId: string, id: string): Promise<LiveUpdateRow | null> {
  return first(update(db, { article: articleId, id }), liveUpdateRowSchema);
}

/** Every version of an update, newest first: who changed it, when, and what it said. */
export function updateRevisions(db: D1Database, articleId: string, id: string) {
  return all(revisionsOf(db, { article: articleId, id }), revisionRow);
}

/** When a live article's updates last changed (an add, edit or removal), or null for none. */
export async function latestLiveChange(db: D1Database, articleId: string): Promise<number | null> {
  return (await first(latestChange(db, { article: articleId }), row({ at: col.nullableInteger })))?.at ?? null;
}

const newest = statement<{ article: string }>(
  `SELECT ${COLUMNS} FROM live_updates WHERE ${LIVE} ORDER BY created_at DESC, id DESC LIMIT ${LIVE_PAGE_SIZE}`,
);
const pinned = statement<{ article: string }>(
  `SELECT u.id, u.headline, u.summary, u.created_at,
     (SELECT COUNT(*) FROM live_updates o WHERE o.article_id = :article AND o.deleted_at IS NULL
        AND (o.created_at < u.created_at OR (o.created_at = u.created_at AND o.id < u.id))) AS position
   FROM live_updates u WHERE u.article_id = :article AND u.deleted_at IS NULL AND u.pinned = 1
   ORDER BY u.created_at DESC, u.id DESC LIMIT ${LIVE_KEY_EVENTS}`,
);
const counted = statement<{ article: string }>(`SELECT COUNT(*) AS n FROM live_updates WHERE ${LIVE}`);

/**
 * What the article page shows of its coverage, in one batch: the newest updates, the pinned ones
 * (each with how many updates came before it) and the count.
 */
export async function readLiveCoverage(db: D1Database, articleId: string) {
  const params = { article: articleId };
  const [latest, keyEvents, count] = await db.batch([newest(db, params), pinned(db, params), counted(db, params)]);
  return {
    updates: rowsOf(latest, liveUpdateRowSchema),
    pinned: rowsOf(
      keyEvents,
      row({ id: col.text, headline: col.nullableText, summary: col.text, created_at: col.integer, position: col.integer }),
    ),
    total: firstOf(count, COUNT)?.n ?? 0,
  };
}

/** The statement that adds an update, run only if the change's head won. */
export function insertUpdateStatement(guard: Guard, u: LiveUpdateRow): D1PreparedStatement {
  return guard(
    `INSERT INTO live_updates (${COLUMNS})
     SELECT :id, :article_id, :created_at, :created_by, :changed_at, :changed_by, :version, :headline, :body, :html, :summary,
       :pinned, NULL
     WHERE {guard}`,
    { ...u, deleted_at: null },
  );
}

/** The statement that replaces an update's text and pinning, run only if the change's head won. */
export function editUpdateStatement(guard: Guard, u: LiveUpdateRow): D1PreparedStatement {
  return guard(
    `UPDATE live_updates SET version = :version, headline = :headline, body = :body, html = :html, summary = :summary,
       pinned = :pinned, changed_at = :changed_at, changed_by = :changed_by
     WHERE id = :id AND {guard}`,
    { ...u },
  );
}

/** The statement that removes an update (its row stays, for the record), run only if the change's head won. */
export function removeUpdateStatement(guard: Guard, id: string, now: number, editor: string): D1PreparedStatement {
  return guard("UPDATE live_updates SET deleted_at = :now, changed_at = :now, changed_by = :editor WHERE id = :id AND {guard}", {
    id,
    now,
    editor,
  });
}

/** The revision of a change to an update: a copy of what its row now holds. */
export function updateRevisionStatement(
  guard: Guard,
  id: string,
  action: "create" | "update" | "delete",
  editor: string,
  now: number,
): D1PreparedStatement {
  return guard(
    `INSERT INTO live_update_revisions (update_id, article_id, version, action, editor, created_at, input)
     SELECT id, article_id, version, :action, :editor, :now, json_object('headline', headline, 'body', body, 'pinned', pinned = 1)
     FROM live_updates WHERE id = :id AND {guard}`,
    { action, editor, now, id },
  );
}

const liveArticle = statement<{ slug: string; now: number }>(
  `SELECT id, feed_id, record FROM articles WHERE slug = :slug AND ${publicSql("", ":now")}`,
);

/** What a live article's documents are planned from: the article if it is public, the stored signatures, the navigation. */
export async function readLiveListing(db: D1Database, name: string, slug: string, now: number) {
  const [generation, article, stored, nav] = await db.batch([
    generationStatement(db, name),
    liveArticle(db, { slug, now }),
    signaturesStatement(db, name),
    navStatement(db, now),
  ]);
  return {
    generation: generationOf(generation),
    article: firstOf(article, row({ id: col.text, feed_id: col.text, record: col.text })),
    signatures: signaturesOf(stored),
    nav: navOf(nav),
  };
}

const members = statement<{ article: string }>(
  `SELECT id, changed_at FROM live_updates WHERE ${LIVE} ORDER BY created_at ASC, id ASC`,
);

/** A live article's newest updates, and every update's id and last change, oldest first. */
export async function readLiveMembers(db: D1Database, articleId: string) {
  const params = { article: articleId };
  const [latest, every] = await db.batch([newest(db, params), members(db, params)]);
  return {
    latest: rowsOf(latest, liveUpdateRowSchema),
    members: rowsOf(every, row({ id: col.text, changed_at: col.integer })),
  };
}

const byIds = statement<{ ids: string }>(`SELECT ${COLUMNS} FROM live_updates WHERE id IN (SELECT value FROM json_each(:ids))`);

/** These updates. */
export async function updatesByIds(db: D1Database, ids: string[]): Promise<LiveUpdateRow[]> {
  if (ids.length === 0) return [];
  return all(byIds(db, { ids: JSON.stringify(ids) }), liveUpdateRowSchema);
}
