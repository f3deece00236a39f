/**
 * @module editorial/live
 * Live coverage in the system of record: adding, editing and removing a live article's updates.
 * This module owns every statement that writes `live_updates` and `live_update_revisions`, but the
 * trash's purge (editorial/database.ts), which removes them with their article.
 *
 * Each change is one guarded batch (`commitGuarded`, editorial/database.ts). Its head stamps the
 * article row, if the article is still at the version this change was built from (and, for an edit
 * or a removal, if the update is still at the version the editor named in `If-Match`): it moves the
 * article's modified time and re-renders its feed items and list entry with it, so the home page and
 * feeds show the article as updated. Everything after it (the update, its revision, the outbox work)
 * runs only if that head won.
 */
import { absoluteUrl } from "../core/config";
import { sha256Hex } from "../core/digest";
import { LIVE_KEY_EVENTS, LIVE_PAGE_SIZE, newUpdateId, olderPageOf } from "../core/live";
import { renderBody, shorten } from "../core/markdown";
import { PIPELINE_VERSION } from "../core/pipeline-version";
import { type FieldProblem, type LiveUpdateInput, liveUpdateInputSchema, validate } from "../core/schema";
import { liveListingName } from "../targets/build-target";
import { LIVE_PATHS, updateAnchor } from "../targets/document-name";
import { listingsFor } from "../targets/listings";
import { fragmentsAt } from "./article";
import {
  type ArticleRow,
  commitGuarded,
  filingOfRow,
  type Guard,
  getArticleRow,
  type OutboxWork,
  outboxStatements,
  storedArticleOf,
} from "./database";
import { etagOf, ifMatchNames, type Preconditions, type PublishContext, type Refusal } from "./publishing";

/** An update as D1 keeps it. */
export interface LiveUpdateRow {
  id: string;
  article_id: string;
  created_at: number;
  created_by: string;
  changed_at: number;
  changed_by: string;
  version: string;
  headline: string | null;
  body: string;
  html: string;
  summary: string;
  pinned: number;
  deleted_at: number | null;
}

/** A key event: a pinned update, and the page of older updates it sits on (undefined: the article page). */
export interface KeyEvent {
  id: string;
  label: string;
  at: number;
  page?: number;
}

/** What an article page shows of its coverage. */
export interface LivePage {
  /** The newest LIVE_PAGE_SIZE updates, newest first. */
  updates: LiveUpdateRow[];
  keyEvents: KeyEvent[];
  /** Updates in all, removed ones not counted. */
  total: number;
}

export type SavedUpdate = { ok: true; outcome: "created" | "updated" | "unchanged"; update: LiveUpdateRow };
export type RemovedUpdate = { ok: true; id: string };

const COLUMNS =
  "id, article_id, created_at, created_by, changed_at, changed_by, version, headline, body, html, summary, pinned, deleted_at";

/** How many times a change retries when an edit to the article itself landed between its read and its write. */
const ATTEMPTS = 3;

/** A plain-text label of at most this many characters: key events, feed titles. */
const LABEL_LENGTH = 140;

/** Adds an update to the live article at `slug`. */
export async function addUpdate(context: PublishContext, slug: string, data: unknown): Promise<SavedUpdate | Refusal> {
  const built = await buildUpdate(data);
  if (!built.ok) return built;
  const id = newUpdateId();
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const row = await liveArticle(context.db, slug);
    if (!row.ok) return row;
    const now = context.clock.now();
    const update: LiveUpdateRow = {
      id,
      article_id: row.value.id,
      created_at: now,
      created_by: context.editor,
      changed_at: now,
      changed_by: context.editor,
      deleted_at: null,
      ...built.value,
    };
    const won = await commitUpdate(context, row.value, id, null, now, "create", (guard) => [
      guard(
        `INSERT INTO live_updates (${COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL WHERE {guard}`,
        update.id,
        update.article_id,
        update.created_at,
        update.created_by,
        update.changed_at,
        update.changed_by,
        update.version,
        update.headline,
        update.body,
        update.html,
        update.summary,
        update.pinned,
      ),
    ]);
    if (won) return { ok: true, outcome: "created", update };
  }
  return busy();
}

/** Replaces an update's headline, body and pinning. Its time stays; `If-Match` must name its version when sent. */
export async function editUpdate(
  context: PublishContext,
  slug: string,
  id: string,
  data: unknown,
  preconditions: Preconditions,
): Promise<SavedUpdate | Refusal> {
  const built = await buildUpdate(data);
  if (!built.ok) return built;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const found = await articleAndUpdate(context.db, slug, id, preconditions);
    if (!found.ok) return found;
    const { row, update } = found;
    if (update.version === built.value.version) return { ok: true, outcome: "unchanged", update };
    const now = context.clock.now();
    const next: LiveUpdateRow = { ...update, ...built.value, changed_at: now, changed_by: context.editor };
    const won = await commitUpdate(context, row, id, update, now, "update", (guard) => [
      guard(
        `UPDATE live_updates SET version = ?, headline = ?, body = ?, html = ?, summary = ?, pinned = ?, changed_at = ?, changed_by = ?
         WHERE id = ? AND {guard}`,
        next.version,
        next.headline,
        next.body,
        next.html,
        next.summary,
        next.pinned,
        now,
        context.editor,
        id,
      ),
    ]);
    if (won) return { ok: true, outcome: "updated", update: next };
    if (preconditions.ifMatch !== undefined) return changedMeanwhile();
  }
  return busy();
}

/** Removes an update from the page and the feeds; its row and revisions stay, for the record. */
export async function removeUpdate(
  context: PublishContext,
  slug: string,
  id: string,
  preconditions: Preconditions,
): Promise<RemovedUpdate | Refusal> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const found = await articleAndUpdate(context.db, slug, id, preconditions);
    if (!found.ok) return found;
    const now = context.clock.now();
    const won = await commitUpdate(context, found.row, id, found.update, now, "delete", (guard) => [
      guard(
        "UPDATE live_updates SET deleted_at = ?, changed_at = ?, changed_by = ? WHERE id = ? AND {guard}",
        now,
        now,
        context.editor,
        id,
      ),
    ]);
    if (won) return { ok: true, id };
    if (preconditions.ifMatch !== undefined) return changedMeanwhile();
  }
  return busy();
}

/** An article's updates for editors, newest first, removed ones left out. */
export async function listUpdates(db: D1Database, articleId: string): Promise<LiveUpdateRow[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM live_updates WHERE article_id = ? AND deleted_at IS NULL ORDER BY created_at DESC, id DESC`)
    .bind(articleId)
    .all<LiveUpdateRow>();
  return results;
}

/** One update of an article, unless it was removed. */
export async function getUpdate(db: D1Database, articleId: string, id: string): Promise<LiveUpdateRow | null> {
  return db
    .prepare(`SELECT ${COLUMNS} FROM live_updates WHERE article_id = ? AND id = ? AND deleted_at IS NULL`)
    .bind(articleId, id)
    .first<LiveUpdateRow>();
}

/** Every version of an update, newest first: who changed it, when, and what it said. */
export async function updateRevisions(
  db: D1Database,
  articleId: string,
  id: string,
): Promise<Array<{ id: number; version: string; action: string; editor: string; created_at: number; input: string }>> {
  const { results } = await db
    .prepare(
      "SELECT id, version, action, editor, created_at, input FROM live_update_revisions WHERE update_id = ? AND article_id = ? ORDER BY id DESC",
    )
    .bind(id, articleId)
    .all<{ id: number; version: string; action: string; editor: string; created_at: number; input: string }>();
  return results;
}

/**
 * What the article page shows of its coverage, in one batch: the newest updates, the key events
 * (each with the page it sits on, when that is not the article's own) and the count.
 */
export async function readLivePage(db: D1Database, articleId: string): Promise<LivePage> {
  const live = "article_id = ?1 AND deleted_at IS NULL";
  const [newest, pinned, count] = await db.batch([
    db
      .prepare(`SELECT ${COLUMNS} FROM live_updates WHERE ${live} ORDER BY created_at DESC, id DESC LIMIT ${LIVE_PAGE_SIZE}`)
      .bind(articleId),
    db
      .prepare(
        `SELECT u.id, u.headline, u.summary, u.created_at,
           (SELECT COUNT(*) FROM live_updates o WHERE o.article_id = ?1 AND o.deleted_at IS NULL
              AND (o.created_at < u.created_at OR (o.created_at = u.created_at AND o.id < u.id))) AS position
         FROM live_updates u WHERE u.article_id = ?1 AND u.deleted_at IS NULL AND u.pinned = 1
         ORDER BY u.created_at DESC, u.id DESC LIMIT ${LIVE_KEY_EVENTS}`,
      )
      .bind(articleId),
    db.prepare(`SELECT COUNT(*) AS n FROM live_updates WHERE ${live}`).bind(articleId),
  ]);
  const total = (count?.results[0] as { n: number } | undefined)?.n ?? 0;
  const keyEvents = (
    (pinned?.results ?? []) as Array<{
      id: string;
      headline: string | null;
      summary: string;
      created_at: number;
      position: number;
    }>
  ).map((event) => ({
    id: event.id,
    label: labelOf(event),
    at: event.created_at,
    // The article page shows positions total - LIVE_PAGE_SIZE and up; older ones are on their page.
    ...(event.position < total - LIVE_PAGE_SIZE ? { page: olderPageOf(event.position) } : {}),
  }));
  return { updates: (newest?.results ?? []) as LiveUpdateRow[], keyEvents, total };
}

/** An update's short plain-text label: its headline, or the start of its text. */
export const labelOf = (update: Pick<LiveUpdateRow, "headline" | "summary">): string =>
  update.headline ?? shorten(update.summary, LABEL_LENGTH);

/** An update's permalink, on the article page. */
export const updateUrl = (site: PublishContext["site"], slug: string, id: string): string =>
  absoluteUrl(site, LIVE_PATHS.update(slug, id));

/** An update's feed id: the article's (fixed at its creation), and the update's own fragment. */
export const updateFeedId = (articleFeedId: string, id: string): string => `${articleFeedId}#${updateAnchor(id)}`;

/** What an update's input builds: everything stored but its times and editors. */
type BuiltUpdate = Pick<LiveUpdateRow, "version" | "headline" | "body" | "html" | "summary" | "pinned">;

async function buildUpdate(data: unknown): Promise<{ ok: true; value: BuiltUpdate } | Refusal> {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    return invalid([{ field: "", problem: "the body must be a JSON object with the update's fields" }]);
  }
  const input = validate(liveUpdateInputSchema, data);
  if (!input.ok) return invalid(input.problems);
  const rendered = renderBody(input.value.body);
  if (!rendered.ok) return invalid(rendered.problems);
  if (rendered.html.trim() === "") return invalid([{ field: "body", problem: "has nothing left after sanitizing" }]);
  return {
    ok: true,
    value: {
      version: await updateVersion(input.value),
      headline: input.value.headline ?? null,
      body: input.value.body,
      html: rendered.html,
      // A body of images or headings alone has no paragraph: the headline stands in.
      summary: rendered.summary || input.value.headline || "Update",
      pinned: input.value.pinned ? 1 : 0,
    },
  };
}

/** A short SHA-256 of what the editor sent, with the rendering's version, as articles have. */
function updateVersion(input: LiveUpdateInput): Promise<string> {
  return sha256Hex(
    JSON.stringify({ pipeline: PIPELINE_VERSION, headline: input.headline ?? null, body: input.body, pinned: input.pinned }),
  );
}

/** The article at `slug`, if it exists outside the trash and is live. */
async function liveArticle(db: D1Database, slug: string): Promise<{ ok: true; value: ArticleRow } | Refusal> {
  const row = await getArticleRow(db, slug);
  if (!row || row.deleted_at != null)
    return refuse(404, `There is no article "${slug}"`, "slug", "names no article outside the trash");
  if (!storedArticleOf(row).live) {
    return refuse(
      409,
      `The article "${slug}" is not live`,
      "slug",
      "names an article without live coverage: give it live: true first",
    );
  }
  return { ok: true, value: row };
}

async function articleAndUpdate(
  db: D1Database,
  slug: string,
  id: string,
  preconditions: Preconditions,
): Promise<{ ok: true; row: ArticleRow; update: LiveUpdateRow } | Refusal> {
  const row = await liveArticle(db, slug);
  if (!row.ok) return row;
  const update = await getUpdate(db, row.value.id, id);
  if (!update) return refuse(404, `The article "${slug}" has no update ${id}`, "id", "names no update of this article");
  const { ifMatch } = preconditions;
  if (ifMatch !== undefined && !ifMatchNames(ifMatch, update.version)) {
    return refuse(
      412,
      "The update has changed since you read it",
      "If-Match",
      `does not match the stored version ${etagOf(update.version)}`,
    );
  }
  return { ok: true, row: row.value, update };
}

/**
 * Commits one change to an update with the article's new modified time and feed items: the head
 * holds if the article is still at the version read (and the update at its, when there is one).
 */
async function commitUpdate(
  context: PublishContext,
  row: ArticleRow,
  id: string,
  update: LiveUpdateRow | null,
  now: number,
  action: "create" | "update" | "delete",
  change: (guard: Guard) => D1PreparedStatement[],
): Promise<boolean> {
  const touched = fragmentsAt(context.site, storedArticleOf(row), row.feed_id, now);
  const head = (writeId: string) =>
    context.db
      .prepare(
        `UPDATE articles SET write_id = ?, revision = revision + 1, modified_at = ?, rss_item = ?, atom_item = ?, json_item = ?, entry = ?
         WHERE id = ? AND version = ? AND deleted_at IS NULL
         ${update ? "AND EXISTS (SELECT 1 FROM live_updates WHERE id = ? AND version = ? AND deleted_at IS NULL)" : ""}`,
      )
      .bind(
        writeId,
        touched.modifiedAt,
        touched.rssItem,
        touched.atomItem,
        touched.jsonItem,
        JSON.stringify(touched.entry),
        row.id,
        row.version,
        ...(update ? [update.id, update.version] : []),
      );
  return commitGuarded(context.db, row.id, head, (guard) => [
    ...change(guard),
    guard(
      `INSERT INTO live_update_revisions (update_id, article_id, version, action, editor, created_at, input)
       SELECT id, article_id, version, ?, ?, ?, json_object('headline', headline, 'body', body, 'pinned', pinned = 1)
       FROM live_updates WHERE id = ? AND {guard}`,
      action,
      context.editor,
      now,
      id,
    ),
    ...outboxStatements(guard, workForUpdate(row), now),
  ]);
}

/**
 * What an update leaves for the read model: the article's page, its live documents, and the
 * listings it is in (their first pages and feeds, which show it updated). Never the archives, the
 * sitemaps or any other article's page.
 */
function workForUpdate(row: ArticleRow): OutboxWork {
  const listings = [liveListingName(row.slug)];
  if (row.draft === 0) listings.push(...listingsFor(filingOfRow(row)).map((listing) => listing.name));
  return { articles: [row.slug], listings };
}

function invalid(details: FieldProblem[]): Refusal {
  return { ok: false, status: 400, error: "The update is not valid", details };
}

function refuse(status: Refusal["status"], error: string, field: string, problem: string): Refusal {
  return { ok: false, status, error, details: [{ field, problem }] };
}

function changedMeanwhile(): Refusal {
  return refuse(412, "The update changed while this request was in flight", "If-Match", "no longer matches the stored version");
}

function busy(): Refusal {
  return refuse(
    409,
    "Other changes to this article kept winning; try again",
    "slug",
    "is being changed by someone else right now",
  );
}
