/**
 * @module cache/invalidate
 * The one place where a change to content reaches the caches. Publishing and deleting call
 * `contentChanged`; the cron calls `runDuePurges`.
 *
 * KV is eventually consistent: for about 60 s after a write, another location may still read the
 * old value, render it on a miss just after our purge, and cache it. So every purge is repeated
 * once that window has passed, from a queue of `repurge:` keys that the cron drains.
 */
import { isPublic } from "../content/article";
import type { StoredArticle } from "../content/schema";
import { listEntry, listPublic, type Store } from "../content/store";
import type { EdgeCache } from "./edge-cache";
import { TAGS } from "./policy";

const REPURGE_PREFIX = "repurge:";
/** KV's propagation window, plus margin: the second purge comes after this. */
export const REPURGE_DELAY_MS = 65_000;
/** Queue entries that are never drained (a cron that stopped) expire rather than pile up. */
const REPURGE_EXPIRY_SECONDS = 86_400;
/** A purge request takes at most 100 tags; the go-live tags of a run need a few more. */
const MAX_TAGS_PER_RUN = 90;
/** Well inside a Worker's 1,000 KV operations per invocation. */
const MAX_QUEUE_KEYS_PER_RUN = 500;
/** How far back the cron looks for scheduled articles that went live; two cron periods. */
const GO_LIVE_WINDOW_MS = 120_000;

export interface Change {
  slug: string;
  before: StoredArticle | null;
  after: StoredArticle | null;
}

/**
 * Purges what a change affects now, and queues the same purge for after KV's propagation window.
 * If the purge fails (Workers Caching allows 5 purge requests a minute), it is queued for the
 * cron's next run as well.
 */
export async function contentChanged(cache: EdgeCache, store: Store, change: Change, now = Date.now()): Promise<string[]> {
  const tags = tagsAffectedBy(change);
  // Queued first: once the content is saved, a purge that fails or throws must still happen later.
  await queuePurge(store, tags, now + REPURGE_DELAY_MS);
  const purged = await cache.purge(tags).catch((error: unknown) => {
    console.error("cache purge threw:", error);
    return false;
  });
  if (!purged) await queuePurge(store, tags, now);
  return tags;
}

/**
 * Exactly the tags whose responses a change alters: the article's page always; the feeds when it is
 * or was listed (they carry its full text); the lists and sitemap only when its list entry changed.
 */
export function tagsAffectedBy({ slug, before, after }: Change): string[] {
  const listed = (article: StoredArticle | null) => (article && !article.draft ? article : null);
  const entry = (article: StoredArticle | null) => {
    const shown = listed(article);
    return shown ? JSON.stringify(listEntry(shown)) : null;
  };
  const tags = [TAGS.article(slug)];
  if (listed(before) || listed(after)) tags.push(TAGS.rss, TAGS.jsonFeed);
  if (entry(before) !== entry(after)) tags.push(TAGS.list);
  return tags;
}

async function queuePurge(store: Store, tags: string[], due: number): Promise<void> {
  // The tags ride in the key's metadata, so the cron's one `list` reads them all.
  await store.kv.put(`${REPURGE_PREFIX}${String(due).padStart(13, "0")}:${crypto.randomUUID()}`, "", {
    metadata: tags,
    expirationTtl: REPURGE_EXPIRY_SECONDS,
  });
}

/**
 * The cron's work: repeat purges whose delay has passed, and purge lists and feeds for scheduled
 * articles that went live since the last runs. Returns the tags it purged.
 */
export async function runDuePurges(cache: EdgeCache, store: Store, now: number): Promise<string[]> {
  const tags = new Set<string>();
  const done: string[] = [];
  let cursor: string | undefined;
  scan: do {
    store.ops.lists++;
    const page: KVNamespaceListResult<unknown, string> = await store.kv.list({
      prefix: REPURGE_PREFIX,
      ...(cursor ? { cursor } : {}),
    });
    for (const key of page.keys) {
      const due = Number(key.name.slice(REPURGE_PREFIX.length, REPURGE_PREFIX.length + 13));
      if (due > now) break scan; // Keys sort by due time; the rest are not due yet.
      const keyTags = (Array.isArray(key.metadata) ? key.metadata : []).map(String);
      // One purge request a run (Workers Caching allows five a minute, shared with editors), and a
      // bounded number of deletes; whatever does not fit waits for the next run.
      if (done.length >= MAX_QUEUE_KEYS_PER_RUN || new Set([...tags, ...keyTags]).size > MAX_TAGS_PER_RUN) break scan;
      for (const tag of keyTags) tags.add(tag);
      done.push(key.name);
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);

  const { entries } = await listPublic(store, { offset: 0, limit: 50, now });
  for (const entry of entries) {
    const at = Date.parse(entry.published);
    if (at > now - GO_LIVE_WINDOW_MS && isPublic({ draft: false, published: entry.published }, now)) {
      for (const tag of [TAGS.article(entry.slug), TAGS.list, TAGS.rss, TAGS.jsonFeed]) tags.add(tag);
    }
  }
  // Queue entries stay for the next run if the purge is refused.
  if (tags.size && !(await cache.purge([...tags]))) return [];
  await Promise.all(done.map((name) => store.kv.delete(name)));
  return [...tags];
}
