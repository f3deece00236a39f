/**
 * @module data/pipeline
 * The pipeline's state in the editorial database: this module owns every statement on `outbox`,
 * `listings`, `meta`, `archives`, `documents`, `rebuilds`, `pending_purges`, `purge_bucket`,
 * `dead_letters` and `pipeline_failures` (but emptying the trash, which queues the pages of an
 * article's old slugs in its own batch: data/articles.ts; and redirects from old paths, whose
 * outbox rows of kind `redirect` are written and completed with them: data/redirects.ts). A change's outbox rows are written in
 * the change's own guarded batch (`outboxStatements`).
 */

import * as v from "valibot";
import { PIPELINE_VERSION } from "../core/pipeline-version";
import type { Guard } from "./articles";
import { recordNavStatement } from "./nav";
import { all, col, first, firstOf, row, rowsOf } from "./rows";
import { statement } from "./sql";

/** Work for the read model that a change leaves behind. */
export interface OutboxWork {
  articles: string[];
  listings: string[];
  /**
   * Articles whose page only is written again, not their index keys or search entry: the other
   * versions of a translation group, whose hreflang links and language switcher name the one that
   * changed. Their outbox rows are of kind `article`, targets `<slug>@links` (pipeline/messages.ts).
   */
  links?: string[];
}

/** The suffix of a links-only article target (OutboxWork's `links`), which pipeline/messages.ts decodes. */
export const LINKS_ONLY = "@links";

/** What an outbox row asks for; pipeline/messages.ts carries the same kinds on the queues. */
export const OUTBOX_KINDS = ["article", "listing", "fanout", "purge", "websub", "redirect"] as const;

const json = (values: readonly unknown[]): string => JSON.stringify(values);

// ---- The outbox and the listings' generations ----

const BUMP_LISTING =
  "INSERT INTO listings (name, generation) VALUES (:name, 1) ON CONFLICT (name) DO UPDATE SET generation = generation + 1";
const bumpListing = statement<{ name: string }>(BUMP_LISTING);
const outboxRow = statement<{ kind: string; target: string; now: number }>(
  "INSERT INTO outbox (kind, target, due_at, created_at) VALUES (:kind, :target, :now, :now)",
);

/** The outbox rows (and listing generations) of a change, each run only if its head won. */
export function outboxStatements(guard: Guard, work: OutboxWork, now: number): D1PreparedStatement[] {
  return [
    ...[...new Set([...work.articles, ...(work.links ?? []).map((slug) => `${slug}${LINKS_ONLY}`)])].map((slug) =>
      guard("INSERT INTO outbox (kind, target, due_at, created_at) SELECT 'article', :slug, :now, :now WHERE {guard}", {
        slug,
        now,
      }),
    ),
    ...[...new Set(work.listings)].flatMap((name) => [
      guard(
        `INSERT INTO listings (name, generation) SELECT :name, 1 WHERE {guard}
         ON CONFLICT (name) DO UPDATE SET generation = generation + 1`,
        { name },
      ),
      guard("INSERT INTO outbox (kind, target, due_at, created_at) SELECT 'listing', :name, :now, :now WHERE {guard}", {
        name,
        now,
      }),
    ]),
  ];
}

/** Statements that queue the rebuild of listings, as a save does: bump their generation, add outbox rows. */
export function listingStatements(db: D1Database, names: string[], now: number): D1PreparedStatement[] {
  return names.flatMap((name) => [bumpListing(db, { name }), outboxRow(db, { kind: "listing", target: name, now })]);
}

/** A listing built (or being built) at its current generation: it may have been read without a page just written. */
const BUILT_OR_BUILDING = "(built_generation >= generation OR lease_until > :now)";
const requeueBuilt = statement<{ names: string; now: number }>(
  `INSERT INTO outbox (kind, target, due_at, created_at)
   SELECT 'listing', name, :now, :now FROM listings
   WHERE name IN (SELECT value FROM json_each(:names)) AND ${BUILT_OR_BUILDING}`,
);
const bumpBuilt = statement<{ names: string; now: number }>(
  `UPDATE listings SET generation = generation + 1
   WHERE name IN (SELECT value FROM json_each(:names)) AND ${BUILT_OR_BUILDING}`,
);

/**
 * Statements that queue again those of `names` that were built, or are being built, at their
 * current generation: after a page is written, so a listing that was read before it (and left its
 * article out) is built once more with it. A listing whose build is still to come reads it anyway.
 */
export function rebuildBuiltListingsStatements(db: D1Database, names: string[], now: number): D1PreparedStatement[] {
  if (names.length === 0) return [];
  const params = { names: json([...new Set(names)]), now };
  // The outbox rows first: both statements test the same state, before the generations move.
  return [requeueBuilt(db, params), bumpBuilt(db, params)];
}

/** Queues the rebuild of listings now. */
export async function queueListings(db: D1Database, names: string[], now: number): Promise<void> {
  if (names.length) await db.batch(listingStatements(db, names, now));
}

/** Queues a WebSub ping for each feed that changed; the outbox sends them to the hub, with retries. */
export async function queueWebSub(db: D1Database, feedUrls: string[], now: number): Promise<void> {
  if (feedUrls.length) await db.batch(feedUrls.map((url) => outboxRow(db, { kind: "websub", target: url, now })));
}

const startRebuildRow = statement<{ version: number; now: number; by: string }>(
  // Nothing to build is finished at once: no message would ever count towards it.
  `INSERT INTO rebuilds (pipeline_version, total, started_at, started_by, finished_at)
   SELECT :version, total, :now, :by, CASE WHEN total = 0 THEN :now END
   FROM (SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM listings) AS total)`,
);
const bumpAllListings = statement("UPDATE listings SET generation = generation + 1");
const fanoutRows = statement<{ now: number }>(
  `INSERT INTO outbox (kind, target, due_at, created_at, priority, rebuild) VALUES
     ('fanout', 'articles', :now, :now, 1, (SELECT max(id) FROM rebuilds)),
     ('fanout', 'listings', :now, :now, 1, (SELECT max(id) FROM rebuilds))`,
);

/**
 * Statements that rebuild every article page and every listing: a rebuild record, every listing's
 * generation bumped (so each is built even if nothing else changed), the two fan-out rows, and the
 * navigation they are built with.
 */
export function rebuildEverythingStatements(db: D1Database, now: number, by = "navigation"): D1PreparedStatement[] {
  return [
    startRebuildRow(db, { version: PIPELINE_VERSION, now, by }),
    bumpAllListings(db),
    fanoutRows(db, { now }),
    // Every page is rebuilt with the navigation as it is now: the home page's build must not see it
    // as a change and start a second rebuild of everything.
    recordNavStatement(db, now),
  ];
}

const newestRebuild = statement("SELECT max(id) AS id FROM rebuilds");

/** Starts a rebuild of every document of the read model, with `also` (its audit entry) in the same batch. Resolves its id. */
export async function startRebuild(
  db: D1Database,
  editor: string,
  now: number,
  also: D1PreparedStatement[] = [],
): Promise<number> {
  await db.batch([...rebuildEverythingStatements(db, now, editor), ...also]);
  return (await first(newestRebuild(db), row({ id: col.nullableInteger })))?.id ?? 0;
}

const claimRows = statement<{ now: number; stale_before: number; limit: number }>(
  `UPDATE outbox SET sent_at = :now WHERE id IN (
     SELECT id FROM outbox WHERE dead_at IS NULL AND (sent_at IS NULL OR sent_at < :stale_before) ORDER BY priority, id LIMIT :limit)
   RETURNING id, kind, target, priority, rebuild`,
);
const claimedRowSchema = row({
  id: col.integer,
  kind: v.picklist(OUTBOX_KINDS),
  target: col.text,
  priority: col.integer,
  rebuild: col.nullableInteger,
});
export type ClaimedRow = v.InferOutput<typeof claimedRowSchema>;

/** Claims up to `limit` outbox rows to send (never sent, or sent before `staleBefore`) by stamping them sent. */
export function claimOutbox(db: D1Database, now: number, staleBefore: number, limit: number): Promise<ClaimedRow[]> {
  return all(claimRows(db, { now, stale_before: staleBefore, limit }), claimedRowSchema);
}

const unsendRows = statement<{ ids: string }>("UPDATE outbox SET sent_at = NULL WHERE id IN (SELECT value FROM json_each(:ids))");

/** Marks rows unsent again, for the next send or the cron. */
export async function unsendOutbox(db: D1Database, ids: number[]): Promise<void> {
  if (ids.length) await unsendRows(db, { ids: json(ids) }).run();
}

const dropRows = statement<{ ids: string }>("DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(:ids))");

/** Deletes rows that will never be sent: their target names nothing this release knows. */
export async function dropOutboxRows(db: D1Database, ids: number[]): Promise<void> {
  if (ids.length) await dropRows(db, { ids: json(ids) }).run();
}

const targetGenerations = statement<{ slugs: string; names: string }>(
  `SELECT 'article' AS kind, slug AS target, revision AS generation FROM articles
     WHERE slug IN (SELECT value FROM json_each(:slugs))
   UNION ALL
   SELECT 'listing', name, generation FROM listings WHERE name IN (SELECT value FROM json_each(:names))`,
);

/**
 * The generation messages for these targets are for, in one query: an article's revision (by slug),
 * a listing's generation (by name). Keyed `kind:target`.
 */
export async function generationsOfTargets(db: D1Database, slugs: string[], names: string[]): Promise<Map<string, number>> {
  if (slugs.length === 0 && names.length === 0) return new Map();
  const rows = await all(
    targetGenerations(db, { slugs: json(slugs), names: json(names) }),
    row({ kind: col.text, target: col.text, generation: col.integer }),
  );
  return new Map(rows.map((r) => [`${r.kind}:${r.target}`, r.generation]));
}

const builtState = statement<{ slugs: string; names: string }>(
  `SELECT 'article' AS kind, slug AS target, revision AS generation FROM articles
     WHERE slug IN (SELECT value FROM json_each(:slugs))
   UNION ALL
   SELECT 'listing', name, built_generation FROM listings WHERE name IN (SELECT value FROM json_each(:names))`,
);

/**
 * Where D1 stands for a batch of messages, in one query: each article's current revision and each
 * listing's built generation, keyed `kind:target`. A message older than that has nothing to do.
 */
export async function currentGenerations(
  db: D1Database,
  messages: Array<{ kind: string; target: string; generation?: number | undefined }>,
): Promise<Map<string, number>> {
  const targets = (kind: string) => [
    ...new Set(messages.filter((m) => m.kind === kind && m.generation !== undefined).map((m) => m.target)),
  ];
  const slugs = targets("article");
  const names = targets("listing");
  if (slugs.length === 0 && names.length === 0) return new Map();
  const rows = await all(
    builtState(db, { slugs: json(slugs), names: json(names) }),
    row({ kind: col.text, target: col.text, generation: col.integer }),
  );
  return new Map(rows.map((r) => [`${r.kind}:${r.target}`, r.generation]));
}

const completeTarget = statement<{ kind: string; target: string; id: number }>(
  "DELETE FROM outbox WHERE kind = :kind AND target = :target AND id <= :id",
);
const completeRow = statement<{ id: number }>("DELETE FROM outbox WHERE id = :id");

/**
 * Deletes the rows a consumer applied. For a listing, an article or a redirect, older rows for the same target
 * go too: applying D1's current state covered them.
 */
export function completeStatements(
  db: D1Database,
  message: { kind: string; target: string; id?: number | undefined },
): D1PreparedStatement[] {
  if (message.id === undefined) return [];
  if (message.kind === "article" || message.kind === "listing" || message.kind === "redirect")
    return [completeTarget(db, { kind: message.kind, target: message.target, id: message.id })];
  return [completeRow(db, { id: message.id })];
}

const failedRow = statement<{ error: string; id: number }>(
  "UPDATE outbox SET attempts = attempts + 1, last_error = :error WHERE id = :id",
);
const failure = statement<{ kind: string; target: string; attempts: number; error: string; now: number }>(
  "INSERT INTO pipeline_failures (kind, target, attempts, error, at) VALUES (:kind, :target, :attempts, :error, :now)",
);

/** Records why a message failed: on its outbox row, and in the recent failures editors see. */
export function failureStatements(
  db: D1Database,
  message: { kind: string; target: string; id?: number | undefined },
  attempts: number,
  error: string,
  now: number,
): D1PreparedStatement[] {
  const text = error.slice(0, 1000);
  return [
    ...(message.id === undefined ? [] : [failedRow(db, { error: text, id: message.id })]),
    failure(db, { kind: message.kind, target: message.target, attempts, error: text, now }),
  ];
}

const deadLetter = statement<{ body: string; attempts: number; kind: string; target: string; now: number }>(
  `INSERT INTO dead_letters (body, attempts, error, failed_at) VALUES (:body, :attempts,
     (SELECT error FROM pipeline_failures WHERE kind = :kind AND target = :target ORDER BY id DESC LIMIT 1), :now)`,
);
const deadRow = statement<{ now: number; id: number }>("UPDATE outbox SET dead_at = :now WHERE id = :id");

/** A message that failed every retry: kept for editors to see and replay; its row is not resent. */
export function deadLetterStatements(db: D1Database, message: unknown, attempts: number, now: number): D1PreparedStatement[] {
  const fields = (typeof message === "object" && message !== null ? message : {}) as Record<string, unknown>;
  return [
    deadLetter(db, {
      body: JSON.stringify(message ?? null),
      attempts,
      kind: String(fields.kind ?? ""),
      target: String(fields.target ?? ""),
      now,
    }),
    ...(typeof fields.id === "number" ? [deadRow(db, { now, id: fields.id })] : []),
  ];
}

/** Runs statements as one D1 batch; D1 refuses an empty batch, so none runs nothing. */
export async function runStatements(db: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  if (statements.length) await db.batch(statements);
}

const staleListings = statement<{ now: number; limit: number }>(
  `INSERT INTO outbox (kind, target, due_at, created_at)
   SELECT 'listing', name, :now, :now FROM listings l
   WHERE built_generation < generation AND lease_until <= :now
     AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'listing' AND o.target = l.name AND o.dead_at IS NULL)
   LIMIT :limit
   RETURNING target`,
);

/**
 * Listings whose KV documents are behind D1 with no outbox row left to bring them up (a build that
 * died after its lease ran out) get one; at most `limit`. Resolves their names.
 */
export async function queueStaleListings(db: D1Database, now: number, limit: number): Promise<string[]> {
  return (await all(staleListings(db, { now, limit }), row({ target: col.text }))).map((r) => r.target);
}

const pruneFailures = statement<{ before: number }>("DELETE FROM pipeline_failures WHERE at < :before");

/** Forgets failures recorded before `before`. */
export async function forgetFailures(db: D1Database, before: number): Promise<void> {
  await pruneFailures(db, { before }).run();
}

// ---- Listings: leases, what was built ----

const lease = statement<{ lease_id: string; until: number; name: string; now: number }>(
  `UPDATE listings SET lease_id = :lease_id, lease_until = :until WHERE name = :name AND lease_until <= :now
   RETURNING generation, built_generation, built_at`,
);

/**
 * Takes a listing's lease for `leaseMs` if no one holds it. Resolves its generations and when it
 * was last built, or null if another run holds the lease (or the listing is unknown).
 */
export function claimListingLease(
  db: D1Database,
  name: string,
  leaseId: string,
  now: number,
  leaseMs: number,
): Promise<{ generation: number; built_generation: number; built_at: number } | null> {
  return first(
    lease(db, { lease_id: leaseId, until: now + leaseMs, name, now }),
    row({ generation: col.integer, built_generation: col.integer, built_at: col.integer }),
  );
}

const GENERATION = "SELECT generation FROM listings WHERE name = :name";
const generation = statement<{ name: string }>(GENERATION);

/** A listing's current generation, or null for a listing D1 does not know. */
export async function listingGeneration(db: D1Database, name: string): Promise<number | null> {
  return (await first(generation(db, { name }), row({ generation: col.integer })))?.generation ?? null;
}

/** The first statement of every builder's read: the generation the rest of the batch is read at. */
export const generationStatement = (db: D1Database, name: string): D1PreparedStatement => generation(db, { name });

/** The generation a builder's batch read (0 for a listing D1 does not know). */
export const generationOf = (result: D1Result | undefined): number =>
  firstOf(result, row({ generation: col.integer }), "a listing's generation")?.generation ?? 0;

const built = statement<{ generation: number; at: number; name: string; lease_id: string }>(
  "UPDATE listings SET built_generation = MAX(built_generation, :generation), built_at = :at WHERE name = :name AND lease_id = :lease_id",
);
const releaseIfCurrent = statement<{ name: string; lease_id: string; generation: number }>(
  "UPDATE listings SET lease_id = NULL, lease_until = 0 WHERE name = :name AND lease_id = :lease_id AND generation <= :generation",
);

/**
 * Ends one build of a listing in one batch: records the ETags written (null: deleted) and the
 * generation built, gives the lease back unless D1 has moved past that generation meanwhile, and
 * reads the listing's generation. Resolves it (null for a listing D1 no longer knows) and whether
 * the lease was given back.
 */
export async function finishListingBuild(
  db: D1Database,
  name: string,
  leaseId: string,
  etags: Array<[string, string | null]>,
  generation: number,
  at: number,
): Promise<{ generation: number | null; released: boolean }> {
  const results = await db.batch([
    ...etags.map(([doc, etag]) => (etag === null ? dropEtag(db, { name: doc }) : putEtag(db, { name: doc, etag }))),
    built(db, { generation, at, name, lease_id: leaseId }),
    releaseIfCurrent(db, { name, lease_id: leaseId, generation }),
    generationStatement(db, name),
  ]);
  const released = (results.at(-2)?.meta.changes ?? 0) === 1;
  const current = firstOf(results.at(-1), row({ generation: col.integer }), "a listing's generation");
  return { generation: current?.generation ?? null, released };
}

const release = statement<{ name: string; lease_id: string }>(
  "UPDATE listings SET lease_id = NULL, lease_until = 0 WHERE name = :name AND lease_id = :lease_id",
);
const forget = statement<{ name: string }>("DELETE FROM listings WHERE name = :name");

export async function releaseListingLease(db: D1Database, name: string, leaseId: string): Promise<void> {
  await release(db, { name, lease_id: leaseId }).run();
}

/** Forgets a listing whose subject is gone, so nothing keeps rebuilding it. */
export async function forgetListing(db: D1Database, name: string): Promise<void> {
  await forget(db, { name }).run();
}

const listingsAfter = statement<{ after: string; limit: number }>(
  "SELECT name, generation FROM listings WHERE name > :after ORDER BY name LIMIT :limit",
);

/**
 * A build target's name is in an edition when it starts with the edition's `{tag}/`; the default
 * edition's have no slash (targets/build-target.ts). `:edition` is "" or the lower-case tag.
 */
const IN_EDITION =
  "(CASE WHEN :edition = '' THEN instr(name, '/') = 0 ELSE substr(name, 1, length(:edition) + 1) = :edition || '/' END)";
const listingsInEditionAfter = statement<{ after: string; limit: number; edition: string }>(
  `SELECT name, generation FROM listings WHERE name > :after AND ${IN_EDITION} ORDER BY name LIMIT :limit`,
);

/** A page of listings' names and generations, in name order after `after`: a fan-out's page; of one edition's when given. */
export function listingNamesAfter(db: D1Database, after: string, limit: number, edition?: string) {
  const rows = row({ name: col.text, generation: col.integer });
  return edition === undefined
    ? all(listingsAfter(db, { after, limit }), rows)
    : all(listingsInEditionAfter(db, { after, limit, edition }), rows);
}

const ARTICLE_IN_EDITION = "(CASE WHEN :edition = '' THEN language IS NULL ELSE LOWER(language) = :edition END)";
const startEditionRebuildRow = statement<{ version: number; now: number; by: string; edition: string }>(
  `INSERT INTO rebuilds (pipeline_version, total, started_at, started_by, finished_at)
   SELECT :version, total, :now, :by, CASE WHEN total = 0 THEN :now END
   FROM (SELECT (SELECT count(*) FROM articles WHERE ${ARTICLE_IN_EDITION})
              + (SELECT count(*) FROM listings WHERE ${IN_EDITION}) AS total)`,
);
const bumpEditionListings = statement<{ edition: string }>(`UPDATE listings SET generation = generation + 1 WHERE ${IN_EDITION}`);
const editionFanoutRows = statement<{ now: number; articles: string; listings: string }>(
  `INSERT INTO outbox (kind, target, due_at, created_at, priority, rebuild) VALUES
     ('fanout', :articles, :now, :now, 1, (SELECT max(id) FROM rebuilds)),
     ('fanout', :listings, :now, :now, 1, (SELECT max(id) FROM rebuilds))`,
);

/**
 * Statements that rebuild one edition's article pages and build targets, and nothing of another
 * edition's: a rebuild record (editors see its progress), its listings' generations bumped, and two
 * fan-out rows whose targets (pipeline/messages.ts writes them) name the edition. `edition` is ""
 * for the default edition, else its lower-case tag. The default edition's also records the
 * navigation it is built with, as a rebuild of everything does.
 */
export function rebuildEditionStatements(
  db: D1Database,
  now: number,
  edition: string,
  targets: { articles: string; listings: string },
  by = "navigation",
): D1PreparedStatement[] {
  return [
    startEditionRebuildRow(db, { version: PIPELINE_VERSION, now, by, edition }),
    bumpEditionListings(db, { edition }),
    editionFanoutRows(db, { now, ...targets }),
    ...(edition === "" ? [recordNavStatement(db, now)] : []),
  ];
}

// ---- Archives' signatures ----

const signatures = statement<{ listing: string }>("SELECT doc, signature FROM archives WHERE listing = :listing");
const dropSignature = statement<{ listing: string; doc: string }>("DELETE FROM archives WHERE listing = :listing AND doc = :doc");
const putSignature = statement<{ listing: string; doc: string; signature: string }>(
  `INSERT INTO archives (listing, doc, signature) VALUES (:listing, :doc, :signature)
   ON CONFLICT (listing, doc) DO UPDATE SET signature = excluded.signature`,
);

/** A statement for a builder's batch: the signature of each archive document a listing has. */
export const signaturesStatement = (db: D1Database, listing: string): D1PreparedStatement => signatures(db, { listing });

/** The signatures that statement read, by document. */
export const signaturesOf = (result: D1Result | undefined): Map<string, string> =>
  new Map(rowsOf(result, row({ doc: col.text, signature: col.text }), "archives").map((r) => [r.doc, r.signature]));

/** Records the archive documents written (with their signatures) and removed, in one batch. */
export async function recordArchives(
  db: D1Database,
  listing: string,
  written: Array<{ doc: string; signature: string }>,
  removed: string[],
): Promise<void> {
  await runStatements(db, [
    ...removed.map((doc) => dropSignature(db, { listing, doc })),
    ...written.map(({ doc, signature }) => putSignature(db, { listing, doc, signature })),
  ]);
}

// ---- Documents' ETags ----

const etagsOf = statement<{ names: string }>(
  "SELECT name, etag FROM documents WHERE name IN (SELECT value FROM json_each(:names))",
);
const dropEtag = statement<{ name: string }>("DELETE FROM documents WHERE name = :name");
const putEtag = statement<{ name: string; etag: string }>(
  "INSERT INTO documents (name, etag) VALUES (:name, :etag) ON CONFLICT (name) DO UPDATE SET etag = excluded.etag",
);

/** The ETags last written for these KV documents. */
export async function documentEtags(db: D1Database, names: string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await all(etagsOf(db, { names: json(names) }), row({ name: col.text, etag: col.text }));
  return new Map(rows.map((r) => [r.name, r.etag]));
}

/** Records the ETags just written (null: the document was deleted). */
export async function recordDocumentEtags(db: D1Database, etags: Array<[string, string | null]>): Promise<void> {
  await runStatements(
    db,
    etags.map(([name, etag]) => (etag === null ? dropEtag(db, { name }) : putEtag(db, { name, etag }))),
  );
}

// ---- Meta: small named values ----

const metaValue = statement<{ key: string }>("SELECT value FROM meta WHERE key = :key");
const putMeta = statement<{ key: string; value: string }>(
  "INSERT INTO meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
);

export async function getMeta(db: D1Database, key: string): Promise<string | null> {
  return (await first(metaValue(db, { key }), row({ value: col.text })))?.value ?? null;
}

export async function setMeta(db: D1Database, key: string, value: string): Promise<void> {
  await putMeta(db, { key, value }).run();
}

// ---- Rebuilds' progress ----

const rebuildProgress = statement<{ count: number; now: number; id: number }>(
  `UPDATE rebuilds SET done = MIN(total, done + :count),
     finished_at = CASE WHEN finished_at IS NULL AND done + :count >= total THEN :now ELSE finished_at END
   WHERE id = :id`,
);

/** Counts documents done towards their rebuilds; a rebuild whose count reaches its total is finished. */
export async function recordRebuildProgress(db: D1Database, done: Map<number, number>, now: number): Promise<void> {
  await runStatements(
    db,
    [...done].map(([id, count]) => rebuildProgress(db, { count, now, id })),
  );
}

// ---- Purges ----

export type PurgeMode = "purge" | "invalidate";

const schedulePurges = statement<{ tags: string; mode: PurgeMode; due_at: number; repurge: boolean }>(
  // (`WHERE true` lets SQLite read ON CONFLICT as the upsert's, not the SELECT's join.)
  `INSERT INTO pending_purges (tag, mode, due_at, repurge)
   SELECT DISTINCT value, :mode, :due_at, :repurge FROM json_each(:tags) WHERE true
   ON CONFLICT (tag, mode) DO UPDATE SET due_at = MIN(due_at, excluded.due_at), repurge = MAX(repurge, excluded.repurge)`,
);

/**
 * The statement that schedules `tags` for a purge at `dueAt` (and, with `repurge`, once more after
 * KV's propagation window): one statement however many tags. A tag already waiting keeps its row:
 * the earlier time wins.
 */
export function schedulePurgeStatements(
  db: D1Database,
  tags: string[],
  mode: PurgeMode,
  dueAt: number,
  repurge = true,
): D1PreparedStatement[] {
  if (tags.length === 0) return [];
  return [schedulePurges(db, { tags: json(tags), mode, due_at: dueAt, repurge })];
}

const fillBucket = statement<{ burst: number; now: number }>(
  "INSERT INTO purge_bucket (id, tokens, at) VALUES (1, :burst, :now) ON CONFLICT (id) DO NOTHING",
);
const takeFromBucket = statement<{ burst: number; now: number; per_ms: number }>(
  `UPDATE purge_bucket SET tokens = MIN(:burst, tokens + MAX(0, :now - at) * :per_ms) - 1, at = MAX(at, :now)
   WHERE id = 1 AND MIN(:burst, tokens + MAX(0, :now - at) * :per_ms) >= 1 RETURNING tokens`,
);

/** Takes one token from the purge bucket, atomically across consumers. Resolves whether there was one. */
export async function takePurgeToken(db: D1Database, burst: number, perMs: number, now: number): Promise<boolean> {
  const taken = await db.batch([fillBucket(db, { burst, now }), takeFromBucket(db, { burst, now, per_ms: perMs })]);
  return (taken[1]?.results.length ?? 0) > 0;
}

const due = statement<{ now: number; limit: number }>(
  `SELECT tag, mode, repurge, due_at FROM pending_purges WHERE mode = (
     SELECT mode FROM pending_purges WHERE due_at <= :now ORDER BY mode = 'invalidate', due_at LIMIT 1)
   AND due_at <= :now ORDER BY due_at LIMIT :limit`,
);
const dueRow = row({
  tag: col.text,
  mode: v.picklist(["purge", "invalidate"]),
  repurge: col.integer,
  due_at: col.integer,
});

const tokensNow = statement<{ burst: number; now: number; per_ms: number }>(
  "SELECT MIN(:burst, tokens + MAX(0, :now - at) * :per_ms) AS tokens FROM purge_bucket WHERE id = 1",
);

/** The tokens the purge bucket holds at `now` (a bucket never used is full). */
export async function purgeTokens(db: D1Database, burst: number, perMs: number, now: number): Promise<number> {
  return (await first(tokensNow(db, { burst, now, per_ms: perMs }), row({ tokens: v.number() })))?.tokens ?? burst;
}

/** Up to `limit` tags due at `now`, all of one mode (invalidations last). */
export function duePurges(db: D1Database, now: number, limit: number) {
  return all(due(db, { now, limit }), dueRow);
}

const backOff = statement<{ now: number; mode: PurgeMode; tags: string }>(
  `UPDATE pending_purges SET attempts = attempts + 1, due_at = :now + MIN(300000, 5000 << MIN(attempts, 6))
   WHERE mode = :mode AND tag IN (SELECT value FROM json_each(:tags))`,
);

/** A refused purge's tags are tried again after 5 s, doubling with each refusal, at most 5 minutes. */
export async function backOffPurges(db: D1Database, tags: string[], mode: PurgeMode, now: number): Promise<void> {
  await backOff(db, { now, mode, tags: json(tags) }).run();
}

const settled = statement<{ mode: PurgeMode; now: number; tags: string }>(
  "DELETE FROM pending_purges WHERE mode = :mode AND repurge = 0 AND due_at <= :now AND tag IN (SELECT value FROM json_each(:tags))",
);
const repurgeLater = statement<{ mode: PurgeMode; at: number; tags: string }>(
  `UPDATE pending_purges SET repurge = 0, attempts = 0, due_at = :at
   WHERE mode = :mode AND repurge = 1 AND tag IN (SELECT value FROM json_each(:tags))`,
);

/** A purge went out: its tags are done, unless a re-purge is owed, which then waits until `repurgeAt`. */
export async function settlePurges(
  db: D1Database,
  tags: string[],
  mode: PurgeMode,
  now: number,
  repurgeAt: number,
): Promise<void> {
  await db.batch([settled(db, { mode, now, tags: json(tags) }), repurgeLater(db, { mode, at: repurgeAt, tags: json(tags) })]);
}

// ---- What editors see ----

const REBUILT_VERSION = "SELECT max(pipeline_version) AS v FROM rebuilds WHERE finished_at IS NOT NULL";
const rebuiltVersion = statement(REBUILT_VERSION);
const versionRow = row({ v: col.nullableInteger });

/** The render pipeline of the newest finished rebuild, or null for none. */
export async function rebuiltPipelineVersion(db: D1Database): Promise<number | null> {
  return (await first(rebuiltVersion(db), versionRow))?.v ?? null;
}

const backlog = statement(
  `SELECT (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL) AS unsent,
          (SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL AND dead_at IS NULL) AS waiting,
          (SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL) AS dead,
          (SELECT count(*) FROM pending_purges) AS purges`,
);
const recentFailures = statement("SELECT kind, target, attempts, error, at FROM pipeline_failures ORDER BY id DESC LIMIT 50");
const deadLetters = statement(
  "SELECT id, body, attempts, error, failed_at FROM dead_letters WHERE replayed_at IS NULL ORDER BY id DESC LIMIT 100",
);
const latestRebuild = statement(
  "SELECT id, total, done, started_at, started_by, finished_at FROM rebuilds ORDER BY id DESC LIMIT 1",
);

const backlogRow = row({ unsent: col.integer, waiting: col.integer, dead: col.integer, purges: col.integer });
const failureRow = row({ kind: col.text, target: col.text, attempts: col.integer, error: col.text, at: col.integer });
const deadLetterRow = row({
  id: col.integer,
  body: col.text,
  attempts: col.integer,
  error: col.nullableText,
  failed_at: col.integer,
});
const rebuildRow = row({
  id: col.integer,
  total: col.integer,
  done: col.integer,
  started_at: col.integer,
  started_by: col.text,
  finished_at: col.nullableInteger,
});

/** The pipeline's state for editors, in one batch: the backlog, failures, dead letters, the latest rebuild. */
export async function pipelineState(db: D1Database) {
  const [counts, failures, dead, rebuild, rebuilt] = await db.batch([
    backlog(db),
    recentFailures(db),
    deadLetters(db),
    latestRebuild(db),
    rebuiltVersion(db),
  ]);
  return {
    backlog: firstOf(counts, backlogRow) ?? { unsent: 0, waiting: 0, dead: 0, purges: 0 },
    failures: rowsOf(failures, failureRow),
    deadLetters: rowsOf(dead, deadLetterRow),
    rebuild: firstOf(rebuild, rebuildRow),
    rebuiltVersion: firstOf(rebuilt, versionRow)?.v ?? null,
  };
}

const toReplay = statement("SELECT id, body FROM dead_letters WHERE replayed_at IS NULL ORDER BY id LIMIT 500");
const oneToReplay = statement<{ id: number }>("SELECT id, body FROM dead_letters WHERE replayed_at IS NULL AND id = :id");

/** Dead letters not yet replayed: one, or (with `id` undefined) up to 500. */
export function deadLettersToReplay(db: D1Database, id?: number) {
  return all(id === undefined ? toReplay(db) : oneToReplay(db, { id }), row({ id: col.integer, body: col.text }));
}

const replayed = statement<{ now: number; ids: string }>(
  "UPDATE dead_letters SET replayed_at = :now WHERE id IN (SELECT value FROM json_each(:ids))",
);
const resent = statement<{ now: number; ids: string }>(
  "UPDATE outbox SET dead_at = NULL, sent_at = :now WHERE id IN (SELECT value FROM json_each(:ids))",
);

/** Records that dead letters were replayed, and that their outbox rows were sent again. */
export async function markReplayed(
  db: D1Database,
  letters: number[],
  rows: number[],
  now: number,
  also: D1PreparedStatement[] = [],
): Promise<void> {
  if (!letters.length && !rows.length) return;
  await runStatements(db, [
    ...(letters.length ? [replayed(db, { now, ids: json(letters) })] : []),
    ...(rows.length ? [resent(db, { now, ids: json(rows) })] : []),
    ...also,
  ]);
}
