/**
 * @module editorial/publishing
 * Publishing, in one place: what the editors' API calls, and what the desk and the KV migration
 * call too. Each operation checks its preconditions, builds what is stored, and commits it to D1 as
 * one transaction together with the outbox work that brings KV and the caches up to date. It never
 * writes KV itself: the pipeline sends the outbox rows to the queue (pipeline/outbox.ts), its
 * consumer applies them (pipeline/consumer.ts), and the cron sends again anything left over.
 */
import type { Clock } from "../core/clock";
import { absoluteUrl, type Site } from "../core/config";
import { type ImageSizes, imageSources } from "../core/markdown";
import { type ArticleInput, articleInputSchema, type StoredArticle, slugSchema, validate } from "../core/schema";
import { taxonomySlug } from "../core/taxonomy";
import {
  type ArticleHook,
  type ArticleRow,
  type ArticleWrite,
  type Attribution,
  getArticleRow,
  getRevision,
  type RevisionAction,
  slugsRedirectingTo,
  storedInputOf,
} from "../data/articles";
import { latestLiveChange } from "../data/live";
import type { OutboxWork } from "../data/pipeline";
import { retargetRedirectStatements } from "../data/redirects";
import { slugsForNames } from "../data/taxonomy";
import { lastChange } from "../feeds/model";
import { LISTING_SITEMAPS } from "../feeds/sitemap";
import { mediaSizes } from "../media/store";
import {
  archiveTarget,
  type BuildTarget,
  CORRECTIONS_TARGET,
  formatTarget,
  listingTarget,
  liveTarget,
  NEWS_SITEMAP,
  SITEMAP_INDEX,
  sitemapMonth,
  sitemapMonthTarget,
} from "../targets/build-target";
import { articlePath, editionOf } from "../targets/document-name";
import { type Filing, listingsFor } from "../targets/listings";
import { type ArticleLinks, type BuiltArticle, buildArticle, fragmentsAt } from "./article";
import { commitArticle, commitMove, commitTrash, editionOfLanguage, filingOfRow, storedArticleOf } from "./database";
import { filingFor, groupMembersOf } from "./editions";

/** Who is publishing, where, and when. */
export interface PublishContext {
  db: D1Database;
  /** Uploaded images, for the sizes of the lead and body images stored here. */
  media?: R2Bucket;
  site: Site;
  clock: Clock;
  editor: string;
  /** Statements the caller adds to each change's batch: the newsroom's audit entry and workflow row. */
  also?: ArticleHook | undefined;
}

/** What an editor sent about the version they last saw. */
export interface Preconditions {
  /** The `If-Match` header as sent, if any: `*` or a list of ETags. */
  ifMatch?: string | undefined;
  /** `If-None-Match: *`: create only. */
  createOnly?: boolean;
}

export type { Refusal } from "./refusal";

import type { Refusal } from "./refusal";

export type Saved = {
  ok: true;
  outcome: "created" | "updated" | "unchanged";
  article: StoredArticle;
  warnings: string[];
};

export type Changed = { ok: true; slug: string; version: string };

/** How many times a save without preconditions retries after losing a race to another save. */
const SAVE_ATTEMPTS = 3;

export const etagOf = (version: string): string => `"${version}"`;

/**
 * Whether an `If-Match` value names `version`: `*`, or a list of entity tags one of which is its
 * ETag (RFC 9110 §13.1.1). Articles, corrections and live updates all check it the same way.
 * @example ifMatchNames('"a", "b"', "b") // true
 */
export const ifMatchNames = (ifMatch: string, version: string): boolean =>
  ifMatch.trim() === "*" || ifMatch.split(",").some((tag) => tag.trim() === etagOf(version));

/** Creates or replaces the article at `slug`. */
export async function saveArticle(
  context: PublishContext,
  slug: string,
  input: ArticleInput,
  preconditions: Preconditions,
  action: RevisionAction = "update",
): Promise<Saved | Refusal> {
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    const row = await getArticleRow(context.db, slug);
    if (row?.deleted_at != null) {
      return refuse(
        409,
        `The article "${slug}" is in the trash`,
        "slug",
        "is in the trash: restore it first, or choose another slug",
      );
    }
    const failed = checkPreconditions(row, preconditions);
    if (failed) return failed;
    const now = context.clock.now();
    // What is stored (feed items, list entries) links the article under its edition's paths.
    const inEdition = { ...context, site: siteInEdition(context.site, input.language) };
    const result = await buildFor(inEdition, row, slug, input, now);
    if (!result.ok) return { ok: false, status: 400, error: "The article is not valid", details: result.problems };
    const built = result.value;
    if (row && row.version === built.article.version) {
      return { ok: true, outcome: "unchanged", article: built.article, warnings: built.warnings };
    }
    const filing = await filingFor(context.db, context.site, slug, input);
    if ("ok" in filing) return filing;
    const write = toWrite(
      inEdition.site,
      row?.id ?? crypto.randomUUID(),
      row?.feed_id ?? feedIdFor(context.site, slug),
      input,
      built,
      await liveChangeOf(context.db, row, input),
    );
    write.edition = filing;
    const by: Attribution = {
      also: context.also,
      editor: context.editor,
      now,
      action: row ? action : action === "import" ? "import" : "create",
      changed: changedFields(row, input),
    };
    const work = workFor(row && placementOfRow(row), placementOfWrite(write));
    withGroup(work, filing.members ?? []);
    let won: boolean;
    try {
      won = await commitArticle(context.db, write, row?.version ?? null, by, work, row?.revision ?? null);
    } catch (error) {
      // Two saves that each found the group's edition free: the unique index lets one in, and the
      // other is the same refusal its read would have given a moment later (editorial/editions.ts).
      if (!TRANSLATION_CLASH.test(String(error))) throw error;
      return refuse(
        409,
        "The translation group already has a version in this edition",
        input.translationOf ? "translationOf" : "language",
        "was taken by another save just now: a group has one article per edition",
      );
    }
    if (won) {
      // (A section that gains its first public article joins every page's navigation: the home
      // page's rebuild notices, and queues every page. See pipeline/materialise.ts.)
      return { ok: true, outcome: row ? "updated" : "created", article: built.article, warnings: built.warnings };
    }
    // Another save landed between our read and our write. With a precondition that is a conflict;
    // without one, the editor asked for "last write wins", so read again and retry.
    if (preconditions.ifMatch !== undefined || preconditions.createOnly) {
      return refuse(412, "The article changed while this save was in flight", "If-Match", "no longer matches the stored version");
    }
  }
  return refuse(409, "Other saves to this article kept winning; try again", "slug", "is being saved by someone else right now");
}

/**
 * The work of a change to an article in a translation group: the group's other pages and their
 * sitemap entries link it (hreflang, the language switcher), so each page is written again and
 * each of their months' sitemaps rebuilt. Nothing else of another edition.
 */
function withGroup(work: OutboxWork, members: Array<{ slug: string; publishedAt: number }>): OutboxWork {
  for (const member of members) {
    if (!work.articles.includes(member.slug)) work.links = [...(work.links ?? []), member.slug];
    const month = formatTarget(sitemapMonthTarget(sitemapMonth(member.publishedAt)));
    if (!work.listings.includes(month)) work.listings.push(month);
  }
  return work;
}

/** D1's refusal of a second article in one edition of a translation group (migration 0016's index). */
const TRANSLATION_CLASH = /UNIQUE constraint failed: (index 'articles_translation_edition'|articles\.translation_group)/;

/** Moves an article to the trash. Its public URL answers 410 until it is restored. */
export async function trashArticle(
  context: PublishContext,
  slug: string,
  preconditions: Preconditions,
): Promise<Changed | Refusal> {
  const row = await getArticleRow(context.db, slug);
  if (!row || row.deleted_at != null)
    return refuse(404, `There is no article "${slug}"`, "slug", "names no article outside the trash");
  const failed = checkPreconditions(row, preconditions);
  if (failed) return failed;
  const by: Attribution = { editor: context.editor, now: context.clock.now(), action: "trash", changed: [], also: context.also };
  const work = withGroup(workFor(placementOfRow(row), null), await groupMembersOf(context.db, slug));
  if (!(await commitTrash(context.db, row, true, row.version, by, work))) return raced();
  return { ok: true, slug, version: row.version };
}

/** Brings an article back from the trash, as it was. */
export async function untrashArticle(
  context: PublishContext,
  slug: string,
  preconditions: Preconditions,
): Promise<Changed | Refusal> {
  const row = await getArticleRow(context.db, slug);
  if (!row || row.deleted_at == null)
    return refuse(404, `There is no article "${slug}" in the trash`, "slug", "names no article in the trash");
  const failed = checkPreconditions(row, preconditions);
  if (failed) return failed;
  const by: Attribution = {
    editor: context.editor,
    now: context.clock.now(),
    action: "untrash",
    changed: [],
    also: context.also,
  };
  const restored = { ...row, deleted_at: null };
  const work = withGroup(workFor(null, placementOfRow(restored)), await groupMembersOf(context.db, slug));
  if (!(await commitTrash(context.db, row, false, row.version, by, work))) return raced();
  return { ok: true, slug, version: row.version };
}

/** Renames an article. The old URL answers 301 to the new one; feeds keep the item's id. */
export async function moveArticle(
  context: PublishContext,
  slug: string,
  to: unknown,
  preconditions: Preconditions,
): Promise<Changed | Refusal> {
  const target = validate(slugSchema, to);
  if (!target.ok)
    return {
      ok: false,
      status: 400,
      error: "The new slug is not valid",
      details: target.problems.map((p) => ({ ...p, field: "to" })),
    };
  const row = await getArticleRow(context.db, slug);
  if (!row || row.deleted_at != null)
    return refuse(404, `There is no article "${slug}"`, "slug", "names no article outside the trash");
  if (target.value === slug) return refuse(400, "The article already has that slug", "to", "is the article's slug already");
  const failed = checkPreconditions(row, preconditions);
  if (failed) return failed;
  if (await getArticleRow(context.db, target.value)) {
    return refuse(409, `The slug "${target.value}" is taken`, "to", "belongs to another article (perhaps in the trash)");
  }
  const now = context.clock.now();
  const stored = validate(articleInputSchema, storedInputOf(row));
  if (!stored.ok)
    return { ok: false, status: 400, error: "The article no longer passes today's rules", details: stored.problems };
  const input = stored.value;
  const inEdition = { ...context, site: siteInEdition(context.site, input.language) };
  const built = await buildFor(inEdition, row, target.value, input, now);
  if (!built.ok) return { ok: false, status: 400, error: "The article no longer passes today's rules", details: built.problems };
  const write = toWrite(inEdition.site, row.id, row.feed_id, input, built.value, await liveChangeOf(context.db, row, input));
  // A move keeps the article's edition (commitMove files nothing new; this is for its listings).
  write.edition = { language: row.language ?? null, group: null };
  // Path redirects (imports, the API) that pointed at the old page now point at the new one, in
  // the move's own batch: an old WordPress URL still answers in one hop.
  const oldPath = articlePath(slug, inEdition.site.edition);
  const newPath = articlePath(target.value, inEdition.site.edition);
  const also: ArticleHook = (guard, id, action) => [
    ...(context.also?.(guard, id, action) ?? []),
    ...retargetRedirectStatements(guard, oldPath, newPath, now),
  ];
  const by: Attribution = { editor: context.editor, now, action: "move", changed: ["slug"], also };
  // Every old slug that pointed here now points at the new one: their pages change too.
  const work = workFor(placementOfRow(row), placementOfWrite(write));
  work.articles.push(...(await slugsRedirectingTo(context.db, slug)));
  if (!(await commitMove(context.db, write, slug, row.version, by, work, row.revision))) return raced();
  return { ok: true, slug: target.value, version: write.version };
}

/** Saves an earlier revision's input again, as a new revision. */
export async function restoreRevision(
  context: PublishContext,
  slug: string,
  revisionId: number,
  preconditions: Preconditions,
): Promise<Saved | Refusal> {
  const row = await getArticleRow(context.db, slug);
  if (!row) return refuse(404, `There is no article "${slug}"`, "slug", "names no article");
  const revision = await getRevision(context.db, row.id, revisionId);
  if (!revision) return refuse(404, `The article "${slug}" has no revision ${revisionId}`, "revision", "does not exist");
  const input = validate(articleInputSchema, JSON.parse(revision.input));
  if (!input.ok)
    return { ok: false, status: 400, error: "That revision no longer passes today's rules", details: input.problems };
  return saveArticle(context, slug, input.value, preconditions, "restore-revision");
}

/** `If-Match` and `If-None-Match: *`, so an editor never overwrites an edit they have not seen. */
function checkPreconditions(current: ArticleRow | null, preconditions: Preconditions): Refusal | null {
  const { ifMatch } = preconditions;
  if (ifMatch !== undefined) {
    const matches = current !== null && ifMatchNames(ifMatch, current.version);
    if (!matches) {
      return refuse(
        412,
        "The article has changed since you read it",
        "If-Match",
        current
          ? `does not match the stored version ${etagOf(current.version)}`
          : "names a version, but the article does not exist",
      );
    }
  }
  if (preconditions.createOnly && current)
    return refuse(412, "The article already exists", "If-None-Match", "is *, but the article exists");
  return null;
}

/**
 * Builds what a save of `input` at `slug` would store, without storing anything: the desk's
 * preview, which therefore shows exactly what readers will get.
 */
export async function previewArticle(
  context: PublishContext,
  slug: string,
  input: ArticleInput,
): Promise<{ ok: true; built: BuiltArticle } | Refusal> {
  const row = await getArticleRow(context.db, slug);
  const result = await buildFor(context, row, slug, input, context.clock.now());
  return result.ok
    ? { ok: true, built: result.value }
    : { ok: false, status: 400, error: "The article is not valid", details: result.problems };
}

/** The one build of an article from an editor's input, for saves and previews alike. */
async function buildFor(context: PublishContext, row: ArticleRow | null, slug: string, input: ArticleInput, now: number) {
  return buildArticle(slug, input, {
    site: context.site,
    now,
    feedId: row?.feed_id ?? feedIdFor(context.site, slug),
    links: await linksFor(context.db, row, input),
    imageSizes: await imageSizesFor(context, input),
    ...(row ? { corrections: correctionsOfRecord(row.record) } : {}),
  });
}

/** The corrections a stored record carries, which a save keeps as they are. */
function correctionsOfRecord(record: string): Pick<StoredArticle, "corrections" | "correctedAt"> {
  const { corrections, correctedAt } = storedArticleOf({ record });
  return { ...(corrections ? { corrections } : {}), ...(correctedAt ? { correctedAt } : {}) };
}

/** The id a new article's feed items get: its first permalink, as feeds used before there was D1. */
const feedIdFor = (site: Site, slug: string): string => absoluteUrl(site, articlePath(slug));

/** The sizes of the images uploaded here that the article shows, lead and body (read once, at save time). */
async function imageSizesFor(context: PublishContext, input: ArticleInput): Promise<ImageSizes> {
  if (!context.media) return new Map();
  const lead = input.image?.url ? [input.image.url] : [];
  return mediaSizes(context.media, [...lead, ...imageSources(input.body)]);
}

/**
 * The slugs of an article's section, tags and authors. An unchanged section name keeps the slug
 * the article had, so renaming a section's display name never moves its articles.
 */
async function linksFor(db: D1Database, row: ArticleRow | null, input: ArticleInput): Promise<ArticleLinks> {
  const previous = row ? storedInputOf(row) : null;
  const section =
    row && previous?.category === input.category
      ? row.section_slug
      : ((await slugsForNames(db, "sections", [input.category])).get(input.category) ?? taxonomySlug(input.category));
  const tags = await slugsForNames(db, "tags", input.tags);
  const authors = await slugsForNames(db, "authors", input.authors);
  return {
    section,
    tags: input.tags.map((name) => tags.get(name) ?? taxonomySlug(name)),
    authors: input.authors.map((name) => authors.get(name) ?? taxonomySlug(name)),
  };
}

/** When a live article's updates last changed: its feed items carry that time, as each update left them. */
const liveChangeOf = async (db: D1Database, row: ArticleRow | null, input: ArticleInput): Promise<number | null> =>
  row && input.live ? latestLiveChange(db, row.id) : null;

function toWrite(
  site: Site,
  id: string,
  feedId: string,
  input: ArticleInput,
  built: BuiltArticle,
  liveChange: number | null,
): ArticleWrite {
  const { article } = built;
  const live = liveChange === null ? null : fragmentsAt(site, article, feedId, liveChange);
  const links = article.links ?? { section: taxonomySlug(article.category), tags: [], authors: [] };
  const named = (slugs: string[]) => (name: string, i: number) => ({ slug: slugs[i] ?? taxonomySlug(name), name });
  return {
    id,
    slug: article.slug,
    feedId,
    version: article.version,
    title: article.title,
    section: { slug: links.section, name: article.category },
    tags: uniqueBySlug(article.tags.map(named(links.tags))),
    authors: uniqueBySlug(article.authors.map(named(links.authors))),
    publishedAt: Date.parse(article.published),
    modifiedAt: live?.modifiedAt ?? Date.parse(lastChange(article)),
    draft: article.draft,
    input,
    record: JSON.stringify(article),
    entry: live?.entry ?? built.entry,
    rssItem: live?.rssItem ?? built.feedItems.rss,
    atomItem: live?.atomItem ?? built.feedItems.atom,
    jsonItem: live?.jsonItem ?? built.feedItems.json,
  };
}

/** What the read model needs of an article to plan the work for it: where it is listed. */
interface Placement extends Filing {
  slug: string;
  draft: boolean;
  publishedAt: number;
  /** Whether it has corrections, and so is on the corrections page. */
  corrected: boolean;
  /** Whether it has live coverage, whose documents (docs/live-and-corrections.md) follow it. */
  live?: boolean;
}

/** Every listing a stored article is in: for the cron, when a scheduled one goes live. */
export function listingsOfRow(
  row: Pick<ArticleRow, "slug" | "draft" | "published_at" | "section_slug" | "record" | "language">,
): string[] {
  return workFor(placementOfRow(row), null).listings;
}

function placementOfRow(
  row: Pick<ArticleRow, "slug" | "draft" | "published_at" | "section_slug" | "record" | "language">,
): Placement {
  const live = storedArticleOf(row).live !== undefined;
  return {
    slug: row.slug,
    draft: row.draft === 1,
    publishedAt: row.published_at,
    corrected: isCorrected(row.record),
    live,
    ...filingOfRow(row),
  };
}

function placementOfWrite(write: ArticleWrite): Placement {
  return {
    slug: write.slug,
    draft: write.draft,
    publishedAt: write.publishedAt,
    corrected: isCorrected(write.record),
    live: write.input.live !== undefined,
    section: write.section.slug,
    tags: write.tags.map((t) => t.slug),
    authors: write.authors.map((a) => a.slug),
    edition: editionOfLanguage(write.edition?.language),
  };
}

const isCorrected = (record: string): boolean => (correctionsOfRecord(record).corrections?.length ?? 0) > 0;

function uniqueBySlug<T extends { slug: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.slug) && seen.add(item.slug));
}

/**
 * What a change leaves for the read model: the article's page under each slug it had, and every
 * target it was or is in: the home page and feeds, its section, tags and authors and their
 * archives, the sitemap index, its month and the listing sitemaps, the news sitemap, the corrections
 * page if it has corrections, and a live article's own feeds.
 */
function workFor(before: Placement | null, after: Placement | null): OutboxWork {
  const articles = [before?.slug, after?.slug].filter((slug): slug is string => slug !== undefined);
  const listings = new Set<string>();
  const add = (target: BuildTarget) => listings.add(formatTarget(target));
  for (const placed of [before, after]) {
    if (placed?.live) add(liveTarget(placed.slug));
    if (!placed || placed.draft) continue;
    for (const listing of listingsFor(placed)) {
      add(listingTarget(listing));
      add(archiveTarget(listing));
    }
    add(SITEMAP_INDEX);
    add(sitemapMonthTarget(sitemapMonth(placed.publishedAt)));
    for (const of of LISTING_SITEMAPS) add({ kind: "sitemap-pages", of });
    add(NEWS_SITEMAP);
    if (placed.corrected) add(CORRECTIONS_TARGET);
  }
  return { articles, listings: [...listings] };
}

/** The names of the fields that differ between the stored input and the new one. */
function changedFields(row: ArticleRow | null, input: ArticleInput): string[] {
  const before = row ? storedInputOf(row) : {};
  const after = input as Record<string, unknown>;
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name])).sort();
}

function refuse(status: Refusal["status"], error: string, field: string, problem: string): Refusal {
  return { ok: false, status, error, details: [{ field, problem }] };
}

/** The site as an article in `language` is stored for: its edition's paths (targets/document-name.ts). */
function siteInEdition(site: Site, language: string | undefined): Site {
  if (language === undefined) return site;
  const edition = editionOf(language, site.language);
  return edition ? { ...site, language, edition } : site;
}

function raced(): Refusal {
  return refuse(412, "The article changed while this request was in flight", "If-Match", "no longer matches the stored version");
}
