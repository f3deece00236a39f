/**
 * @module editorial/live
 * Live coverage in the system of record: adding, editing and removing a live article's updates.
 * This module decides every change to `live_updates` and `live_update_revisions`; their statements
 * are data/live.ts's.
 *
 * Each change is one guarded batch (`commitGuarded`, data/articles.ts). Its head stamps the
 * article row, if the article is still at the version this change was built from (and, for an edit
 * or a removal, if the update is still at the version the editor named in `If-Match`): it moves the
 * article's modified time and re-renders its feed items and list entry with it, so the home page and
 * feeds show the article as updated. Everything after it (the update, its revision, the outbox work)
 * runs only if that head won.
 */
import { absoluteUrl } from "../core/config";
import { sha256Hex } from "../core/digest";
import { LIVE_PAGE_SIZE, newUpdateId, olderPageOf } from "../core/live";
import { renderBody, shorten } from "../core/markdown";
import { PIPELINE_VERSION } from "../core/pipeline-version";
import { type FieldProblem, type LiveUpdateInput, liveUpdateInputSchema, validate } from "../core/schema";
import { type ArticleRow, commitGuarded, type Guard, getArticleRow, liveUpdateHead } from "../data/articles";
import {
  editUpdateStatement,
  getUpdate,
  insertUpdateStatement,
  type LiveUpdateRow,
  readLiveCoverage,
  removeUpdateStatement,
  updateRevisionStatement,
} from "../data/live";
import { type OutboxWork, outboxStatements } from "../data/pipeline";
import { liveListingName } from "../targets/build-target";
import { LIVE_PATHS, updateAnchor } from "../targets/document-name";
import { listingsFor } from "../targets/listings";
import { fragmentsAt } from "./article";
import { filingOfRow, storedArticleOf } from "./database";
import { etagOf, ifMatchNames, type Preconditions, type PublishContext, type Refusal } from "./publishing";

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
      insertUpdateStatement(guard, update),
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
    const won = await commitUpdate(context, row, id, update, now, "update", (guard) => [editUpdateStatement(guard, next)]);
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
      removeUpdateStatement(guard, id, now, context.editor),
    ]);
    if (won) return { ok: true, id };
    if (preconditions.ifMatch !== undefined) return changedMeanwhile();
  }
  return busy();
}

/**
 * What the article page shows of its coverage, in one batch: the newest updates, the key events
 * (each with the page it sits on, when that is not the article's own) and the count.
 */
export async function readLivePage(db: D1Database, articleId: string): Promise<LivePage> {
  const { updates, pinned, total } = await readLiveCoverage(db, articleId);
  const keyEvents = pinned.map((event) => ({
    id: event.id,
    label: labelOf(event),
    at: event.created_at,
    // The article page shows positions total - LIVE_PAGE_SIZE and up; older ones are on their page.
    ...(event.position < total - LIVE_PAGE_SIZE ? { page: olderPageOf(event.position) } : {}),
  }));
  return { updates, keyEvents, total };
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
  const head = (writeId: string) => liveUpdateHead(context.db, row, update, writeId, touched);
  return commitGuarded(context.db, row.id, head, (guard) => [
    ...change(guard),
    updateRevisionStatement(guard, id, action, context.editor, now),
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
