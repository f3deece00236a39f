/**
 * @module editorial/database
 * The editorial database's changes to an article, each one guarded batch: a save, a move, a move
 * to or out of the trash. This module writes no SQL: it puts together statements from the data
 * layer (src/data/articles.ts, taxonomy.ts, pipeline.ts), which owns every table. It keeps the list
 * of tables, and reads an article's stored record.
 *
 * A change is one `batch` (one transaction), run by `commitGuarded` (data/articles.ts). Its first
 * statement is conditional and stamps the row with a fresh `write_id`; every later statement runs
 * only `WHERE EXISTS` a row with that `write_id`, so a change that lost its race writes nothing at
 * all: not its revision, links or outbox entries.
 */

import * as v from "valibot";
import { type StoredArticle, storedArticleSchema } from "../core/schema";
import {
  type ArticleRow,
  type ArticleWrite,
  type Attribution,
  commitGuarded,
  moveArticleHead,
  moveRedirectStatements,
  revisionStatement,
  saveArticleHead,
  takeSlugStatement,
  trashHead,
} from "../data/articles";
import { editionStatements } from "../data/editions";
import { type OutboxWork, outboxStatements } from "../data/pipeline";
import { parseJson } from "../data/rows";
import { taxonomyStatements } from "../data/taxonomy";

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
  "path_redirects",
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
  // Newsletters (src/data/mail.ts).
  "mail_subscribers",
  "mail_subscriptions",
  "mail_suppressed",
  "mail_announced",
  "mail_scopes",
  "mail_sends",
  "mail_deliveries",
  "mail_bucket",
  "mail_captured",
  "mail_dead_letters",
  // A person's tokens and invitations before the person (foreign keys).
  "person_tokens",
  "invitations",
  "people",
  "audit",
  "article_workflow",
  "article_notes",
  "editions",
  "section_names",
  "import_sources",
] as const;

// An article's status is core/visibility's; re-exported for the modules that read rows from here.
export { type ArticleStatus, STATUSES, statusOf } from "../core/visibility";

/** The article a row's record holds, as its page is rendered; throws when the record is broken. */
export const storedArticleOf = (row: Pick<ArticleRow, "record">): StoredArticle =>
  parseJson(storedArticleSchema, row.record, "articles.record");

const filingSchema = v.object({
  links: v.optional(v.object({ section: v.string(), tags: v.array(v.string()), authors: v.array(v.string()) })),
});

/** Where a stored article is filed, from the links its record keeps (older records: its section). */
export function filingOfRow(row: Pick<ArticleRow, "record" | "section_slug" | "language">): {
  section: string;
  tags: string[];
  authors: string[];
  edition: string;
} {
  const { links } = parseJson(filingSchema, row.record, "articles.record");
  return {
    section: links?.section ?? row.section_slug,
    tags: links?.tags ?? [],
    authors: links?.authors ?? [],
    edition: editionOfLanguage(row.language),
  };
}

/** The edition (targets/document-name.ts) an article's `language` column names: "" for the default edition. */
export const editionOfLanguage = (language: string | null | undefined): string => (language ? language.toLowerCase() : "");

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
  return commitGuarded(
    db,
    write.id,
    (writeId) => saveArticleHead(db, write, writeId, by, expectedVersion, expectedRevision),
    (guard) => [
      revisionStatement(guard, write.id, by),
      takeSlugStatement(guard, write.slug),
      ...taxonomyStatements(guard, write),
      ...editionStatements(guard, write),
      ...outboxStatements(guard, work, by.now),
      ...(by.also?.(guard, write.id, by.action) ?? []),
    ],
  );
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
  return commitGuarded(
    db,
    row.id,
    (writeId) => trashHead(db, row.id, trash, expectedVersion, writeId, by),
    (guard) => [
      revisionStatement(guard, row.id, by),
      ...outboxStatements(guard, work, by.now),
      ...(by.also?.(guard, row.id, by.action) ?? []),
    ],
  );
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
  return commitGuarded(
    db,
    write.id,
    (writeId) => moveArticleHead(db, write, writeId, by, from, expectedVersion, expectedRevision),
    (guard) => [
      revisionStatement(guard, write.id, by),
      ...moveRedirectStatements(guard, from, write.slug, by.now),
      ...outboxStatements(guard, work, by.now),
      ...(by.also?.(guard, write.id, by.action) ?? []),
    ],
  );
}
