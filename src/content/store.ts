/**
 * @module content/store
 * The KV layout. Every article is one key; lists come from a second, sorted key per public article
 * whose metadata holds what a list shows. No key is shared between articles, so two editors
 * publishing different articles can never overwrite each other.
 *
 *   article:<slug>                 → StoredArticle JSON   (metadata: status for the editors' list)
 *   index:<inverted-ms>:<slug>     → ""                   (metadata: ListEntry)
 *
 * `index:` keys sort newest first, so the home page and feeds cost one `list` however many
 * articles there are.
 */
import * as v from "valibot";
import { shorten } from "./markdown";
import { type ListEntry, listEntrySchema, type StoredArticle, storedArticleSchema } from "./schema";

const ARTICLE_PREFIX = "article:";
const INDEX_PREFIX = "index:";
const MAX_TIME = 9_999_999_999_999; // 2286-11-20: the inverted timestamp stays 13 digits until then.
const KV_LIST_LIMIT = 1000;
const KV_BULK_GET_LIMIT = 100;
const KV_METADATA_LIMIT = 1024;
// Scheduled articles sort before published ones; list this many extra so they rarely cost a second list.
const SCHEDULED_HEADROOM = 10;

/** KV with a count of operations, so responses and the benchmark can report what a request cost. */
export interface Store {
  kv: KVNamespace;
  ops: { reads: number; lists: number };
  /** KV `cacheTtl` for reads, in seconds; unset leaves it to KV (editors: a location sees its own writes). */
  readCacheTtl?: number;
}

export function createStore(kv: KVNamespace, options: { readCacheTtl?: number } = {}): Store {
  return { kv, ops: { reads: 0, lists: 0 }, ...options };
}

/** Editor-facing status, kept in the article key's metadata so the editors' list needs no reads. */
export interface ArticleStatus {
  title: string;
  published: string;
  updated?: string;
  category: string;
  draft: boolean;
  version: string;
}

export interface PublicPage {
  entries: ListEntry[];
  /** Whether older entries exist beyond this page. */
  hasMore: boolean;
  /** When the earliest scheduled article seen goes live (ms), so caches can expire then. */
  nextPublishAt?: number;
}

export const articleKey = (slug: string): string => `${ARTICLE_PREFIX}${slug}`;

export function indexKey(article: Pick<StoredArticle, "slug" | "published">): string {
  const inverted = MAX_TIME - Date.parse(article.published);
  return `${INDEX_PREFIX}${String(inverted).padStart(13, "0")}:${article.slug}`;
}

/** Reads one article: one KV read. A record that fails its schema is logged and treated as absent. */
export async function getArticle(store: Store, slug: string): Promise<StoredArticle | null> {
  store.ops.reads++;
  const raw = await store.kv.get(articleKey(slug), {
    type: "text",
    ...(store.readCacheTtl ? { cacheTtl: store.readCacheTtl } : {}),
  });
  return raw === null ? null : parseRecord(slug, raw);
}

/**
 * Reads several articles with one bulk KV read per hundred (KV's limit), in the order given,
 * skipping any that are missing or broken.
 */
export async function getArticles(store: Store, slugs: string[]): Promise<StoredArticle[]> {
  const articles: StoredArticle[] = [];
  for (let i = 0; i < slugs.length; i += KV_BULK_GET_LIMIT) {
    const batch = slugs.slice(i, i + KV_BULK_GET_LIMIT);
    store.ops.reads++;
    const values = await store.kv.get(batch.map(articleKey), {
      type: "text",
      ...(store.readCacheTtl ? { cacheTtl: store.readCacheTtl } : {}),
    });
    for (const slug of batch) {
      const raw = values.get(articleKey(slug));
      const article = raw == null ? null : parseRecord(slug, raw);
      if (article) articles.push(article);
    }
  }
  return articles;
}

/** A page of public articles, newest first: one KV `list` for any page in the first thousand entries. */
export async function listPublic(store: Store, options: { offset: number; limit: number; now: number }): Promise<PublicPage> {
  const wanted = options.offset + options.limit + 1;
  const visible: ListEntry[] = [];
  // Two index keys for one slug can only come from a failed or racing save; show the newest once.
  const seen = new Set<string>();
  let nextPublishAt: number | undefined;
  let cursor: string | undefined;
  do {
    store.ops.lists++;
    const page: KVNamespaceListResult<unknown, string> = await store.kv.list({
      prefix: INDEX_PREFIX,
      limit: Math.min(KV_LIST_LIMIT, wanted - visible.length + SCHEDULED_HEADROOM),
      ...(cursor ? { cursor } : {}),
    });
    for (const key of page.keys) {
      const entry = v.safeParse(listEntrySchema, key.metadata);
      if (!entry.success) {
        console.error(`Skipping index key ${key.name}: its metadata is not a list entry`);
        continue;
      }
      const at = Date.parse(entry.output.published);
      if (at > options.now) nextPublishAt = Math.min(nextPublishAt ?? at, at);
      else if (!seen.has(entry.output.slug)) {
        seen.add(entry.output.slug);
        visible.push(entry.output);
      }
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor && visible.length < wanted);
  return {
    entries: visible.slice(options.offset, options.offset + options.limit),
    hasMore: visible.length > options.offset + options.limit,
    ...(nextPublishAt === undefined ? {} : { nextPublishAt }),
  };
}

/** Every article with its status, drafts and scheduled ones included: for editors, not readers. */
export async function listAll(store: Store): Promise<Array<ArticleStatus & { slug: string }>> {
  const all: Array<ArticleStatus & { slug: string }> = [];
  let cursor: string | undefined;
  do {
    store.ops.lists++;
    const page: KVNamespaceListResult<ArticleStatus, string> = await store.kv.list<ArticleStatus>({
      prefix: ARTICLE_PREFIX,
      ...(cursor ? { cursor } : {}),
    });
    for (const key of page.keys) {
      if (key.metadata) all.push({ slug: key.name.slice(ARTICLE_PREFIX.length), ...key.metadata });
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return all;
}

/**
 * Writes an article and its index key, then removes the index key it replaced. If a later write
 * fails, the earlier ones are undone, so a failed save leaves KV as it was.
 */
export async function saveArticle(store: Store, article: StoredArticle, previous: StoredArticle | null): Promise<void> {
  const status: ArticleStatus = fitMetadata(
    {
      title: article.title,
      published: article.published,
      ...(article.updated ? { updated: article.updated } : {}),
      category: article.category,
      draft: article.draft,
      version: article.version,
    },
    "title",
  );
  await store.kv.put(articleKey(article.slug), JSON.stringify(article), { metadata: status });
  try {
    if (!article.draft) {
      await store.kv.put(indexKey(article), "", { metadata: listEntry(article) });
    }
    if (previous && !previous.draft && (article.draft || indexKey(previous) !== indexKey(article))) {
      await store.kv.delete(indexKey(previous));
    }
  } catch (error) {
    await restore(store, article, previous);
    throw error;
  }
}

/** Removes an article: its index key first, so it leaves lists before its page goes. */
export async function deleteArticle(store: Store, article: StoredArticle): Promise<void> {
  if (!article.draft) await store.kv.delete(indexKey(article));
  await store.kv.delete(articleKey(article.slug));
}

async function restore(store: Store, failed: StoredArticle, previous: StoredArticle | null): Promise<void> {
  try {
    if (!failed.draft) await store.kv.delete(indexKey(failed));
    if (previous) await saveArticle(store, previous, null);
    else await store.kv.delete(articleKey(failed.slug));
  } catch (error) {
    console.error(`Could not undo a failed save of ${failed.slug}`, error);
  }
}

/** The list entry for an article, with the summary shortened until the metadata fits KV's limit. */
export function listEntry(article: StoredArticle): ListEntry {
  const entry: ListEntry = {
    slug: article.slug,
    title: article.title,
    published: article.published,
    ...(article.updated ? { updated: article.updated } : {}),
    category: article.category,
    summary: article.summary,
  };
  // The summary gives way first; a title long in bytes (emoji are four each) only if it must.
  return fitMetadata(fitMetadata(entry, "summary"), "title");
}

/** Shortens one text field until the metadata fits KV's 1024 bytes. */
function fitMetadata<T extends Record<K, string>, K extends string>(metadata: T, field: K): T {
  const encoder = new TextEncoder();
  const full = metadata[field];
  let max = full.length;
  let fitted = metadata;
  while (encoder.encode(JSON.stringify(fitted)).length > KV_METADATA_LIMIT && max > 0) {
    max = Math.floor(max * 0.8);
    fitted = { ...fitted, [field]: shorten(full, max) };
  }
  return fitted;
}

function parseRecord(slug: string, raw: string): StoredArticle | null {
  try {
    const parsed = v.safeParse(storedArticleSchema, JSON.parse(raw));
    if (parsed.success) return parsed.output;
    console.error(`Article ${slug} in KV does not match the stored schema: ${parsed.issues[0]?.message}`);
  } catch {
    console.error(`Article ${slug} in KV is not valid JSON`);
  }
  return null;
}

/**
 * Runs writes to one slug one at a time within this isolate, so an `If-Match` check and the write
 * after it cannot interleave with another request's. KV itself has no compare-and-swap; see the
 * README on what this does and does not guarantee across data centres.
 */
const locks = new Map<string, Promise<unknown>>();

export async function withSlugLock<T>(slug: string, work: () => Promise<T>): Promise<T> {
  const before = locks.get(slug) ?? Promise.resolve();
  const run = before.then(work, work);
  const settled = run.catch(() => undefined);
  locks.set(slug, settled);
  try {
    return await run;
  } finally {
    if (locks.get(slug) === settled) locks.delete(slug);
  }
}
